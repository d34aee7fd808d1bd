"""Local stand-in for the cloud broker's provider-account service ``cb-credential-service`` (API v2.0).

The protocol it speaks is specified in ``docs/marketplace-api.md``; ``create_app`` is the contract with
``tests/sandbox/run.py``.
"""

from .app import create_app

__all__ = ["create_app"]
