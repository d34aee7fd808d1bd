"""Resource Directory and TLS of the local services, through the official SDKs over HTTPS.

One sandbox for the module, started as a user would for the demo: ``run.py --seed --tls`` (the seed
``tests/sandbox/seeds/resource_directory.json``: nested folders, four created members, one invited
member, an automation user in the management account). Clients trust the generated ``ca.pem`` the way a
user gives a corporate CA (``Config.ca``); a client without it, or with another CA, is refused before any
request reaches the service.
"""

import os
import shutil
import tempfile

import pytest
import requests
from alibabacloud_ram20150501 import models as ram_models
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_resourcemanager20200331 import models as rm_models
from alibabacloud_resourcemanager20200331.client import Client as RmClient
from alibabacloud_sts20150401 import models as sts_models
from alibabacloud_sts20150401.client import Client as StsClient
from alibabacloud_tea_openapi import models as open_api_models
from darabonba.model import DaraModel
from Tea.exceptions import TeaException

from conftest import Sandbox

pytestmark = pytest.mark.integration
ACCESS_ROLE = "ResourceDirectoryAccountAccessRole"


@pytest.fixture(scope="module")
def directory():
    state = tempfile.mkdtemp(prefix="cb-rd-")
    services = Sandbox(os.path.join(state, "state"), seed=True, tls=True)
    yield services
    services.stop()
    shutil.rmtree(state, ignore_errors=True)


def client(sandbox, creds, cls=RmClient, ca="sandbox"):
    protocol, host = sandbox.ram_url.split("://", 1)
    return cls(open_api_models.Config(
        access_key_id=creds["access_key_id"], access_key_secret=creds["access_key_secret"],
        security_token=creds.get("security_token"), endpoint=host, protocol=protocol,
        ca=sandbox.ca_bundle if ca == "sandbox" else ca))


def fails(code, status, call, *args, **kwargs):
    with pytest.raises(TeaException) as info:
        call(*args, **kwargs)
    assert (info.value.code, info.value.data.get("statusCode")) == (code, status), info.value.data
    return info.value.data


def assert_complete(model, optional=(), path="body"):
    """Every field of a parsed SDK model is set: the JSON keys match the SDK's names."""
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


def roots(sandbox):
    return {entry["display_name"]: entry for entry in sandbox.accounts if entry["identity"] == "root"}


def management(sandbox):
    return next(entry for entry in sandbox.accounts if entry.get("management"))


def automation(sandbox):
    return next(entry for entry in sandbox.accounts if entry["identity"] == "user")


# -- the directory seen by the management account ----------------------------------------------------------------
def test_get_resource_directory_from_management_and_member(directory):
    mgmt = management(directory)
    body = client(directory, mgmt).get_resource_directory().body
    assert_complete(body)
    rd = body.resource_directory
    assert rd.master_account_id == mgmt["account_id"] and rd.resource_directory_id.startswith("rd-")
    assert rd.root_folder_id.startswith("r-")
    member = client(directory, roots(directory)["app-production"]).get_resource_directory().body
    assert member.resource_directory.resource_directory_id == rd.resource_directory_id


def test_list_accounts_pages_through_every_member(directory):
    rm = client(directory, management(directory))
    seen, number = [], 1
    while True:
        body = rm.list_accounts(rm_models.ListAccountsRequest(page_number=number, page_size=4)).body
        assert (body.page_number, body.page_size, body.total_count) == (number, 4, 6)
        assert_complete(body.accounts.account, optional=("tags",))
        seen += body.accounts.account
        if number * 4 >= body.total_count:
            break
        number += 1
    assert number == 2 and len(seen) == 6
    expected = {entry["account_id"] for entry in directory.accounts if entry["identity"] == "root"}
    assert {account.account_id for account in seen} == expected
    by_name = {account.display_name: account for account in seen}
    assert (by_name["acquired-partner"].join_method, by_name["acquired-partner"].type,
            by_name["acquired-partner"].status) == ("invited", "CloudAccount", "InviteSuccess")
    assert (by_name["app-development"].join_method, by_name["app-development"].type,
            by_name["app-development"].status) == ("created", "ResourceAccount", "CreateSuccess")
    dev = by_name["app-development"]
    assert dev.resource_directory_path.startswith(dev.resource_directory_id + "/r-")
    assert dev.resource_directory_path.endswith("/%s/%s" % (dev.folder_id, dev.account_id))
    assert dev.resource_directory_path.count("/fd-") == 2       # Root / Engineering / Development
    default = rm.list_accounts(rm_models.ListAccountsRequest()).body
    assert (default.page_number, default.page_size, len(default.accounts.account)) == (1, 10, 6)
    beyond = rm.list_accounts(rm_models.ListAccountsRequest(page_number=3, page_size=4)).body
    assert (beyond.total_count, beyond.accounts.account) == (6, [])
    fails("InvalidParameter.PageSize.Range", 400, rm.list_accounts, rm_models.ListAccountsRequest(page_size=101))


def test_folders_and_accounts_for_parent(directory):
    rm = client(directory, management(directory))
    top = rm.list_folders_for_parent(rm_models.ListFoldersForParentRequest()).body
    assert_complete(top)
    folders = {f.folder_name: f.folder_id for f in top.folders.folder}
    assert sorted(folders) == ["Engineering", "Finance"] and top.total_count == 2
    nested = rm.list_folders_for_parent(rm_models.ListFoldersForParentRequest(
        parent_folder_id=folders["Engineering"])).body
    assert [f.folder_name for f in nested.folders.folder] == ["Development", "Production"]
    in_engineering = rm.list_accounts_for_parent(rm_models.ListAccountsForParentRequest(
        parent_folder_id=folders["Engineering"])).body
    assert_complete(in_engineering, optional=("tags",))
    assert [a.display_name for a in in_engineering.accounts.account] == ["acquired-partner"]
    rd = rm.get_resource_directory().body.resource_directory
    at_root = rm.list_accounts_for_parent(rm_models.ListAccountsForParentRequest(
        parent_folder_id=rd.root_folder_id, page_size=1)).body
    assert (at_root.total_count, len(at_root.accounts.account)) == (2, 1)   # management + shared-services
    fails("EntityNotExists.Folder", 404, rm.list_accounts_for_parent,
          rm_models.ListAccountsForParentRequest(parent_folder_id="fd-nosuchfolder"))
    fails("MissingParameter", 400, rm.list_accounts_for_parent, rm_models.ListAccountsForParentRequest())


def test_get_account(directory):
    rm = client(directory, management(directory))
    dev = roots(directory)["app-development"]
    body = rm.get_account(rm_models.GetAccountRequest(account_id=dev["account_id"])).body
    assert_complete(body)
    account = body.account
    assert (account.account_id, account.display_name, account.location) == (
        dev["account_id"], "app-development", "root/Engineering/Development")
    assert account.account_name.startswith("app-development@rd-")
    fails("EntityNotExists.Account", 404, rm.get_account, rm_models.GetAccountRequest(account_id="1" * 16))


# -- who may call ---------------------------------------------------------------------------------------------
def test_members_and_outsiders_are_refused(directory):
    member = client(directory, roots(directory)["finance-reporting"])
    for call, request in ((member.list_accounts, rm_models.ListAccountsRequest()),
                          (member.get_account, rm_models.GetAccountRequest(account_id=management(directory)[
                              "account_id"])),
                          (member.list_folders_for_parent, rm_models.ListFoldersForParentRequest())):
        error = fails("MemberAccountAccessDenied", 403, call, request)
        assert error["Message"] == "The member account is not allowed to perform the operation."
    outsider = client(directory, directory.create_account())
    fails("EntityNotExists.ResourceDirectory", 404, outsider.list_accounts, rm_models.ListAccountsRequest())
    fails("ResourceDirectoryNotInUse", 404, outsider.get_resource_directory)


def test_ram_identities_need_resourcemanager_permissions(directory):
    mgmt = management(directory)
    ram = client(directory, mgmt, RamClient)
    name = "rd-reader-%s" % os.urandom(3).hex()
    ram.create_user(ram_models.CreateUserRequest(user_name=name))
    key = ram.create_access_key(ram_models.CreateAccessKeyRequest(user_name=name)).body.access_key
    reader = client(directory, {"access_key_id": key.access_key_id, "access_key_secret": key.access_key_secret})
    error = fails("NoPermission", 403, reader.list_accounts, rm_models.ListAccountsRequest())
    assert error["AccessDeniedDetail"]["AuthAction"] == "resourcemanager:ListAccounts"
    ram.attach_policy_to_user(ram_models.AttachPolicyToUserRequest(
        user_name=name, policy_name="AliyunResourceDirectoryReadOnlyAccess", policy_type="System"))
    assert reader.list_accounts(rm_models.ListAccountsRequest()).body.total_count == 6
    assert client(directory, automation(directory)).list_accounts(
        rm_models.ListAccountsRequest()).body.total_count == 6


# -- the access role of created members ---------------------------------------------------------------------------
def test_created_members_have_the_access_role(directory):
    dev = roots(directory)["app-development"]
    role = client(directory, dev, RamClient).get_role(ram_models.GetRoleRequest(role_name=ACCESS_ROLE)).body.role
    assert '"acs:ram::%s:root"' % management(directory)["account_id"] in role.assume_role_policy_document
    policies = client(directory, dev, RamClient).list_policies_for_role(
        ram_models.ListPoliciesForRoleRequest(role_name=ACCESS_ROLE)).body.policies.policy
    assert [p.policy_name for p in policies] == ["AdministratorAccess"]
    arn = "acs:ram::%s:role/%s" % (dev["account_id"], ACCESS_ROLE.lower())
    sts = client(directory, automation(directory), StsClient)
    body = sts.assume_role(sts_models.AssumeRoleRequest(role_arn=arn, role_session_name="cloudbroker")).body
    creds = {"access_key_id": body.credentials.access_key_id,
             "access_key_secret": body.credentials.access_key_secret,
             "security_token": body.credentials.security_token}
    identity = client(directory, creds, StsClient).get_caller_identity().body
    assert (identity.account_id, identity.identity_type) == (dev["account_id"], "AssumedRoleUser")
    member_ram = client(directory, creds, RamClient)
    name = "made-through-role-%s" % os.urandom(3).hex()
    member_ram.create_user(ram_models.CreateUserRequest(user_name=name))    # AdministratorAccess
    assert client(directory, dev, RamClient).get_user(ram_models.GetUserRequest(user_name=name)).body.user
    # the token works for Resource Manager too, acting as the member: refused as a member
    fails("MemberAccountAccessDenied", 403, client(directory, creds).list_accounts, rm_models.ListAccountsRequest())


def test_invited_member_has_no_access_role_until_created(directory):
    partner = roots(directory)["acquired-partner"]
    arn = "acs:ram::%s:role/%s" % (partner["account_id"], ACCESS_ROLE.lower())
    sts = client(directory, automation(directory), StsClient)
    fails("EntityNotExist.Role", 404, sts.assume_role,
          sts_models.AssumeRoleRequest(role_arn=arn, role_session_name="cloudbroker"))
    fails("EntityNotExist.Role", 404, client(directory, partner, RamClient).get_role,
          ram_models.GetRoleRequest(role_name=ACCESS_ROLE))


def test_seeded_directory_survives_restart(directory):
    """Same state directory, started again with the seed: the first directory is kept, not rebuilt."""
    state = tempfile.mkdtemp(prefix="cb-rd-restart-")
    try:
        first = Sandbox(os.path.join(state, "state"), seed=True)
        first_rd = client(first, management(first)).get_resource_directory().body.resource_directory
        first.stop()
        second = Sandbox(os.path.join(state, "state"), seed=True)
        try:
            assert second.accounts == first.accounts
            again = client(second, management(second)).get_resource_directory().body.resource_directory
            assert again.resource_directory_id == first_rd.resource_directory_id
            assert client(second, management(second)).list_accounts(
                rm_models.ListAccountsRequest()).body.total_count == 6
        finally:
            second.stop()
    finally:
        shutil.rmtree(state, ignore_errors=True)


# -- TLS ---------------------------------------------------------------------------------------------------------
def test_https_with_the_generated_ca(directory):
    assert directory.ram_url.startswith("https://") and directory.marketplace_url.startswith("https://")
    with open(directory.ca_bundle, encoding="ascii") as handle:
        assert handle.read().startswith("-----BEGIN CERTIFICATE-----")
    with open(directory.endpoints["env_file"], encoding="utf-8") as handle:
        env = handle.read()
    for variable in ("ALIBABA_CLOUD_CA_BUNDLE", "CLOUDBROKER_CA_BUNDLE"):
        assert "export %s=%s\n" % (variable, directory.ca_bundle) in env
    assert "export ALIBABA_CLOUD_RESOURCEMANAGER_ENDPOINT=%s\n" % directory.ram_url in env
    identity = client(directory, directory.root, StsClient).get_caller_identity().body
    assert identity.account_id == directory.root["account_id"]
    # REQUESTS_CA_BUNDLE-style trust works for plain requests too
    assert requests.get(directory.ram_url + "/__sandbox__/health", verify=directory.ca_bundle,
                        timeout=10).json() == {"service": "ram"}


SDK_CALL = """
import sys
from alibabacloud_sts20150401.client import Client
from alibabacloud_tea_openapi import models
protocol, host = sys.argv[1].split("://", 1)
config = models.Config(access_key_id=sys.argv[2], access_key_secret=sys.argv[3], endpoint=host, protocol=protocol,
                       ca=sys.argv[4] or None)
try:
    print("OK", Client(config).get_caller_identity().body.account_id)
except Exception as exc:  # the outcome is the test's to judge
    print("ERROR", type(exc).__name__, exc)
"""


def sdk_call_in_new_process(sandbox, ca):
    """GetCallerIdentity from a fresh interpreter, as an Ansible module runs.

    In one process the SDK (darabonba) keeps one TLS context per host:port and adds every CA a client
    was given to it, so a negative check must not share the test process's sessions.
    """
    import subprocess
    import sys

    from conftest import clean_environ

    result = subprocess.run([sys.executable, "-c", SDK_CALL, sandbox.ram_url, sandbox.root["access_key_id"],
                             sandbox.root["access_key_secret"], ca or ""], capture_output=True, text=True,
                            timeout=60, env=clean_environ(), check=False)
    return result.stdout.strip() + result.stderr.strip()


def test_unknown_ca_is_refused_and_nothing_is_sent(directory):
    other_state = tempfile.mkdtemp(prefix="cb-other-ca-")
    try:
        other = Sandbox(os.path.join(other_state, "state"), tls=True)     # a second, unrelated CA
        other_ca = other.ca_bundle
        other.stop()
        directory.reset_counters("ram")
        assert sdk_call_in_new_process(directory, directory.ca_bundle) == "OK %s" % directory.root["account_id"]
        assert directory.counters("ram") == {"GetCallerIdentity": 1}
        directory.reset_counters("ram")
        for ca in (other_ca, None):      # another CA, and the default trust store (certifi)
            outcome = sdk_call_in_new_process(directory, ca)
            assert outcome.startswith("ERROR") and "CERTIFICATE_VERIFY_FAILED" in outcome, outcome
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(directory.ram_url + "/__sandbox__/health", timeout=10)
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(directory.ram_url + "/__sandbox__/health", timeout=10, verify=other_ca)
        assert directory.counters("ram") == {}
    finally:
        shutil.rmtree(other_state, ignore_errors=True)


def test_marketplace_test_connection_reaches_sts_over_https(directory):
    headers = {"username": directory.admin["username"], "apikey": directory.admin["apikey"]}
    payload = {"basicInfo": {"serviceProviderType": "alibaba", "serviceProviderCode": "alibaba", "userType": "asset"},
               "credentials": {"passwordFields": {"accessKey": directory.root["access_key_id"],
                                                  "secretKey": directory.root["access_key_secret"]}}}
    directory.reset_counters("ram")
    response = requests.post(directory.marketplace_url + "/cb-credential-service/api/v2.0/credentialsValidator",
                             json=payload, headers=headers, verify=directory.ca_bundle, timeout=30)
    assert response.status_code == 200, response.text
    assert response.json()["identity"]["AccountId"] == directory.root["account_id"]
    assert directory.counters("ram", account=directory.root["account_id"]) == {"GetCallerIdentity": 1}
