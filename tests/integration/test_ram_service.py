"""The local RAM service through the official SDKs over HTTP: it must be indistinguishable from RAM.

Every test talks to the session ``sandbox`` with ``alibabacloud_ram20150501`` /
``alibabacloud_sts20150401`` clients (ACS3 by default, ``signature_algorithm='v2'`` where the legacy
signer matters) and asserts real outcomes: codes, HTTP statuses, state read back.
"""

import datetime
import hashlib
import json
import os
import tempfile
import time
import types
import uuid
from urllib.parse import urlencode

import pyotp
import pytest
import requests
from alibabacloud_ram20150501 import models as ram_models
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_sts20150401.client import Client as StsClient
from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_tea_openapi import utils_models as open_api_util_models
from alibabacloud_tea_openapi.utils import Utils as OpenApiUtils
from darabonba.model import DaraModel
from darabonba.runtime import RuntimeOptions
from Tea.exceptions import TeaException

from conftest import Sandbox

pytestmark = pytest.mark.integration


# -- helpers ------------------------------------------------------------------------------------------
def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def sdk_client(sandbox, access_key_id, access_key_secret, signer=None, cls=RamClient):
    protocol, host = sandbox.ram_url.split("://", 1)
    config = open_api_models.Config(access_key_id=access_key_id, access_key_secret=access_key_secret,
                                    endpoint=host, protocol=protocol, ca=sandbox.ca_bundle)
    if signer == "v2":
        config.signature_algorithm = "v2"
    return cls(config)


def root_client(sandbox, signer=None, cls=RamClient):
    return sdk_client(sandbox, sandbox.root["access_key_id"], sandbox.root["access_key_secret"], signer, cls)


def fails(code, status, call, *args, **kwargs):
    """Run an SDK call that must fail with ``code``/``status``; returns the exception."""
    with pytest.raises(TeaException) as info:
        call(*args, **kwargs)
    error = info.value
    assert (error.code, error.data.get("statusCode")) == (code, status), error.data
    assert error.data["RequestId"] and error.data["Message"] and error.data["HostId"]
    assert "q=%s&" % code in error.data["Recommend"]
    return error


def assert_complete(model, optional=(), path="body"):
    """Every field of a parsed SDK model is set: proves the JSON keys match the SDK's names."""
    if isinstance(model, list):
        for index, item in enumerate(model):
            assert_complete(item, optional, "%s[%d]" % (path, index))
        return
    for name, value in vars(model).items():
        if name in optional:
            continue
        assert value is not None, "%s.%s is missing from the response" % (path, name)
        if isinstance(value, (DaraModel, list)):
            assert_complete(value, optional, "%s.%s" % (path, name))


def new_user(ram, prefix="u", **fields):
    name = unique(prefix)
    ram.create_user(ram_models.CreateUserRequest(user_name=name, **fields))
    return name


def new_key(ram, user_name):
    key = ram.create_access_key(ram_models.CreateAccessKeyRequest(user_name=user_name)).body.access_key
    return key.access_key_id, key.access_key_secret


def attach(ram, user_name, policy_name, policy_type="System"):
    ram.attach_policy_to_user(ram_models.AttachPolicyToUserRequest(
        user_name=user_name, policy_name=policy_name, policy_type=policy_type))


def policy_doc(*actions, effect="Allow", resource="*"):
    return json.dumps({"Version": "1", "Statement": [{"Effect": effect, "Action": list(actions),
                                                      "Resource": resource}]})


# -- root account, signatures, authentication ----------------------------------------------------------------
@pytest.mark.parametrize("signer", ["acs3", "v2"])
def test_root_identity_with_both_signers(sandbox, signer):
    body = root_client(sandbox, signer, StsClient).get_caller_identity().body
    assert_complete(body, optional=("role_id",))
    account = sandbox.root["account_id"]
    assert len(account) == 16 and account.isdigit()
    assert (body.identity_type, body.account_id, body.arn) == ("Account", account, "acs:ram::%s:root" % account)
    key = sandbox.root["access_key_id"]
    assert key.startswith("LTAI") and len(key) == 24 and key.isalnum()
    assert len(sandbox.root["access_key_secret"]) == 30


@pytest.mark.parametrize("signer", ["acs3", "v2"])
def test_tricky_parameter_encoding_is_signed_correctly(ram, sandbox, signer):
    """Spaces, '*', '~', '&', '=', '+', '%' and non-ASCII survive both canonicalisations."""
    client = root_client(sandbox, signer)
    comments = "ü *~ &=+ %41 /?#"
    name = unique("enc")
    client.create_user(ram_models.CreateUserRequest(user_name=name, comments=comments, display_name="Zoë Ä"))
    user = ram.get_user(ram_models.GetUserRequest(user_name=name)).body.user
    assert (user.comments, user.display_name) == (comments, "Zoë Ä")


@pytest.mark.parametrize("signer, message", [
    ("acs3", "Specified signature does not match our calculation. server StringToSign is [ACS3-HMAC-SHA256"),
    ("v2", "Specified signature is not matched with our calculation. server string to sign is:POST&%2F&"),
])
def test_wrong_secret_is_rejected(sandbox, signer, message):
    client = sdk_client(sandbox, sandbox.root["access_key_id"], "x" * 30, signer)
    error = fails("SignatureDoesNotMatch", 400, client.list_users, ram_models.ListUsersRequest())
    assert error.data["Message"].startswith(message)


@pytest.mark.parametrize("signer", ["acs3", "v2"])
def test_unknown_key_is_404(sandbox, signer):
    client = sdk_client(sandbox, "LTAI" + "0" * 20, "x" * 30, signer)
    error = fails("InvalidAccessKeyId.NotFound", 404, client.list_users, ram_models.ListUsersRequest())
    assert error.data["Message"] == "Specified access key is not found."


def test_inactive_key_is_rejected_until_reactivated(ram, sandbox):
    name = new_user(ram)
    key_id, secret = new_key(ram, name)
    user_sts = sdk_client(sandbox, key_id, secret, cls=StsClient)
    assert user_sts.get_caller_identity().body.identity_type == "RAMUser"
    ram.update_access_key(ram_models.UpdateAccessKeyRequest(user_name=name, user_access_key_id=key_id,
                                                            status="Inactive"))
    error = fails("InvalidAccessKeyId.Inactive", 400, user_sts.get_caller_identity)
    assert error.data["Message"] == "Specified access key is disabled."
    keys = ram.list_access_keys(ram_models.ListAccessKeysRequest(user_name=name)).body.access_keys.access_key
    assert [(k.access_key_id, k.status) for k in keys] == [(key_id, "Inactive")]
    fails("InvalidParameter.Status", 400, ram.update_access_key, ram_models.UpdateAccessKeyRequest(
        user_name=name, user_access_key_id=key_id, status="Disabled"))
    ram.update_access_key(ram_models.UpdateAccessKeyRequest(user_name=name, user_access_key_id=key_id,
                                                            status="Active"))
    assert user_sts.get_caller_identity().body.identity_type == "RAMUser"


def _signed_acs3(sandbox, action, query, date=None, nonce=None):
    """An ACS3 request signed by the SDK's own signer, with a chosen date and nonce (replays, clock skew)."""
    headers = {"host": sandbox.ram_url.split("://", 1)[1], "x-acs-action": action, "x-acs-version": "2015-05-01",
               "x-acs-date": date or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               "x-acs-signature-nonce": nonce or uuid.uuid4().hex,
               "x-acs-content-sha256": hashlib.sha256(b"").hexdigest()}
    unsigned = types.SimpleNamespace(pathname="/", query=query, headers=headers, method="POST")
    headers["Authorization"] = OpenApiUtils.get_authorization(
        unsigned, "ACS3-HMAC-SHA256", headers["x-acs-content-sha256"], sandbox.root["access_key_id"],
        sandbox.root["access_key_secret"])
    return requests.post(sandbox.ram_url + "/?" + urlencode(query), headers=headers, timeout=10,
                         verify=sandbox.ca_bundle or True)


def raw_body(client, action, **query):
    """The JSON body exactly as sent (the SDK models drop unknown keys and hide absent ones)."""
    params = open_api_util_models.Params(action=action, version="2015-05-01", protocol="HTTP", pathname="/",
                                         method="POST", auth_type="AK", style="RPC", req_body_type="formData",
                                         body_type="json")
    return client.call_api(params, open_api_util_models.OpenApiRequest(query=query), RuntimeOptions())["body"]


def test_replayed_nonce_and_stale_date_are_refused(sandbox):
    nonce = uuid.uuid4().hex
    first = _signed_acs3(sandbox, "GetAccountAlias", {}, nonce=nonce)
    assert first.status_code == 200 and first.json()["AccountAlias"]
    assert first.headers["x-acs-request-id"] == first.json()["RequestId"]
    replay = _signed_acs3(sandbox, "GetAccountAlias", {}, nonce=nonce)
    assert (replay.status_code, replay.json()["Code"]) == (400, "SignatureNonceUsed")
    stale = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=20)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    old = _signed_acs3(sandbox, "GetAccountAlias", {}, date=stale)
    assert (old.status_code, old.json()["Code"]) == (400, "InvalidTimeStamp.Expired")
    unsigned = requests.post(sandbox.ram_url + "/", timeout=10, verify=sandbox.ca_bundle or True, headers={
        "x-acs-action": "ListUsers", "x-acs-version": "2015-05-01", "Accept": "application/json"})
    assert (unsigned.status_code, unsigned.json()["Code"]) == (400, "IncompleteSignature")


def test_missing_parameter_and_unknown_action(ram):
    error = fails("MissingParameter", 400, ram.get_user, ram_models.GetUserRequest())
    assert '"UserName"' in error.data["Message"]
    fails("InvalidParameter.UserName.InvalidChars", 400, ram.get_user,
          ram_models.GetUserRequest(user_name="no spaces"))
    fails("InvalidParameter.UserName.Length", 400, ram.get_user, ram_models.GetUserRequest(user_name="a" * 65))
    fails("InvalidAction.NotFound", 404, raw_body, ram, "NoSuchAction")


# -- RAM users: policies decide --------------------------------------------------------------------------------
def test_ram_user_is_limited_by_its_policies(ram, sandbox):
    name = new_user(ram)
    group = unique("readers")
    ram.create_group(ram_models.CreateGroupRequest(group_name=group))
    ram.add_user_to_group(ram_models.AddUserToGroupRequest(group_name=group, user_name=name))
    ram.attach_policy_to_group(ram_models.AttachPolicyToGroupRequest(
        group_name=group, policy_name="AliyunRAMReadOnlyAccess", policy_type="System"))
    key_id, secret = new_key(ram, name)
    user = sdk_client(sandbox, key_id, secret)

    assert user.list_users(ram_models.ListUsersRequest()).body.users.user
    user.get_user(ram_models.GetUserRequest(user_name=name))
    error = fails("NoPermission", 403, user.create_user, ram_models.CreateUserRequest(user_name=unique("x")))
    assert error.data["Message"] == "You are not authorized to do this action."
    assert error.data["AccessDeniedDetail"]["AuthAction"] == "ram:CreateUser"
    fails("NoPermission", 403, user.create_access_key, ram_models.CreateAccessKeyRequest())   # not self-service

    identity = sdk_client(sandbox, key_id, secret, "v2", StsClient).get_caller_identity().body
    assert_complete(identity, optional=("role_id",))
    assert (identity.identity_type, identity.arn) == (
        "RAMUser", "acs:ram::%s:user/%s" % (sandbox.root["account_id"], name))
    assert identity.user_id == ram.get_user(ram_models.GetUserRequest(user_name=name)).body.user.user_id

    # an explicit Deny beats the Allow; a resource-scoped Allow only covers its resource
    deny = unique("deny-get")
    ram.create_policy(ram_models.CreatePolicyRequest(policy_name=deny, policy_document=policy_doc(
        "ram:GetUser", effect="Deny")))
    attach(ram, name, deny, "Custom")
    fails("NoPermission", 403, user.get_user, ram_models.GetUserRequest(user_name=name))
    assert user.list_users(ram_models.ListUsersRequest()).body.users is not None
    scoped = unique("own-groups")
    ram.create_policy(ram_models.CreatePolicyRequest(policy_name=scoped, policy_document=policy_doc(
        "ram:CreateGroup", resource="acs:ram:*:%s:group/team-*" % sandbox.root["account_id"])))
    attach(ram, name, scoped, "Custom")
    user.create_group(ram_models.CreateGroupRequest(group_name="team-" + uuid.uuid4().hex[:6]))
    fails("NoPermission", 403, user.create_group, ram_models.CreateGroupRequest(group_name=unique("other")))

    used = ram.get_access_key_last_used(ram_models.GetAccessKeyLastUsedRequest(
        user_name=name, user_access_key_id=key_id)).body.access_key_last_used
    assert used.last_used_date.startswith(time.strftime("%Y-%m-%d", time.gmtime()))


def test_power_user_not_action_and_self_service_keys(ram, sandbox):
    name = new_user(ram)
    attach(ram, name, "PowerUserAccess")
    key_id, secret = new_key(ram, name)
    user = sdk_client(sandbox, key_id, secret)
    fails("NoPermission", 403, user.list_users, ram_models.ListUsersRequest())   # NotAction ram:*
    # ram:GetRole is allowed again by the second statement: the request gets past authorisation
    fails("EntityNotExist.Role", 404, user.get_role, ram_models.GetRoleRequest(role_name=unique("none")))

    ram.set_security_preference(ram_models.SetSecurityPreferenceRequest(allow_user_to_manage_access_keys=True))
    try:
        own = user.list_access_keys(ram_models.ListAccessKeysRequest()).body.access_keys.access_key
        assert [k.access_key_id for k in own] == [key_id]
        fails("NoPermission", 403, user.list_access_keys, ram_models.ListAccessKeysRequest(user_name="someone"))
    finally:
        ram.set_security_preference(ram_models.SetSecurityPreferenceRequest(allow_user_to_manage_access_keys=False))
    fails("NoPermission", 403, user.list_access_keys, ram_models.ListAccessKeysRequest())


# -- access keys, users ---------------------------------------------------------------------------------------
def test_two_access_keys_per_user(ram):
    name = new_user(ram)
    created = ram.create_access_key(ram_models.CreateAccessKeyRequest(user_name=name)).body
    assert_complete(created)
    assert created.access_key.status == "Active" and len(created.access_key.access_key_secret) == 30
    new_key(ram, name)
    error = fails("LimitExceeded.User.AccessKey", 409, ram.create_access_key,
                  ram_models.CreateAccessKeyRequest(user_name=name))
    assert "2" in error.data["Message"]
    listed = ram.list_access_keys(ram_models.ListAccessKeysRequest(user_name=name)).body
    assert_complete(listed)
    assert len(listed.access_keys.access_key) == 2
    assert "AccessKeySecret" not in json.dumps(raw_body(ram, "ListAccessKeys", UserName=name))
    never = ram.get_access_key_last_used(ram_models.GetAccessKeyLastUsedRequest(
        user_name=name, user_access_key_id=created.access_key.access_key_id)).body
    assert never.access_key_last_used.last_used_date is None
    fails("EntityNotExist.User.AccessKey", 404, ram.delete_access_key, ram_models.DeleteAccessKeyRequest(
        user_name=name, user_access_key_id="LTAI" + "1" * 20))
    ram.delete_access_key(ram_models.DeleteAccessKeyRequest(user_name=name,
                                                            user_access_key_id=created.access_key.access_key_id))
    assert len(ram.list_access_keys(ram_models.ListAccessKeysRequest(user_name=name)).body.access_keys.access_key) == 1


def test_user_lifecycle_and_response_fields(ram):
    name = unique("life")
    created = ram.create_user(ram_models.CreateUserRequest(
        user_name=name, display_name="Life", mobile_phone="86-18600000000", email="l@example.com",
        comments="c")).body
    assert_complete(created)
    assert created.user.user_id.isdigit() and created.user.create_date.endswith("Z")
    fails("EntityAlreadyExists.User", 409, ram.create_user, ram_models.CreateUserRequest(user_name=name))
    fails("InvalidParameter.MobilePhone.Format", 400, ram.create_user,
          ram_models.CreateUserRequest(user_name=unique("p"), mobile_phone="18600000000"))
    assert_complete(ram.get_user(ram_models.GetUserRequest(user_name=name)).body, optional=("last_login_date",))

    renamed = name + "-r"
    ram.add_user_to_group(ram_models.AddUserToGroupRequest(group_name=_group(ram), user_name=name))
    attach(ram, name, "ReadOnlyAccess")
    updated = ram.update_user(ram_models.UpdateUserRequest(user_name=name, new_user_name=renamed,
                                                           new_display_name="Renamed")).body
    assert_complete(updated)
    expected = (renamed, "Renamed", "l@example.com")
    assert (updated.user.user_name, updated.user.display_name, updated.user.email) == expected
    fails("EntityNotExist.User", 404, ram.get_user, ram_models.GetUserRequest(user_name=name))
    policies = ram.list_policies_for_user(ram_models.ListPoliciesForUserRequest(user_name=renamed)).body
    assert_complete(policies)
    assert [p.policy_name for p in policies.policies.policy] == ["ReadOnlyAccess"]
    groups = ram.list_groups_for_user(ram_models.ListGroupsForUserRequest(user_name=renamed)).body
    assert_complete(groups)
    assert len(groups.groups.group) == 1


def _group(ram):
    name = unique("g")
    ram.create_group(ram_models.CreateGroupRequest(group_name=name, comments="test group"))
    return name


def test_delete_user_conflicts_in_order(ram):
    name = new_user(ram)
    key_id, _secret = new_key(ram, name)
    attach(ram, name, "AliyunOSSReadOnlyAccess")
    group = _group(ram)
    ram.add_user_to_group(ram_models.AddUserToGroupRequest(group_name=group, user_name=name))
    ram.create_login_profile(ram_models.CreateLoginProfileRequest(user_name=name, password="Str0ngPassw0rd"))
    serial, seed = _mfa_device(ram)
    _bind(ram, name, serial, seed)

    cleanups = [
        ("DeleteConflict.User.AccessKey", lambda: ram.delete_access_key(ram_models.DeleteAccessKeyRequest(
            user_name=name, user_access_key_id=key_id))),
        ("DeleteConflict.User.Policy", lambda: ram.detach_policy_from_user(ram_models.DetachPolicyFromUserRequest(
            user_name=name, policy_name="AliyunOSSReadOnlyAccess", policy_type="System"))),
        ("DeleteConflict.User.Group", lambda: ram.remove_user_from_group(ram_models.RemoveUserFromGroupRequest(
            group_name=group, user_name=name))),
        ("DeleteConflict.User.LoginProfile", lambda: ram.delete_login_profile(
            ram_models.DeleteLoginProfileRequest(user_name=name))),
        ("DeleteConflict.User.MFADevice", lambda: ram.unbind_mfadevice(ram_models.UnbindMFADeviceRequest(
            user_name=name))),
    ]
    for code, cleanup in cleanups:
        fails(code, 409, ram.delete_user, ram_models.DeleteUserRequest(user_name=name))
        cleanup()
    ram.delete_user(ram_models.DeleteUserRequest(user_name=name))
    fails("EntityNotExist.User", 404, ram.delete_user, ram_models.DeleteUserRequest(user_name=name))


def test_paging_with_marker(ram):
    group = _group(ram)
    names = [new_user(ram, "pg") for _index in range(5)]
    for name in names:
        ram.add_user_to_group(ram_models.AddUserToGroupRequest(group_name=group, user_name=name))
    pages, marker = [], None
    while True:
        body = ram.list_users_for_group(ram_models.ListUsersForGroupRequest(
            group_name=group, max_items=2, marker=marker)).body
        assert_complete(body, optional=("marker",) if not body.is_truncated else ())
        pages.append([u.user_name for u in body.users.user])
        if not body.is_truncated:
            break
        marker = body.marker
    assert pages == [names[0:2], names[2:4], names[4:]]
    last = raw_body(ram, "ListUsersForGroup", GroupName=group, MaxItems="2", Marker=marker)
    assert last["IsTruncated"] is False and "Marker" not in last

    seen, marker = [], None
    while True:
        body = ram.list_users(ram_models.ListUsersRequest(max_items=3, marker=marker)).body
        seen += [u.user_name for u in body.users.user]
        if not body.is_truncated:
            break
        marker = body.marker
    assert len(seen) == len(set(seen)) and set(names) <= set(seen)
    fails("InvalidParameter.Marker", 400, ram.list_users, ram_models.ListUsersRequest(marker="bogus!"))
    fails("InvalidParameter.MaxItems.Range", 400, ram.list_users, ram_models.ListUsersRequest(max_items=1001))


# -- groups ------------------------------------------------------------------------------------------------------
def test_groups(ram):
    group = _group(ram)
    fails("EntityAlreadyExists.Group", 409, ram.create_group, ram_models.CreateGroupRequest(group_name=group))
    assert_complete(ram.get_group(ram_models.GetGroupRequest(group_name=group)).body)
    name = new_user(ram)
    groups = [group] + [_group(ram) for _index in range(4)]
    for each in groups:
        ram.add_user_to_group(ram_models.AddUserToGroupRequest(group_name=each, user_name=name))
    fails("EntityAlreadyExists.User.Group", 409, ram.add_user_to_group,
          ram_models.AddUserToGroupRequest(group_name=group, user_name=name))
    fails("LimitExceeded.User.Group", 409, ram.add_user_to_group,
          ram_models.AddUserToGroupRequest(group_name=_group(ram), user_name=name))
    fails("DeleteConflict.Group.User", 409, ram.delete_group, ram_models.DeleteGroupRequest(group_name=group))
    ram.remove_user_from_group(ram_models.RemoveUserFromGroupRequest(group_name=group, user_name=name))
    fails("EntityNotExist.User.Group", 404, ram.remove_user_from_group,
          ram_models.RemoveUserFromGroupRequest(group_name=group, user_name=name))
    ram.attach_policy_to_group(ram_models.AttachPolicyToGroupRequest(
        group_name=group, policy_name="AliyunECSFullAccess", policy_type="System"))
    fails("DeleteConflict.Group.Policy", 409, ram.delete_group, ram_models.DeleteGroupRequest(group_name=group))
    assert_complete(ram.list_policies_for_group(ram_models.ListPoliciesForGroupRequest(group_name=group)).body)
    ram.detach_policy_from_group(ram_models.DetachPolicyFromGroupRequest(
        group_name=group, policy_name="AliyunECSFullAccess", policy_type="System"))
    renamed = ram.update_group(ram_models.UpdateGroupRequest(group_name=group, new_group_name=group + "-r",
                                                             new_comments="renamed")).body
    assert_complete(renamed)
    assert (renamed.group.group_name, renamed.group.comments) == (group + "-r", "renamed")
    ram.delete_group(ram_models.DeleteGroupRequest(group_name=group + "-r"))
    fails("EntityNotExist.Group", 404, ram.get_group, ram_models.GetGroupRequest(group_name=group + "-r"))
    listed = ram.list_groups(ram_models.ListGroupsRequest(max_items=1000)).body
    assert_complete(listed, optional=("marker",))


# -- policies ----------------------------------------------------------------------------------------------------
def test_attach_detach_semantics(ram):
    name = new_user(ram)
    attach(ram, name, "AliyunOSSFullAccess")
    fails("EntityAlreadyExists.User.Policy", 409, attach, ram, name, "AliyunOSSFullAccess")
    fails("EntityNotExist.Policy", 404, attach, ram, name, "AliyunOSSFullAccess", "Custom")   # type mismatch
    fails("EntityNotExist.Policy", 404, attach, ram, name, "aliyunossfullaccess")             # case-sensitive
    fails("EntityNotExist.User", 404, attach, ram, unique("ghost"), "AliyunOSSFullAccess")
    fails("InvalidParameter.PolicyType", 400, attach, ram, name, "AliyunOSSFullAccess", "Managed")
    fails("EntityNotExist.User.Policy", 404, ram.detach_policy_from_user, ram_models.DetachPolicyFromUserRequest(
        user_name=name, policy_name="AliyunECSFullAccess", policy_type="System"))

    entities = ram.list_entities_for_policy(ram_models.ListEntitiesForPolicyRequest(
        policy_name="AliyunOSSFullAccess", policy_type="System")).body
    assert name in [u.user_name for u in entities.users.user]
    assert entities.groups.group is not None and entities.roles.role is not None
    policy = ram.get_policy(ram_models.GetPolicyRequest(policy_name="AliyunOSSFullAccess", policy_type="System")).body
    assert_complete(policy)
    assert policy.policy.attachment_count >= 1 and policy.default_policy_version.is_default_version is True
    assert json.loads(policy.policy.policy_document)["Statement"][0]["Action"] == "oss:*"

    system = ram.list_policies(ram_models.ListPoliciesRequest(policy_type="System", max_items=1000)).body
    assert_complete(system, optional=("marker",))
    assert {"AdministratorAccess", "ReadOnlyAccess", "AliyunRAMReadOnlyAccess", "AliyunRAMFullAccess",
            "AliyunOSSFullAccess", "AliyunOSSReadOnlyAccess", "AliyunECSFullAccess", "AliyunSTSAssumeRoleAccess",
            "AliyunOTSFullAccess", "PowerUserAccess"} <= {p.policy_name for p in system.policies.policy}
    assert {p.policy_type for p in system.policies.policy} == {"System"}


@pytest.mark.parametrize("document, fragment", [
    ("{not json", "not valid JSON"),
    ('{"Version": "2", "Statement": []}', "Version"),
    ('{"Version": "1", "Statement": []}', "Statement"),
    ('{"Version": "1", "Statement": [{"Effect": "Maybe", "Action": "*", "Resource": "*"}]}', "Effect"),
    ('{"Version": "1", "Statement": [{"Effect": "Allow", "Resource": "*"}]}', "Action"),
    ('{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "x:y", "Resource": "*"}]}',
     "Action"),
    ('{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*"}]}', "Resource"),
    ('{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "no colon", "Resource": "*"}]}', "action"),
    ('{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Foo": 1}]}', "Foo"),
])
def test_malformed_policy_documents(ram, document, fragment):
    error = fails("MalformedPolicyDocument", 400, ram.create_policy, ram_models.CreatePolicyRequest(
        policy_name=unique("bad"), policy_document=document))
    assert fragment in error.data["Message"]


def test_policy_validation_limits(ram):
    fails("InvalidParameter.PolicyDocument.Length", 400, ram.create_policy, ram_models.CreatePolicyRequest(
        policy_name=unique("big"), policy_document=policy_doc(*["ecs:Describe%05d" % i for i in range(400)])))
    fails("InvalidParameter.PolicyName.InvalidChars", 400, ram.create_policy, ram_models.CreatePolicyRequest(
        policy_name="under_score", policy_document=policy_doc("ecs:*")))
    fails("EntityAlreadyExists.Policy", 409, ram.create_policy, ram_models.CreatePolicyRequest(
        policy_name="AdministratorAccess", policy_document=policy_doc("ecs:*")))
    fails("EntityNotExist.Policy", 404, ram.delete_policy, ram_models.DeletePolicyRequest(
        policy_name="AdministratorAccess"))


def test_policy_versions_and_deletion(ram):
    name = unique("versions")
    created = ram.create_policy(ram_models.CreatePolicyRequest(
        policy_name=name, policy_document=policy_doc("oss:GetObject"), description="d",
        tag=[ram_models.CreatePolicyRequestTag(key="env", value="test")])).body
    assert_complete(created)
    assert (created.policy.policy_type, created.policy.default_version) == ("Custom", "v1")
    for number in range(2, 6):
        version = ram.create_policy_version(ram_models.CreatePolicyVersionRequest(
            policy_name=name, policy_document=policy_doc("oss:GetObject%d" % number), set_as_default=number == 3)).body
        assert_complete(version)
        assert version.policy_version.version_id == "v%d" % number
    fails("LimitExceeded.Policy.Version", 409, ram.create_policy_version, ram_models.CreatePolicyVersionRequest(
        policy_name=name, policy_document=policy_doc("oss:*")))
    rotated = ram.create_policy_version(ram_models.CreatePolicyVersionRequest(
        policy_name=name, policy_document=policy_doc("oss:*"),
        rotate_strategy="DeleteOldestNonDefaultVersionWhenLimitExceeded")).body.policy_version
    assert (rotated.version_id, rotated.is_default_version) == ("v6", False)
    versions = ram.list_policy_versions(ram_models.ListPolicyVersionsRequest(policy_name=name,
                                                                             policy_type="Custom")).body
    assert_complete(versions)
    assert [(v.version_id, v.is_default_version) for v in versions.policy_versions.policy_version] == [
        ("v2", False), ("v3", True), ("v4", False), ("v5", False), ("v6", False)]
    fails("DeleteConflict.Policy.Version.Default", 409, ram.delete_policy_version,
          ram_models.DeletePolicyVersionRequest(policy_name=name, version_id="v3"))
    fails("InvalidParameter.VersionId.Format", 400, ram.get_policy_version, ram_models.GetPolicyVersionRequest(
        policy_name=name, policy_type="Custom", version_id="3"))
    fails("EntityNotExist.Policy.Version", 404, ram.get_policy_version, ram_models.GetPolicyVersionRequest(
        policy_name=name, policy_type="Custom", version_id="v1"))
    ram.set_default_policy_version(ram_models.SetDefaultPolicyVersionRequest(policy_name=name, version_id="v6"))
    got = ram.get_policy_version(ram_models.GetPolicyVersionRequest(policy_name=name, policy_type="Custom",
                                                                    version_id="v6")).body
    assert_complete(got)
    assert got.policy_version.is_default_version is True
    assert ram.get_policy(ram_models.GetPolicyRequest(policy_name=name, policy_type="Custom")).body.policy \
        .default_version == "v6"
    updated = ram.update_policy_description(ram_models.UpdatePolicyDescriptionRequest(
        policy_name=name, new_description="new")).body
    assert_complete(updated)
    assert updated.policy.description == "new"
    tagged = ram.list_policies(ram_models.ListPoliciesRequest(
        policy_type="Custom", tag=[ram_models.ListPoliciesRequestTag(key="env", value="test")])).body
    assert name in [p.policy_name for p in tagged.policies.policy]
    assert [(t.tag_key, t.tag_value) for p in tagged.policies.policy if p.policy_name == name
            for t in p.tags.tag] == [("env", "test")]

    user = new_user(ram)
    attach(ram, user, name, "Custom")
    fails("DeleteConflict.Policy.User", 409, ram.delete_policy, ram_models.DeletePolicyRequest(policy_name=name))
    ram.detach_policy_from_user(ram_models.DetachPolicyFromUserRequest(user_name=user, policy_name=name,
                                                                       policy_type="Custom"))
    fails("DeleteConflict.Policy.Version", 409, ram.delete_policy, ram_models.DeletePolicyRequest(policy_name=name))
    attach(ram, user, name, "Custom")
    ram.delete_policy(ram_models.DeletePolicyRequest(policy_name=name, cascading_delete=True))
    fails("EntityNotExist.Policy", 404, ram.get_policy,
          ram_models.GetPolicyRequest(policy_name=name, policy_type="Custom"))
    assert ram.list_policies_for_user(ram_models.ListPoliciesForUserRequest(user_name=user)).body.policies.policy == []


# -- roles -------------------------------------------------------------------------------------------------------
def test_roles(ram, sandbox):
    name = unique("Role")
    trust = json.dumps({"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                       "Principal": {"RAM": ["acs:ram::%s:root" % sandbox.root[
                                                           "account_id"]]}}]})
    created = ram.create_role(ram_models.CreateRoleRequest(role_name=name, assume_role_policy_document=trust,
                                                           description="r", max_session_duration=7200)).body
    assert_complete(created, optional=("allow_console_login",))
    assert created.role.arn == "acs:ram::%s:role/%s" % (sandbox.root["account_id"], name.lower())
    assert created.role.max_session_duration == 7200
    fails("EntityAlreadyExists.Role", 409, ram.create_role, ram_models.CreateRoleRequest(
        role_name=name, assume_role_policy_document=trust))
    fails("MalformedPolicyDocument", 400, ram.create_role, ram_models.CreateRoleRequest(
        role_name=unique("r"), assume_role_policy_document=policy_doc("sts:AssumeRole")))
    fails("InvalidParameter.MaxSessionDuration.Range", 400, ram.create_role, ram_models.CreateRoleRequest(
        role_name=unique("r"), assume_role_policy_document=trust, max_session_duration=60))
    assert_complete(ram.get_role(ram_models.GetRoleRequest(role_name=name)).body,
                    optional=("allow_console_login", "latest_deletion_task", "role_principal_name"))
    oss = dict(role_name=name, policy_name="AliyunOSSFullAccess", policy_type="System")
    ram.attach_policy_to_role(ram_models.AttachPolicyToRoleRequest(**oss))
    assert_complete(ram.list_policies_for_role(ram_models.ListPoliciesForRoleRequest(role_name=name)).body)
    fails("DeleteConflict.Role.Policy", 409, ram.delete_role, ram_models.DeleteRoleRequest(role_name=name))
    ram.detach_policy_from_role(ram_models.DetachPolicyFromRoleRequest(**oss))
    listed = ram.list_roles(ram_models.ListRolesRequest(max_items=1000)).body
    assert_complete(listed, optional=("marker", "allow_console_login"))
    assert name in [r.role_name for r in listed.roles.role]
    ram.delete_role(ram_models.DeleteRoleRequest(role_name=name))
    fails("EntityNotExist.Role", 404, ram.get_role, ram_models.GetRoleRequest(role_name=name))


# -- MFA -------------------------------------------------------------------------------------------------------
def _mfa_device(ram):
    device = ram.create_virtual_mfadevice(ram_models.CreateVirtualMFADeviceRequest(
        virtual_mfadevice_name=unique("mfa"))).body
    assert_complete(device)
    return device.virtual_mfadevice.serial_number, device.virtual_mfadevice.base_32string_seed


def _bind(ram, user_name, serial, seed, codes=None):
    totp, now = pyotp.TOTP(seed), time.time()
    code1, code2 = codes or (totp.at(now), totp.at(now + 30))
    ram.bind_mfadevice(ram_models.BindMFADeviceRequest(user_name=user_name, serial_number=serial,
                                                       authentication_code_1=code1, authentication_code_2=code2))


def test_mfa_binding_with_totp_codes(ram, sandbox):
    name = new_user(ram)
    serial, seed = _mfa_device(ram)
    assert serial.startswith("acs:ram::%s:mfa/" % sandbox.root["account_id"])
    fails("InvalidParameter.AuthenticationCode.Format", 400, _bind, ram, name, serial, seed, ("12345", "123456"))
    totp = pyotp.TOTP(seed)
    wrong = "%06d" % ((int(totp.now()) + 1) % 1000000)
    fails("CheckAuthenticationCodeFail", 403, _bind, ram, name, serial, seed, (wrong, wrong))
    fails("CheckAuthenticationCodeFail", 403, _bind, ram, name, serial, seed,   # not consecutive
          (totp.at(time.time() + 30), totp.at(time.time())))
    fails("EntityNotExist.User.MFADevice", 404, ram.get_user_mfainfo, ram_models.GetUserMFAInfoRequest(user_name=name))
    _bind(ram, name, serial, seed)

    info = ram.get_user_mfainfo(ram_models.GetUserMFAInfoRequest(user_name=name)).body
    assert_complete(info)
    assert (info.mfadevice.serial_number, info.mfadevice.type) == (serial, "VMFA")
    devices = ram.list_virtual_mfadevices().body.virtual_mfadevices
    mine = [d for d in devices.virtual_mfadevice if d.serial_number == serial]
    assert_complete(mine)
    assert mine[0].user.user_name == name
    other_serial, other_seed = _mfa_device(ram)
    fails("EntityAlreadyExists.User.MFADevice", 409, _bind, ram, name, other_serial, other_seed)
    fails("DeleteConflict.VirtualMFADevice.User", 409, ram.delete_virtual_mfadevice,
          ram_models.DeleteVirtualMFADeviceRequest(serial_number=serial))
    unbound = ram.unbind_mfadevice(ram_models.UnbindMFADeviceRequest(user_name=name)).body
    assert unbound.mfadevice.serial_number == serial
    for each in (serial, other_serial):
        ram.delete_virtual_mfadevice(ram_models.DeleteVirtualMFADeviceRequest(serial_number=each))
    fails("EntityNotExist.VirtualMFADevice", 404, ram.delete_virtual_mfadevice,
          ram_models.DeleteVirtualMFADeviceRequest(serial_number=serial))


# -- login profiles and account settings ----------------------------------------------------------------------
def test_login_profile_and_password_policy(ram, sandbox):
    policy = ram.get_password_policy().body
    assert_complete(policy)
    assert policy.password_policy.minimum_password_length == 8
    name = new_user(ram)
    error = fails("InvalidParameter.Password.TooWeak", 400, ram.create_login_profile,
                  ram_models.CreateLoginProfileRequest(user_name=name, password="short"))
    assert "8" in error.data["Message"]
    profile = ram.create_login_profile(ram_models.CreateLoginProfileRequest(
        user_name=name, password="Str0ng enough", password_reset_required=True)).body
    assert_complete(profile)
    assert (profile.login_profile.password_reset_required, profile.login_profile.mfabind_required) == (True, False)
    fails("EntityAlreadyExists.User.LoginProfile", 409, ram.create_login_profile,
          ram_models.CreateLoginProfileRequest(user_name=name, password="Str0ng enough"))
    ram.update_login_profile(ram_models.UpdateLoginProfileRequest(user_name=name, mfabind_required=True))
    got = ram.get_login_profile(ram_models.GetLoginProfileRequest(user_name=name)).body
    assert_complete(got)
    assert got.login_profile.mfabind_required is True

    key_id, secret = new_key(ram, name)
    user = sdk_client(sandbox, key_id, secret)
    fails("InvalidParameter.OldPassword", 400, user.change_password, ram_models.ChangePasswordRequest(
        old_password="wrong", new_password="An0ther one"))
    user.change_password(ram_models.ChangePasswordRequest(old_password="Str0ng enough", new_password="An0ther one"))
    assert ram.get_login_profile(ram_models.GetLoginProfileRequest(user_name=name)).body.login_profile \
        .password_reset_required is False

    set_policy = ram.set_password_policy(ram_models.SetPasswordPolicyRequest(
        minimum_password_length=12, require_symbols=True)).body
    try:
        assert_complete(set_policy)
        assert (set_policy.password_policy.minimum_password_length, set_policy.password_policy.require_symbols) == (
            12, True)
        fails("InvalidParameter.Password.TooWeak", 400, ram.update_login_profile,
              ram_models.UpdateLoginProfileRequest(user_name=name, password="Str0ngEnough1"))
        fails("InvalidParameter.MinimumPasswordLength.Range", 400, ram.set_password_policy,
              ram_models.SetPasswordPolicyRequest(minimum_password_length=4))
    finally:
        ram.set_password_policy(ram_models.SetPasswordPolicyRequest())
    assert ram.get_password_policy().body.password_policy.minimum_password_length == 8
    ram.delete_login_profile(ram_models.DeleteLoginProfileRequest(user_name=name))
    fails("EntityNotExist.User.LoginProfile", 404, ram.get_login_profile,
          ram_models.GetLoginProfileRequest(user_name=name))


def test_account_alias_and_security_preference(ram, sandbox):
    assert ram.get_account_alias().body.account_alias == sandbox.root["account_id"]
    ram.set_account_alias(ram_models.SetAccountAliasRequest(account_alias="cloudbroker-test"))
    assert ram.get_account_alias().body.account_alias == "cloudbroker-test"
    fails("InvalidParameter.AccountAlias.Format", 400, ram.set_account_alias,
          ram_models.SetAccountAliasRequest(account_alias="bad--alias"))
    fails("InvalidParameter.AccountAlias.Length", 400, ram.set_account_alias,
          ram_models.SetAccountAliasRequest(account_alias="ab"))
    ram.clear_account_alias()
    assert ram.get_account_alias().body.account_alias == sandbox.root["account_id"]

    preference = ram.get_security_preference().body
    assert_complete(preference)
    login = preference.security_preference.login_profile_preference
    assert (login.allow_user_to_change_password, login.login_session_duration) == (True, 6)
    changed = ram.set_security_preference(ram_models.SetSecurityPreferenceRequest(login_session_duration=8)).body
    assert_complete(changed)
    assert changed.security_preference.login_profile_preference.login_session_duration == 8
    assert changed.security_preference.mfapreference.allow_user_to_manage_mfadevices is True
    ram.set_security_preference(ram_models.SetSecurityPreferenceRequest(login_session_duration=6))


# -- sandbox behaviour: faults, counters, restart ----------------------------------------------------------------
def test_throttling_and_server_error_faults(ram, sandbox):
    sandbox.reset_counters("ram")
    sandbox.set_faults("ram", throttle_rate=1.0)
    error = fails("Throttling.User", 400, ram.list_users, ram_models.ListUsersRequest())
    assert error.data["Message"] == "Request was denied due to user flow control."
    sandbox.set_faults("ram", throttle_rate=0.0, error_rate=1.0)
    codes = set()
    for _attempt in range(2):
        with pytest.raises(TeaException) as info:
            ram.list_users(ram_models.ListUsersRequest())
        codes.add((info.value.code, info.value.data["statusCode"]))
    assert codes == {("ServiceUnavailable", 503), ("InternalError", 500)}
    sandbox.clear_faults("ram")
    ram.list_users(ram_models.ListUsersRequest())
    # every faulted request is counted, per action; the one that got through is not
    assert sandbox.injected_faults("ram") == {"ListUsers": 3}
    assert sandbox.counters("ram") == {"ListUsers": 4}


def test_counters_count_every_request(ram, sandbox):
    sandbox.reset_counters("ram")
    ram.list_users(ram_models.ListUsersRequest())
    fails("EntityNotExist.User", 404, ram.get_user, ram_models.GetUserRequest(user_name=unique("nobody")))
    wrong_secret = sdk_client(sandbox, sandbox.root["access_key_id"], "x" * 30)
    fails("SignatureDoesNotMatch", 400, wrong_secret.get_user, ram_models.GetUserRequest(user_name="a"))
    root_client(sandbox, cls=StsClient).get_caller_identity()
    sandbox.counters("ram")   # admin calls are not counted
    assert sandbox.counters("ram") == {"ListUsers": 1, "GetUser": 2, "GetCallerIdentity": 1}


def test_state_survives_restart():
    state = tempfile.mkdtemp(prefix="ram-restart-")
    first = Sandbox(os.path.join(state, "state"))
    try:
        ram = root_client(first)
        name = new_user(ram, display_name="Persistent")
        attach(ram, name, "ReadOnlyAccess")
        key_id, secret = new_key(ram, name)
    finally:
        first.stop()
    second = Sandbox(os.path.join(state, "state"))
    try:
        assert second.root == first.root
        ram = root_client(second)
        assert ram.get_user(ram_models.GetUserRequest(user_name=name)).body.user.display_name == "Persistent"
        assert [p.policy_name for p in ram.list_policies_for_user(
            ram_models.ListPoliciesForUserRequest(user_name=name)).body.policies.policy] == ["ReadOnlyAccess"]
        identity = sdk_client(second, key_id, secret, cls=StsClient).get_caller_identity().body
        assert identity.arn.endswith(":user/%s" % name)
    finally:
        second.stop()
