# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SDK's default TLS context, built once per playbook run instead of once per task that calls RAM.

For every new HTTPS session (one per endpoint and process) the SDK's HTTP layer (``darabonba.core.DaraCore.
get_adapter``) builds an ``ssl.SSLContext`` from scratch: the system's trust store (``set_default_verify_paths``)
plus certifi's bundle, about 0.1 s of CPU. Each task of the action plugins runs in a forked worker process, so
every task that calls RAM paid it again. ``preload`` builds the default context (HTTPS, no minimum TLS version)
exactly as the SDK builds it, in the controller's main process before the workers are forked
(``plugin_utils/action_shell.py``), and makes that function hand it to the sessions of the forked workers.

Nothing else changes: the same trust store and certifi bundle, a new adapter (and connection pool) per session,
and the task's ``ca_path`` is still added to the context per connection by the HTTP layer, as before. The context
stays as built in the process that built it (the main process): only a forked worker, which runs one task, uses
it. Any other case (another minimum TLS version, a module run in its own process, an SDK whose HTTP layer is not
built this way) is left to the SDK.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

try:
    from darabonba import core as _dara_core
except ImportError:
    _dara_core = None

_SHARED = {}  # "context": the default HTTPS context; "pid": the process that built it
_SDK_GET_ADAPTER = []  # the SDK's own get_adapter, once replaced


def sdk_supports_sharing():
    """True when the SDK's HTTP layer builds its adapters as this module expects."""
    return (_dara_core is not None and hasattr(getattr(_dara_core, "DaraCore", None), "get_adapter")
            and hasattr(_dara_core, "_TLSAdapter") and hasattr(_dara_core, "DEFAULT_POOL_SIZE")
            and hasattr(_dara_core, "DEFAULT_POOL_MAXSIZE"))


def shared_adapter(prefix, tls_min_version=None, pool_size=None):
    """``DaraCore.get_adapter``, with the preloaded context in a forked worker (the SDK's own otherwise)."""
    context = _SHARED.get("context")
    if context is None or prefix.upper() != "HTTPS" or tls_min_version is not None or os.getpid() == _SHARED["pid"]:
        return _SDK_GET_ADAPTER[0](prefix, tls_min_version, pool_size=pool_size)
    pool_maxsize = pool_size if pool_size is not None and pool_size > 0 else _dara_core.DEFAULT_POOL_MAXSIZE
    return _dara_core._TLSAdapter(  # pylint: disable=protected-access
        ssl_context=context, pool_connections=_dara_core.DEFAULT_POOL_SIZE, pool_maxsize=pool_maxsize)


def preload():
    """Build the default HTTPS context in this process (the controller's main process, before workers are forked)
    and let the SDK's sessions of forked workers use it. Idempotent; returns whether the SDK allows it."""
    if not sdk_supports_sharing():
        return False
    if not _SDK_GET_ADAPTER:
        _SDK_GET_ADAPTER.append(_dara_core.DaraCore.get_adapter)
        _SHARED["context"] = _SDK_GET_ADAPTER[0]("HTTPS").ssl_context
        _SHARED["pid"] = os.getpid()
        _dara_core.DaraCore.get_adapter = staticmethod(shared_adapter)
    return True
