"""ram_access_key through ansible-playbook: idempotence, rotation without downtime, secrets never printed."""

import json
import os
import stat
import uuid

import pytest
from alibabacloud_ram20150501 import models as ram_models

pytestmark = pytest.mark.integration


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def caller_identity(sandbox, key_id, secret):
    """Use a key for real: STS GetCallerIdentity signed with it (raises on a rejected key)."""
    from alibabacloud_sts20150401.client import Client
    from alibabacloud_tea_openapi import models as open_api_models

    protocol, host = sandbox.ram_url.split("://", 1)
    client = Client(open_api_models.Config(access_key_id=key_id, access_key_secret=secret, endpoint=host,
                                           protocol=protocol, ca=sandbox.ca_bundle))
    return client.get_caller_identity().body


def key_ids(ram, user_name):
    body = ram.list_access_keys(ram_models.ListAccessKeysRequest(user_name=user_name)).body
    return sorted((k.access_key_id, k.status) for k in body.access_keys.access_key)


# The target itself runs in test_shell_parity.py, through both shells.


def test_secret_file_is_private_and_secret_not_returned(ansible, sandbox, ram, tmp_path):
    user = unique("sfile")
    ram.create_user(ram_models.CreateUserRequest(user_name=user))
    path = tmp_path / "key.json"
    run = ansible.run_tasks([
        {"cloudbroker.alibaba.ram_access_key": {"user_name": user, "secret_file": str(path)}, "register": "r"},
        {"ansible.builtin.assert": {"that": ["r.created", "r.access_key_secret is not defined",
                                             "r.secret_file == path"]}},
    ], extra_vars={"path": str(path)}, verbosity=4).assert_ok()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    content = json.loads(path.read_text())
    assert content["user_name"] == user and content["access_key_id"].startswith("LTAI")
    assert content["access_key_secret"] not in run.output
    assert caller_identity(sandbox, content["access_key_id"], content["access_key_secret"]).identity_type == "RAMUser"


def test_documented_no_log_pattern_never_prints_the_secret(ansible, sandbox, ram, tmp_path):
    """register + no_log, then hand on through a no_log consumer: nothing of the secret in -vvvv output."""
    user = unique("nolog")
    ram.create_user(ram_models.CreateUserRequest(user_name=user))
    dest = tmp_path / "delivered.txt"
    run = ansible.run_tasks([
        {"name": "Create the key", "cloudbroker.alibaba.ram_access_key": {"user_name": user},
         "register": "key", "no_log": True},
        {"name": "Consumer", "ansible.builtin.copy": {"content": "{{ key.access_key_secret }}", "dest": str(dest),
                                                      "mode": "0600"}, "no_log": True},
        {"name": "Show the non-secret part", "ansible.builtin.debug": {"var": "key.access_key.access_key_id"}},
    ], verbosity=4).assert_ok()
    secret = dest.read_text()
    assert len(secret) >= 30
    assert secret not in run.output
    assert "LTAI" in run.output  # the key id itself is not secret and is shown


def test_rotation_keeps_the_old_key_working_until_deactivated(ansible, sandbox, ram, tmp_path):
    user = unique("rotate")
    ram.create_user(ram_models.CreateUserRequest(user_name=user))
    old_file, new_file = tmp_path / "old.json", tmp_path / "new.json"
    ansible.run_tasks([{"cloudbroker.alibaba.ram_access_key": {"user_name": user, "secret_file": str(old_file)}}]
                      ).assert_ok()
    old = json.loads(old_file.read_text())

    ansible.run_tasks([{"cloudbroker.alibaba.ram_access_key": {
        "user_name": user, "rotate": True, "usable_key_ids": [old["access_key_id"]], "delete_unusable": True,
        "secret_file": str(new_file)}}]).assert_ok()
    new = json.loads(new_file.read_text())
    assert new["access_key_id"] != old["access_key_id"]
    # both keys work while the consumer switches over
    assert caller_identity(sandbox, old["access_key_id"], old["access_key_secret"]).user_id
    assert caller_identity(sandbox, new["access_key_id"], new["access_key_secret"]).user_id

    ansible.run_tasks([{"cloudbroker.alibaba.ram_access_key": {
        "user_name": user, "id": old["access_key_id"], "status": "Inactive"}}]).assert_ok()
    with pytest.raises(Exception) as info:
        caller_identity(sandbox, old["access_key_id"], old["access_key_secret"])
    assert "InvalidAccessKeyId.Inactive" in str(info.value)
    assert caller_identity(sandbox, new["access_key_id"], new["access_key_secret"]).user_id

    ansible.run_tasks([{"cloudbroker.alibaba.ram_access_key": {
        "user_name": user, "id": old["access_key_id"], "state": "absent"}}]).assert_ok()
    assert key_ids(ram, user) == [(new["access_key_id"], "Active")]


def test_run_killed_after_create_converges_without_extra_keys(ansible, ram):
    """A key whose secret was lost (the run died) is replaced, and never more than two keys exist."""
    user = unique("crash")
    ram.create_user(ram_models.CreateUserRequest(user_name=user))
    lost = ram.create_access_key(ram_models.CreateAccessKeyRequest(user_name=user)).body.access_key.access_key_id
    task = {"cloudbroker.alibaba.ram_access_key": {"user_name": user, "usable_key_ids": [],
                                                   "delete_unusable": True}, "no_log": True}
    first = ansible.run_tasks([task]).assert_ok()
    assert first.recap()["localhost"]["changed"] == 1
    keys = key_ids(ram, user)
    assert len(keys) == 1 and keys[0][0] != lost
