"""Offline stand-in for the ``get-pip.py`` bootstrap script that ansible-test downloads.

ansible-test bootstraps pip into each new virtual environment (``ansible-test sanity --venv``) with a
script fetched from ci-files.testing.ansible.com, which is not reachable here. It first looks for a
cached copy at ``~/.ansible/test/cache/get_pip_<pip version with underscores>.py``; ``make sanity``
copies this file there.

It is run (via runpy, as ``__main__``) with the arguments the real script gets, for example
``--disable-pip-version-check pip==24.2 --no-setuptools --no-wheel``. It bootstraps the pip bundled
with Python (``ensurepip``), then lets that pip install the requested packages. The machine's pip
configuration (index URLs, certificates) is used as usual.
"""

import ensurepip
import os
import subprocess
import sys

# Options only the real bootstrap script understands.
BOOTSTRAP_ONLY = {"--no-setuptools", "--no-wheel"}


def main():
    args = [arg for arg in sys.argv[1:] if arg not in BOOTSTRAP_ONLY]
    saved_config = os.environ.get("PIP_CONFIG_FILE")
    ensurepip.bootstrap(upgrade=True)
    # ensurepip points PIP_CONFIG_FILE at /dev/null for its own run and leaves it set in this process:
    # put the caller's value back, or pip loses the machine's index settings.
    if saved_config is None:
        os.environ.pop("PIP_CONFIG_FILE", None)
    else:
        os.environ["PIP_CONFIG_FILE"] = saved_config
    if not any(not arg.startswith("-") for arg in args):
        return 0  # nothing beyond pip itself was asked for
    return subprocess.call([sys.executable, "-m", "pip", "install"] + args)


if __name__ == "__main__":
    sys.exit(main())
