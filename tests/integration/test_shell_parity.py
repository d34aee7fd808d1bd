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
UUID = re.compile(r"\b[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\b")  # request ids
# The random part of a path made by ansible.builtin.tempfile in each run (mkstemp/mkdtemp with the prefix
# "ansible.": eight characters of tempfile's alphabet); the rest of the path is compared.
TEMPFILE = re.compile(r"(?<=/ansible\.)[a-z0-9_]{8}(?=[-./]|$)")


def normalize(value, key=""):
    if isinstance(value, dict):
        return dict((k, "<volatile>" if VOLATILE_KEY.search(k) else normalize(v, k)) for k, v in value.items())
    if isinstance(value, list):
        return [normalize(item, key) for item in value]
    if isinstance(value, str):
        for pattern, mask in ((TIMESTAMP, "<time>"), (ACCESS_KEY_ID, "<key id>"), (UUID, "<uuid>"), (DIGEST, "<digest>"),
                              (TEMPFILE, "<random>")):
            value = pattern.sub(mask, value)
        return value
    return value


# Targets that need more than a resource prefix. ram_security_report needs a seeded account and the findings
# to expect: test_ram_security_report.py runs it through both shells with the same assertions.
SEPARATELY_COVERED = {"ram_security_report": "tests/integration/test_ram_security_report.py (both connections)"}
TARGET_ENV = {
    # a fresh password per run, through the environment (the target reads it; -vvvv would show -e values)
    "ram_login_profile": lambda: {"CB_TEST_LOGIN_PASSWORD": "Cb-%s-Aa1!" % uuid.uuid4().hex[:12]},
}


def targets():
    return sorted(name for name in os.listdir(TARGETS)
                  if os.path.isdir(os.path.join(TARGETS, name, "tasks")) and name not in SEPARATELY_COVERED)


def shell_env(log):
    """What makes a run log its results and know the non-local test connection."""
    return {
        "CLOUDBROKER_RESULT_LOG": log,
        "ANSIBLE_CALLBACK_PLUGINS": os.path.join(PLUGINS, "callback"),
        "ANSIBLE_CALLBACKS_ENABLED": "result_log",
        "ANSIBLE_CONNECTION_PLUGINS": os.path.join(PLUGINS, "connection"),
    }


def run_logged(ansible, target, prefix, connection, log_dir, target_env=None):
    log = os.path.join(log_dir, "%s-%s.jsonl" % (target, connection))
    env = dict(shell_env(log), **(target_env or {}))
    run = ansible.run_target(target, extra_vars={"resource_prefix": prefix}, extra_env=env,
                             connection=connection)
    run.assert_ok()
    with open(log, encoding="utf-8") as handle:
        lines = [json.loads(line) for line in handle]
    return [line for line in lines if line["action"].startswith(COLLECTION_PREFIX)]


@pytest.mark.parametrize("target", targets())
def test_module_and_action_shells_agree(ansible, tmp_path, target):
    prefix = "p%s" % uuid.uuid4().hex[:8]
    target_env = TARGET_ENV[target]() if target in TARGET_ENV else None
    on_controller = run_logged(ansible, target, prefix, "local", str(tmp_path), target_env)
    as_modules = run_logged(ansible, target, prefix, "remote_local", str(tmp_path), target_env)
    assert on_controller, "the target ran no task of the collection"
    assert [line["task"] for line in on_controller] == [line["task"] for line in as_modules]
    for local, remote in zip(on_controller, as_modules):
        assert normalize(local["result"]) == normalize(remote["result"]), "task %r differs" % local["task"]
        assert local["status"] == remote["status"], local["task"]
