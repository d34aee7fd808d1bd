# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SDKs' default TLS context, built once per playbook run instead of once per task that calls RAM or STS.

For every new HTTPS session (one per endpoint and process) both HTTP layers of the Alibaba Cloud SDKs build an
``ssl.SSLContext`` from scratch in their ``get_adapter``: the system's trust store (``ssl.create_default_context``)
plus certifi's bundle, about 0.1 s of CPU each. ``darabonba.core.DaraCore`` carries the RAM API calls, and
``Tea.core.TeaCore`` carries the credential library's AssumeRole. Each task of the action plugins runs in a forked
worker process, so every task that calls RAM, or assumes a role, paid it again. ``preload`` builds the default
context (HTTPS, no minimum TLS version) exactly as the SDKs build it, once, in the controller's main process
before the workers are forked (``plugin_utils/action_shell.py``), and makes both functions hand it to the sessions
of the forked workers.

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
try:
    from Tea import core as _tea_core
except ImportError:
    _tea_core = None

_SHARED = {}  # "context": the default HTTPS context; "pid": the process that built it
_SDK_GET_ADAPTER = {}  # layer name -> the SDK's own get_adapter, once replaced


def _dara_adapter(context, pool_size=None):
    pool_maxsize = pool_size if pool_size is not None and pool_size > 0 else _dara_core.DEFAULT_POOL_MAXSIZE
    return _dara_core._TLSAdapter(  # pylint: disable=protected-access
        ssl_context=context, pool_connections=_dara_core.DEFAULT_POOL_SIZE, pool_maxsize=pool_maxsize)


def _tea_adapter(context):
    return _tea_core._TLSAdapter(  # pylint: disable=protected-access
        ssl_context=context, pool_connections=_tea_core.DEFAULT_POOL_SIZE,
        pool_maxsize=_tea_core.DEFAULT_POOL_SIZE * 4)


# Each HTTP layer: its module, the class whose get_adapter is replaced, the attributes its adapters are built from.
_LAYERS = (
    ("darabonba", lambda: _dara_core, "DaraCore", ("_TLSAdapter", "DEFAULT_POOL_SIZE", "DEFAULT_POOL_MAXSIZE")),
    ("Tea", lambda: _tea_core, "TeaCore", ("_TLSAdapter", "DEFAULT_POOL_SIZE")),
)


def _supported(layer):
    _name, module, class_name, attributes = layer
    module = module()
    return (module is not None and hasattr(getattr(module, class_name, None), "get_adapter")
            and all(hasattr(module, attribute) for attribute in attributes))


def sdk_supports_sharing():
    """True when every HTTP layer of the SDKs builds its adapters as this module expects."""
    return all(_supported(layer) for layer in _LAYERS)


def _shared_context(prefix, tls_min_version):
    """The preloaded context, in a forked worker and for the default settings; None: the SDK builds its own."""
    context = _SHARED.get("context")
    if context is None or prefix.upper() != "HTTPS" or tls_min_version is not None or os.getpid() == _SHARED["pid"]:
        return None
    return context


def shared_adapter(prefix, tls_min_version=None, pool_size=None):
    """``DaraCore.get_adapter`` (RAM API calls), with the preloaded context in a forked worker."""
    context = _shared_context(prefix, tls_min_version)
    if context is None:
        return _SDK_GET_ADAPTER["darabonba"](prefix, tls_min_version, pool_size=pool_size)
    return _dara_adapter(context, pool_size)


def shared_tea_adapter(prefix, tls_min_version=None):
    """``TeaCore.get_adapter`` (the credential library's AssumeRole), with the preloaded context in a forked
    worker."""
    context = _shared_context(prefix, tls_min_version)
    if context is None:
        return _SDK_GET_ADAPTER["Tea"](prefix, tls_min_version)
    return _tea_adapter(context)


def preload():
    """Build the default HTTPS context in this process (the controller's main process, before workers are forked)
    and let the SDK sessions of forked workers use it. Idempotent; returns whether the SDKs allow it."""
    if not sdk_supports_sharing():
        return False
    if not _SDK_GET_ADAPTER:
        _SDK_GET_ADAPTER["darabonba"] = _dara_core.DaraCore.get_adapter
        _SDK_GET_ADAPTER["Tea"] = _tea_core.TeaCore.get_adapter
        _SHARED["context"] = _SDK_GET_ADAPTER["darabonba"]("HTTPS").ssl_context
        _SHARED["pid"] = os.getpid()
        _dara_core.DaraCore.get_adapter = staticmethod(shared_adapter)
        _tea_core.TeaCore.get_adapter = staticmethod(shared_tea_adapter)
    return True
