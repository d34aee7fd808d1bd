"""The local RAM/STS service with many accounts: isolation, per-account counters, AssumeRole and STS tokens.

Official SDKs only (``alibabacloud_ram20150501``, ``alibabacloud_sts20150401``), both signers, over the
session ``sandbox`` (HTTPS when ``SANDBOX_TLS=1``). Every test makes its own accounts through the admin API
(``POST /__sandbox__/accounts``), so nothing depends on another test.
"""

import datetime
import json
import uuid

import pytest
from alibabacloud_ram20150501 import models as ram_models
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_sts20150401 import models as sts_models
from alibabacloud_sts20150401.client import Client as StsClient
from alibabacloud_tea_openapi import models as open_api_models
from Tea.exceptions import TeaException

pytestmark = pytest.mark.integration
SIGNERS = ["acs3", "v2"]


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def client(sandbox, creds, cls=RamClient, signer="acs3"):
    """An SDK client for ``creds`` (``access_key_id``, ``access_key_secret``[, ``security_token``])."""
    protocol, host = sandbox.ram_url.split("://", 1)
    config = open_api_models.Config(access_key_id=creds["access_key_id"],
                                    access_key_secret=creds["access_key_secret"],
                                    security_token=creds.get("security_token"),
                                    endpoint=host, protocol=protocol, ca=sandbox.ca_bundle)
    if signer == "v2":
        config.signature_algorithm = "v2"
    return cls(config)


def fails(code, status, call, *args, **kwargs):
    with pytest.raises(TeaException) as info:
        call(*args, **kwargs)
    assert (info.value.code, info.value.data.get("statusCode")) == (code, status), info.value.data
    return info.value.data


def trust(*principals):
    return json.dumps({"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                      "Principal": {"RAM": list(principals)}}]})


def make_role(ram, trust_policy, policies=("AliyunRAMReadOnlyAccess",), max_session=3600):
    name = unique("Role")
    role = ram.create_role(ram_models.CreateRoleRequest(role_name=name, assume_role_policy_document=trust_policy,
                                                        max_session_duration=max_session)).body.role
    for policy in policies:
        ram.attach_policy_to_role(ram_models.AttachPolicyToRoleRequest(role_name=name, policy_name=policy,
                                                                       policy_type="System"))
    return role


def make_user(ram, account_id, *policies):
    """A RAM user with ``policies`` and an AccessKey; returns ``(name, creds)``."""
    name = unique("u")
    ram.create_user(ram_models.CreateUserRequest(user_name=name))
    for policy in policies:
        ram.attach_policy_to_user(ram_models.AttachPolicyToUserRequest(user_name=name, policy_name=policy,
                                                                       policy_type="System"))
    key = ram.create_access_key(ram_models.CreateAccessKeyRequest(user_name=name)).body.access_key
    return name, {"access_key_id": key.access_key_id, "access_key_secret": key.access_key_secret,
                  "account_id": account_id}


def assume(sandbox, creds, role_arn, signer="acs3", **options):
    sts = client(sandbox, creds, StsClient, signer)
    body = sts.assume_role(sts_models.AssumeRoleRequest(role_arn=role_arn, role_session_name=options.pop(
        "session", "ops-session"), **options)).body
    return body


def token_creds(body):
    return {"access_key_id": body.credentials.access_key_id, "access_key_secret": body.credentials.access_key_secret,
            "security_token": body.credentials.security_token}


@pytest.fixture
def accounts(sandbox):
    """Two fresh accounts: ``(a, b)`` root credentials (with ``account_id``)."""
    return sandbox.create_account(), sandbox.create_account()


@pytest.fixture
def cross_account(sandbox, accounts):
    """A user of account A allowed to call AssumeRole, and a role of account B trusting account A."""
    a, b = accounts
    user, user_creds = make_user(client(sandbox, a), a["account_id"], "AliyunSTSAssumeRoleAccess")
    role = make_role(client(sandbox, b), trust("acs:ram::%s:root" % a["account_id"]))
    return {"a": a, "b": b, "user": user, "user_creds": user_creds, "role": role}


# -- accounts --------------------------------------------------------------------------------------------------
def test_each_account_has_its_own_identity_and_state(sandbox, accounts):
    a, b = accounts
    assert a["account_id"] != b["account_id"] and len(a["account_id"]) == 16 and a["account_id"].isdigit()
    assert a["access_key_id"].startswith("LTAI") and a["access_key_id"] != b["access_key_id"]
    for creds in (a, b):
        identity = client(sandbox, creds, StsClient).get_caller_identity().body
        assert (identity.identity_type, identity.account_id) == ("Account", creds["account_id"])
    ram_a, ram_b = client(sandbox, a), client(sandbox, b)
    name = unique("same")
    ram_a.create_user(ram_models.CreateUserRequest(user_name=name, display_name="in A"))
    fails("EntityNotExist.User", 404, ram_b.get_user, ram_models.GetUserRequest(user_name=name))
    ram_b.create_user(ram_models.CreateUserRequest(user_name=name, display_name="in B"))
    assert ram_a.get_user(ram_models.GetUserRequest(user_name=name)).body.user.display_name == "in A"
    assert [u.user_name for u in ram_b.list_users(ram_models.ListUsersRequest()).body.users.user] == [name]
    ram_a.set_password_policy(ram_models.SetPasswordPolicyRequest(minimum_password_length=20))
    assert ram_b.get_password_policy().body.password_policy.minimum_password_length == 8
    ram_a.set_account_alias(ram_models.SetAccountAliasRequest(account_alias=unique("alias")))
    assert ram_b.get_account_alias().body.account_alias == b["account_id"]
    # the first account (root-credentials.json) sees neither
    fails("EntityNotExist.User", 404, client(sandbox, sandbox.root).get_user, ram_models.GetUserRequest(user_name=name))
    # a key of one account does not open another: A's user key acts in A only
    _user, user_creds = make_user(ram_a, a["account_id"], "AliyunRAMReadOnlyAccess")
    assert client(sandbox, user_creds, StsClient).get_caller_identity().body.account_id == a["account_id"]
    assert name in [u.user_name for u in client(sandbox, user_creds).list_users(
        ram_models.ListUsersRequest()).body.users.user]


def test_per_account_counters_prove_which_account_was_used(sandbox, accounts):
    a, b = accounts
    sandbox.reset_counters("ram")
    ram_a = client(sandbox, a)
    ram_a.list_users(ram_models.ListUsersRequest())
    fails("EntityNotExist.User", 404, ram_a.get_user, ram_models.GetUserRequest(user_name="nobody"))
    client(sandbox, b, StsClient, "v2").get_caller_identity()
    assert sandbox.counters("ram", account=a["account_id"]) == {"ListUsers": 1, "GetUser": 1}
    assert sandbox.counters("ram", account=b["account_id"]) == {"GetCallerIdentity": 1}
    assert sandbox.counters("ram", account=sandbox.root["account_id"]) == {}
    assert sandbox.counters("ram") == {"ListUsers": 1, "GetUser": 1, "GetCallerIdentity": 1}
    per_account = sandbox.admin_request("ram", "GET", "/counters/accounts")
    assert per_account == {a["account_id"]: {"ListUsers": 1, "GetUser": 1}, b["account_id"]: {"GetCallerIdentity": 1}}


# -- AssumeRole ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("signer", SIGNERS)
def test_assume_role_into_another_account(sandbox, cross_account, signer):
    a, b, role = cross_account["a"], cross_account["b"], cross_account["role"]
    before = datetime.datetime.now(datetime.timezone.utc)
    body = assume(sandbox, cross_account["user_creds"], role.arn, signer, duration_seconds=1800, session="alice")
    creds = body.credentials
    assert creds.access_key_id.startswith("STS.") and creds.access_key_secret and creds.security_token
    expires = datetime.datetime.strptime(creds.expiration, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc)
    assert datetime.timedelta(seconds=1795) <= expires - before <= datetime.timedelta(seconds=1805)
    assert body.assumed_role_user.arn == "acs:ram::%s:assumed-role/%s/alice" % (b["account_id"],
                                                                                role.role_name.lower())
    assert body.assumed_role_user.assumed_role_id == "%s:alice" % role.role_id
    # the token acts in B, as the role, with both signers
    for token_signer in SIGNERS:
        identity = client(sandbox, token_creds(body), StsClient, token_signer).get_caller_identity().body
        assert (identity.identity_type, identity.account_id, identity.arn, identity.role_id) == (
            "AssumedRoleUser", b["account_id"], body.assumed_role_user.arn, role.role_id)
        ram_as_role = client(sandbox, token_creds(body), RamClient, token_signer)
        listed = [r.role_name for r in ram_as_role.list_roles(ram_models.ListRolesRequest()).body.roles.role]
        assert listed == [role.role_name]
        error = fails("NoPermission", 403, ram_as_role.create_user, ram_models.CreateUserRequest(user_name="x"))
        assert error["AccessDeniedDetail"]["AuthPrincipalType"] == "AssumedRoleUser"
    assert client(sandbox, b).list_users(ram_models.ListUsersRequest()).body.users.user == []


def test_inline_policy_narrows_the_role(sandbox, accounts):
    a, b = accounts
    _user, user_creds = make_user(client(sandbox, a), a["account_id"], "AliyunSTSAssumeRoleAccess")
    role = make_role(client(sandbox, b), trust("acs:ram::%s:root" % a["account_id"]), ("AliyunRAMFullAccess",))
    wide = token_creds(assume(sandbox, user_creds, role.arn))
    client(sandbox, wide).create_user(ram_models.CreateUserRequest(user_name=unique("made-by-role")))
    narrow_policy = json.dumps({"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["ram:List*", "ram:Get*"],
                                                               "Resource": "*"}]})
    narrow = client(sandbox, token_creds(assume(sandbox, user_creds, role.arn, policy=narrow_policy)))
    assert len(narrow.list_users(ram_models.ListUsersRequest()).body.users.user) == 1
    fails("NoPermission", 403, narrow.create_user, ram_models.CreateUserRequest(user_name=unique("no")))
    # an inline policy never widens: Allow * on a read-only role still cannot write
    read_only = make_role(client(sandbox, b), trust("acs:ram::%s:root" % a["account_id"]))
    everything = json.dumps({"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    session = client(sandbox, token_creds(assume(sandbox, user_creds, read_only.arn, policy=everything)))
    fails("NoPermission", 403, session.create_user, ram_models.CreateUserRequest(user_name=unique("no")))
    fails("InvalidParameter.PolicyGrammar", 400, assume, sandbox, user_creds, role.arn, policy="{not json")


def test_trust_policy_decides_who_may_assume(sandbox, accounts):
    a, b = accounts
    ram_a, ram_b = client(sandbox, a), client(sandbox, b)
    alice, alice_creds = make_user(ram_a, a["account_id"], "AliyunSTSAssumeRoleAccess")
    _bob, bob_creds = make_user(ram_a, a["account_id"], "AliyunSTSAssumeRoleAccess")
    only_alice = make_role(ram_b, trust("acs:ram::%s:user/%s" % (a["account_id"], alice)))
    assert assume(sandbox, alice_creds, only_alice.arn).assumed_role_user.arn.endswith("/ops-session")
    error = fails("NoPermission", 403, assume, sandbox, bob_creds, only_alice.arn)
    assert error["Message"] == "You are not authorized to do this action. You should be authorized by RAM."
    assert error["AccessDeniedDetail"]["PolicyType"] == "AssumeRolePolicy"
    other_account = make_role(ram_b, trust("acs:ram::%s:root" % sandbox.root["account_id"]))
    for signer in SIGNERS:
        fails("NoPermission", 403, assume, sandbox, alice_creds, other_account.arn, signer)
    # ExternalId: a trust condition on sts:ExternalId needs the same value
    guarded = json.dumps({"Version": "1", "Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"RAM": ["acs:ram::%s:root" % a["account_id"]]},
        "Condition": {"StringEquals": {"sts:ExternalId": "broker-4711"}}}]})
    external = make_role(ram_b, guarded)
    fails("NoPermission", 403, assume, sandbox, alice_creds, external.arn)
    fails("NoPermission", 403, assume, sandbox, alice_creds, external.arn, external_id="broker-0000")
    assert assume(sandbox, alice_creds, external.arn, external_id="broker-4711").credentials.security_token


def test_assume_role_refusals(sandbox, cross_account):
    a, b, role = cross_account["a"], cross_account["b"], cross_account["role"]
    user_creds = cross_account["user_creds"]
    error = fails("NoPermission", 403, assume, sandbox, a, role.arn)
    assert error["Message"] == "Roles may not be assumed by root accounts."
    _plain, plain_creds = make_user(client(sandbox, a), a["account_id"], "AliyunRAMReadOnlyAccess")
    error = fails("NoPermission", 403, assume, sandbox, plain_creds, role.arn, "v2")
    assert error["AccessDeniedDetail"]["AuthAction"] == "sts:AssumeRole"
    assert error["AccessDeniedDetail"]["PolicyType"] == "AccountLevelIdentityBasedPolicy"
    for duration in (899, 43201):
        error = fails("InvalidParameter.DurationSeconds", 400, assume, sandbox, user_creds, role.arn,
                      duration_seconds=duration)
        assert error["Message"] == "The Min/Max value of DurationSeconds is 15min/12hr."
    error = fails("InvalidParameter.DurationSeconds", 400, assume, sandbox, user_creds, role.arn,
                  duration_seconds=7200)    # above the role's MaxSessionDuration (3600)
    assert error["Message"] == "The Min/Max value of DurationSeconds is 15min/1hr."
    long_role = make_role(client(sandbox, b), trust("acs:ram::%s:root" % a["account_id"]), max_session=43200)
    assert assume(sandbox, user_creds, long_role.arn, duration_seconds=43200).credentials.access_key_id
    fails("InvalidParameter.RoleSessionName", 400, assume, sandbox, user_creds, role.arn, session="a")
    fails("InvalidParameter.RoleSessionName", 400, assume, sandbox, user_creds, role.arn, session="no spaces")
    fails("EntityNotExist.Role", 404, assume, sandbox, user_creds,
          "acs:ram::%s:role/no-such-role" % b["account_id"])
    fails("InvalidParameter.RoleArn", 400, assume, sandbox, user_creds, "acs:ram::1:role/x")
    fails("MissingParameter", 400, assume, sandbox, user_creds, None)


@pytest.mark.parametrize("signer", SIGNERS)
def test_expired_and_mismatched_tokens_are_refused(sandbox, cross_account, signer):
    body = assume(sandbox, cross_account["user_creds"], cross_account["role"].arn, duration_seconds=900)
    creds = token_creds(body)
    sts = client(sandbox, creds, StsClient, signer)
    ram = client(sandbox, creds, RamClient, signer)
    sts.get_caller_identity()
    try:
        sandbox.set_clock_offset(899)
        ram.list_users(ram_models.ListUsersRequest())
        sandbox.set_clock_offset(901)
        error = fails("InvalidSecurityToken.Expired", 400, sts.get_caller_identity)
        assert error["Message"] == "Specified SecurityToken is expired."
        fails("InvalidSecurityToken.Expired", 400, ram.list_users, ram_models.ListUsersRequest())
    finally:
        sandbox.set_clock_offset(0)
    wrong = dict(creds, security_token=creds["security_token"][:-4] + "AAAA")
    fails("InvalidSecurityToken.MismatchWithAccessKey", 400, client(sandbox, wrong, StsClient, signer)
          .get_caller_identity)
    fails("MissingSecurityToken", 400, client(sandbox, dict(creds, security_token=None), StsClient, signer)
          .get_caller_identity)
    fails("SignatureDoesNotMatch", 400, client(sandbox, dict(creds, access_key_secret="x" * 44), StsClient, signer)
          .get_caller_identity)


def test_role_chaining_and_session_without_assume_permission(sandbox, cross_account):
    """A role session may assume another role if that role trusts it and the session may call AssumeRole."""
    a, b = cross_account["a"], cross_account["b"]
    hop = make_role(client(sandbox, b), trust("acs:ram::%s:root" % a["account_id"]),
                    ("AliyunSTSAssumeRoleAccess", "AliyunRAMReadOnlyAccess"))
    target = make_role(client(sandbox, a), trust("acs:ram::%s:role/%s" % (b["account_id"], hop.role_name.lower())))
    first = token_creds(assume(sandbox, cross_account["user_creds"], hop.arn))
    second = assume(sandbox, first, target.arn, session="hop2")
    identity = client(sandbox, token_creds(second), StsClient).get_caller_identity().body
    assert (identity.account_id, identity.arn) == (a["account_id"], "acs:ram::%s:assumed-role/%s/hop2" % (
        a["account_id"], target.role_name.lower()))
    no_sts = token_creds(assume(sandbox, cross_account["user_creds"], cross_account["role"].arn))
    fails("NoPermission", 403, assume, sandbox, no_sts, target.arn)
