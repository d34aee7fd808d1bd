"""ram/tls.py: the SDK's default TLS context is built once, in the process that preloads it (the controller's main
process), and handed to the SDK sessions of the processes forked from it; everything else is left to the SDK."""

import ssl

import pytest
from darabonba import core as dara_core
from Tea import core as tea_core

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram import tls


@pytest.fixture
def preloaded(monkeypatch):
    """tls.preload() in this process; afterwards the SDK and the module are as they were."""
    monkeypatch.setattr(dara_core.DaraCore, "get_adapter", dara_core.DaraCore.__dict__["get_adapter"])
    monkeypatch.setattr(tea_core.TeaCore, "get_adapter", tea_core.TeaCore.__dict__["get_adapter"])
    monkeypatch.setattr(tls, "_SDK_GET_ADAPTER", {})
    monkeypatch.setattr(tls, "_SHARED", {})
    assert tls.preload() is True
    return tls._SHARED["context"]


def test_the_pinned_sdk_builds_its_adapters_as_expected():
    # If an SDK upgrade changes its HTTP layer, this fails instead of the sharing silently stopping.
    assert tls.sdk_supports_sharing()


def test_a_forked_worker_reuses_the_preloaded_context(preloaded, monkeypatch):
    assert isinstance(preloaded, ssl.SSLContext) and preloaded.verify_mode == ssl.CERT_REQUIRED
    assert preloaded.cert_store_stats()["x509_ca"] > 0  # the system's trust store and certifi's bundle, as the SDK
    builder = tls._SHARED["pid"]
    monkeypatch.setattr(tls.os, "getpid", lambda: builder + 1)  # as in a worker forked from the builder
    first = dara_core.DaraCore.get_adapter("https")
    second = dara_core.DaraCore.get_adapter("HTTPS", pool_size=5)
    assert first.ssl_context is preloaded and second.ssl_context is preloaded
    assert first is not second and second._pool_maxsize == 5  # pylint: disable=protected-access
    assert first._pool_maxsize == dara_core.DEFAULT_POOL_MAXSIZE  # pylint: disable=protected-access


def test_a_forked_worker_assumes_roles_with_the_preloaded_context_too(preloaded, monkeypatch):
    # The credential library's AssumeRole goes through the older HTTP layer (Tea): the same context.
    builder = tls._SHARED["pid"]
    monkeypatch.setattr(tls.os, "getpid", lambda: builder + 1)
    adapter = tea_core.TeaCore.get_adapter("https")
    assert adapter.ssl_context is preloaded
    assert adapter._pool_maxsize == tea_core.DEFAULT_POOL_SIZE * 4  # pylint: disable=protected-access
    assert tea_core.TeaCore.get_adapter("https", "TLSv1.2").ssl_context is not preloaded
    monkeypatch.setattr(tls.os, "getpid", lambda: builder)
    assert tea_core.TeaCore.get_adapter("https").ssl_context is not preloaded


def test_the_builder_and_other_tls_settings_get_the_sdk_own_context(preloaded, monkeypatch):
    # The main process keeps the preloaded context as built (a CA bundle added per connection stays in the worker).
    assert dara_core.DaraCore.get_adapter("https").ssl_context is not preloaded
    builder = tls._SHARED["pid"]
    monkeypatch.setattr(tls.os, "getpid", lambda: builder + 1)
    assert dara_core.DaraCore.get_adapter("https", "TLSv1.2").ssl_context is not preloaded


def test_preload_is_idempotent(preloaded):
    replaced, tea_replaced = dara_core.DaraCore.get_adapter, tea_core.TeaCore.get_adapter
    assert tls.preload() is True
    assert dara_core.DaraCore.get_adapter is replaced and tls._SHARED["context"] is preloaded
    assert tea_core.TeaCore.get_adapter is tea_replaced
