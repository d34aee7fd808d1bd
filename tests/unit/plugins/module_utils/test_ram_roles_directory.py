"""Units of plugins/module_utils/ram/roles.py (trust policy parsing and comparison, update plan),
ram/directory.py (folder paths, filters, host variables) and the AssumeRole failure wording of ram/connection.py."""

import json

import pytest

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram import connection, directory, roles
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError

TRUST = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                        "Principal": {"RAM": ["acs:ram::1:root", "acs:ram::2:root"]}}]}


@pytest.mark.parametrize("other", [
    json.dumps({"Statement": [{"Principal": {"RAM": ["acs:ram::2:root", "acs:ram::1:root"]},
                               "Action": ["sts:AssumeRole"], "Effect": "Allow"}], "Version": "1"}),
    {"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:AssumeRole"],
                                    "Principal": {"RAM": ["acs:ram::1:root", "acs:ram::2:root", "acs:ram::1:root"]}}]},
])
def test_trust_policies_equal_by_meaning(other):
    assert roles.same_trust_policy(TRUST, roles.parse_trust_policy(other))


def test_single_principal_equals_one_item_list_but_not_another_account():
    single = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                             "Principal": {"RAM": "acs:ram::1:root"}}]}
    listed = json.loads(json.dumps(single))
    listed["Statement"][0]["Principal"]["RAM"] = ["acs:ram::1:root"]
    assert roles.same_trust_policy(single, listed)
    listed["Statement"][0]["Principal"]["RAM"] = ["acs:ram::3:root"]
    assert not roles.same_trust_policy(single, listed)


@pytest.mark.parametrize("value, phrase", [
    ("{nope", "not valid JSON"),
    (["a"], "must be a dict"),
    ({"Statement": []}, "non-empty Statement"),
    ({"Statement": [{"Effect": "Maybe", "Action": "sts:AssumeRole", "Principal": {"RAM": "x"}}]}, "Effect must be"),
    ({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "x"}}]}, "Principal must"),
    ({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"RAM": "x"}, "Foo": 1}]},
     "unknown element(s) Foo"),
])
def test_bad_trust_policies_name_the_option(value, phrase):
    with pytest.raises(InputError) as info:
        roles.parse_trust_policy(value)
    assert phrase in info.value.message and info.value.option == "trust_policy"


def test_update_plan_only_for_differences():
    current = {"AssumeRolePolicyDocument": json.dumps(TRUST), "Description": "d", "MaxSessionDuration": 3600}
    same = dict(description="d", max_session_duration=3600)
    assert roles.plan_role_update(current, TRUST, same) == {}
    assert roles.plan_role_update(current, None, dict(description=None, max_session_duration=7200)) == {
        "NewMaxSessionDuration": 7200}
    other = json.loads(json.dumps(TRUST))
    other["Statement"][0]["Principal"]["RAM"] = ["acs:ram::1:root"]
    assert set(roles.plan_role_update(current, other, same)) == {"NewAssumeRolePolicyDocument"}


class FakeResourceManager:
    """Answers the three Resource Manager reads, in pages of two."""

    FOLDERS = {"r-1": [("fd-e", "Engineering"), ("fd-f", "Finance")], "fd-e": [("fd-p", "Production")]}

    def __init__(self):
        self.accounts = [dict(AccountId="100", DisplayName="mgmt", FolderId="r-1", JoinMethod="invited",
                              Status="InviteSuccess", Type="CloudAccount"),
                         dict(AccountId="200", DisplayName="prod", FolderId="fd-p", JoinMethod="created",
                              Status="CreateSuccess", Type="ResourceAccount"),
                         dict(AccountId="300", DisplayName="fin", FolderId="fd-f", JoinMethod="invited",
                              Status="InviteSuccess", Type="CloudAccount")]

    def call(self, action, **params):
        if action == "GetResourceDirectory":
            return {"ResourceDirectory": {"ResourceDirectoryId": "rd-1", "MasterAccountId": "100",
                                          "RootFolderId": "r-1"}}
        if action == "ListFoldersForParent":
            items = [dict(FolderId=i, FolderName=n) for i, n in self.FOLDERS.get(params["ParentFolderId"], [])]
            return {"Folders": {"Folder": items}, "TotalCount": len(items)}
        start = (params["PageNumber"] - 1) * params["PageSize"]
        return {"Accounts": {"Account": self.accounts[start:start + params["PageSize"]]},
                "TotalCount": len(self.accounts)}


def test_directory_paths_pages_filters_and_facts(monkeypatch):
    monkeypatch.setattr(directory, "PAGE_SIZE", 2)
    data = directory.read_directory(FakeResourceManager())
    accounts = dict((a["display_name"], a) for a in data["accounts"])
    assert accounts["prod"]["folder_path"] == "Engineering/Production"
    assert accounts["mgmt"]["management"] and accounts["mgmt"]["folder_path"] == ""
    select = directory.select_accounts
    assert [a["account_id"] for a in select(data["accounts"])] == ["200", "300"]
    assert [a["account_id"] for a in select(data["accounts"], include_management=True)] == ["100", "200", "300"]
    assert [a["account_id"] for a in select(data["accounts"], folders=["Engineering"])] == ["200"]
    assert [a["account_id"] for a in select(data["accounts"], folders=["fd-f"])] == ["300"]
    assert [a["account_id"] for a in select(data["accounts"], statuses=["InviteSuccess"])] == ["300"]
    assert [a["account_id"] for a in select(data["accounts"], patterns=["p*", "3??"])] == ["200", "300"]
    assert [a["account_id"] for a in select(data["accounts"], exclude_patterns=["fin"])] == ["200"]
    facts = directory.account_facts(accounts["prod"], data["directory"], "Onboarding")
    assert facts["cloudbroker_assume_role_arn"] == "acs:ram::200:role/Onboarding"
    assert "cloudbroker_assume_role_arn" not in directory.account_facts(accounts["mgmt"], data["directory"])


def test_assume_role_failure_names_the_role():
    error = connection.CredentialException(
        'error refreshing credentials from ram_role_arn, http_code: 403, result: {"RequestId": "R1", '
        '"Code": "NoPermission", "Message": "You are not authorized to do this action."}')
    text = connection.describe_assume_role_failure("acs:ram::2:role/x", error)
    assert text.startswith("AssumeRole of acs:ram::2:role/x was refused: NoPermission: You are not authorized")
    assert "trust policy" in text and "request id R1" in text
    assert connection.describe_assume_role_failure("acs:ram::2:role/x", connection.CredentialException("boom")) == (
        "AssumeRole of acs:ram::2:role/x failed: boom")
