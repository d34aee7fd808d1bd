"""Units of module_utils/marketplace/api.py: account ids, lookups, and creates that read back on 409."""

import pytest
from marketplace_fakes import SECRET, FakeSession, ScriptedServer, account, credential, dumps, live_client, make_client

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace import api
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import TaskFailed
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.transport import MarketplaceError

V2 = "/cb-credential-service/api/v2.0"


@pytest.mark.parametrize("name, expected", [
    ("Alibaba Cloud production", "alibaba-alibaba-cloud-production"),
    ("  Prod / EU  (main) ", "alibaba-prod-eu-main"),
    ("Zürich Prod", "alibaba-zurich-prod"),
    ("prod_eu.1", "alibaba-prod-eu-1"),
])
def test_account_id_slug(name, expected):
    assert api.derive_account_id("alibaba", name) == expected


def test_account_id_is_deterministic_and_valid():
    for name in ("生产环境", "x" * 400, "!!!", "a"):
        first = api.derive_account_id("alibaba", name)
        assert first == api.derive_account_id("alibaba", name)
        assert api.ACCOUNT_ID_RE.match(first), first


def test_names_without_ascii_use_a_hash():
    assert api.derive_account_id("alibaba", "生产环境") != api.derive_account_id("alibaba", "测试环境")
    assert len(api.derive_account_id("alibaba", "生产环境")) == len("alibaba-") + 12


def test_long_names_stay_unique():
    one, two = api.derive_account_id("alibaba", "x" * 300 + "1"), api.derive_account_id("alibaba", "x" * 300 + "2")
    assert len(one) <= 128 and one != two


def test_provider_is_part_of_the_id():
    assert api.derive_account_id("aws", "Prod") == "aws-prod"


def test_get_returns_none_on_404_and_skips_impossible_ids():
    session = FakeSession([(404, {"message": "Account not found", "translateCode": "CO404_ACCOUNT_NOT_FOUND"})])
    client = make_client(session)
    assert api.get_account(client, "alibaba-prod") is None
    assert api.get_account(client, "has spaces") is None  # no request: the service accepts no such id
    assert api.get_credentialref(client, "has spaces") is None
    assert len(session.calls) == 1


def test_resolve_account_by_id_then_derived_id_then_name():
    found = account(account_id="alibaba-prod")
    session = FakeSession([(404, {}), (200, found)])
    assert api.resolve_account(make_client(session), "Prod", "alibaba")["accountId"] == "alibaba-prod"
    assert [c["url"].rsplit("/", 1)[1] for c in session.calls] == ["Prod", "alibaba-prod"]

    other = account(account_id="ui-made")
    other["basicInfo"]["accountName"] = "Made in UI"
    session = FakeSession([(404, {}), (200, [{"total_rows": 1}, other])])  # derived id, then the scan
    assert api.resolve_account(make_client(session), "Made in UI", "alibaba")["accountId"] == "ui-made"

    session = FakeSession([(404, {}), (200, [{"total_rows": 2}, other, other])])
    with pytest.raises(TaskFailed, match="2 accounts of provider alibaba are named 'Made in UI' "
                                         r"\(ids ui-made, ui-made\); give the account id instead"):
        api.resolve_account(make_client(session), "Made in UI", "alibaba")


def test_deletes_of_what_is_gone_already_succeed():
    session = FakeSession([(404, {"message": "gone"}), (404, {"message": "gone"})])
    client = make_client(session)
    api.delete_account(client, "alibaba-prod")
    api.delete_credential(client, "alibaba-prod", "c-1")
    assert [(c["method"], c["url"].split(V2)[1]) for c in session.calls] == [
        ("DELETE", "/accounts/alibaba-prod"), ("DELETE", "/accounts/alibaba-prod/credentials/c-1")]


def test_create_applied_before_an_error_is_read_back_on_409():
    """503 after the create was applied -> the retried POST answers 409 -> the account is read: created."""
    script = [(503, {"Retry-After": "0"}, {"message": "gateway timeout after commit"}),
              (409, {}, {"message": "Account alibaba-prod already exists", "translateCode": "CO409_ACCOUNT_ALREADY_EXISTS"}),
              (200, {}, account(credential()))]
    with ScriptedServer(script) as server:
        got, was_created = api.create_account(live_client(server), {"accountId": "alibaba-prod", "basicInfo": {}})
    assert was_created is True
    assert got["accountId"] == "alibaba-prod" and SECRET not in dumps(got)
    assert [(r[0], r[1].split("?")[0]) for r in server.requests] == [
        ("POST", V2 + "/accounts"), ("POST", V2 + "/accounts"), ("GET", V2 + "/accounts/alibaba-prod")]


def test_409_without_a_retry_means_somebody_else_created_it():
    script = [(409, {}, {"message": "exists", "translateCode": "CO409_ACCOUNT_ALREADY_EXISTS"}),
              (200, {}, account())]
    with ScriptedServer(script) as server:
        _got, was_created = api.create_account(live_client(server), {"accountId": "alibaba-prod"})
    assert was_created is False


def test_409_for_an_invisible_account_is_a_clean_error():
    script = [(409, {}, {"message": "exists", "translateCode": "CO409_ACCOUNT_ALREADY_EXISTS"}),
              (404, {}, {"message": "Account not found", "translateCode": "CO404_ACCOUNT_NOT_FOUND"})]
    with ScriptedServer(script) as server:
        with pytest.raises(MarketplaceError) as info:
            api.create_account(live_client(server), {"accountId": "taken"})
    assert "already taken by an account you cannot see" in info.value.describe()


def test_credential_409_is_read_back_by_name():
    script = [(409, {}, {"message": "exists", "translateCode": "CO409_CREDENTIAL_ALREADY_EXISTS"}),
              (200, {}, [{"total_rows": 1}, credential()])]
    with ScriptedServer(script) as server:
        got, was_created = api.create_credential(live_client(server), "alibaba-prod", {"credentialName": "prov"})
    assert (got["id"], was_created) == ("c-1", False)
    assert "credentialName=prov" in server.requests[1][1]
