"""Both shells of every module return the same results (issue 10: one resource layer, two shells).

Each integration target runs twice with the same names: once with ``-c local`` (the action plugins run
the resources in the controller's process) and once with a connection that is not local
(``tests/integration/plugins/connection/remote_local.py``: the action plugins fall back to the modules,
run through AnsiballZ in a new interpreter, as for a task delegated to a jump host). A callback logs
every task result; the results of the collection's tasks must be equal once the values that differ
between any two runs (IDs, dates, secrets, request IDs) are masked.
"""

import json
import os
import re
import uuid

import pytest

from conftest import REPO, TARGETS

PLUGINS = os.path.join(REPO, "tests", "integration", "plugins")
COLLECTION_PREFIX = "cloudbroker.alibaba."
# Values that legitimately differ between two runs of the same tasks.
VOLATILE_KEY = re.compile(r"(^|_)(id|ids|date|time|secret|seed|token|serial_number|request_id|qr_code_png|"
                          r"totp_uri|base32_string_seed|access_key_secret|expiration|user_id|age_days)$")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")
ACCESS_KEY_ID = re.compile(r"\bLTAI[0-9A-Za-z]{8,40}\b")
DIGEST = re.compile(r"\b[0-9a-f]{32,64}\b")  # a signature's string-to-sign, a request's nonce
TEMP_PATH = re.compile(r"\bansible\.[A-Za-z0-9_]{8}(?=[-/])")  # ansible.builtin.tempfile: a new name per run
UUID = re.compile(r"\b[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\b")  # request ids


def normalize(value, key=""):
    if isinstance(value, dict):
        return dict((k, "<volatile>" if VOLATILE_KEY.search(k) else normalize(v, k)) for k, v in value.items())
    if isinstance(value, list):
        return [normalize(item, key) for item in value]
    if isinstance(value, str):
        masks = ((TIMESTAMP, "<time>"), (ACCESS_KEY_ID, "<key id>"), (UUID, "<uuid>"), (DIGEST, "<digest>"),
                 (TEMP_PATH, "ansible.<tmp>"))
        for pattern, mask in masks:
            value = pattern.sub(mask, value)
        return value
    return value


# Targets that need variables only their own test module can give (seeded state, expected findings):
# that module runs them through both shells itself, with ``run_logged`` and ``assert_same_results``.
OWN_PARITY_TEST = {"ram_security_report": "test_ram_security_report.py::test_both_shells_report_the_same"}
TARGET_ENV = {
    # a fresh password per run, through the environment (the target reads it; -vvvv would show -e values)
    "ram_login_profile": lambda: {"CB_TEST_LOGIN_PASSWORD": "Cb-%s-Aa1!" % uuid.uuid4().hex[:12]},
}


def targets():
    return sorted(name for name in os.listdir(TARGETS)
                  if os.path.isdir(os.path.join(TARGETS, name, "tasks")) and name not in OWN_PARITY_TEST)


def run_logged(ansible, target, prefix, connection, log_dir, extra_vars=None, target_env=None):
    log = os.path.join(log_dir, "%s-%s.jsonl" % (target, connection))
    env = {
        "CLOUDBROKER_RESULT_LOG": log,
        "ANSIBLE_CALLBACK_PLUGINS": os.path.join(PLUGINS, "callback"),
        "ANSIBLE_CALLBACKS_ENABLED": "result_log",
        "ANSIBLE_CONNECTION_PLUGINS": os.path.join(PLUGINS, "connection"),
    }
    env.update(target_env or {})
    run = ansible.run_target(target, extra_vars=dict(extra_vars or {}, resource_prefix=prefix), extra_env=env,
                             connection=connection)
    run.assert_ok()
    with open(log, encoding="utf-8") as handle:
        lines = [json.loads(line) for line in handle]
    return [line for line in lines if line["action"].startswith(COLLECTION_PREFIX)]


@pytest.mark.parametrize("target", targets())
def test_module_and_action_shells_agree(ansible, tmp_path, target):
    prefix = "p%s" % uuid.uuid4().hex[:8]
    target_env = TARGET_ENV[target]() if target in TARGET_ENV else None
    on_controller = run_logged(ansible, target, prefix, "local", str(tmp_path), target_env=target_env)
    as_modules = run_logged(ansible, target, prefix, "remote_local", str(tmp_path), target_env=target_env)
    assert_same_results(on_controller, as_modules)


def assert_same_results(on_controller, as_modules):
    assert on_controller, "the target ran no task of the collection"
    assert [line["task"] for line in on_controller] == [line["task"] for line in as_modules]
    for local, remote in zip(on_controller, as_modules):
        assert normalize(local["result"]) == normalize(remote["result"]), "task %r differs" % local["task"]
        assert local["status"] == remote["status"], local["task"]
