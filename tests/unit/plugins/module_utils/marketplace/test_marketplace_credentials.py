"""Units of module_utils/marketplace/credentials.py and entities.py: input checks, the PATCH plan, business
entities, the key owner check, the connection test, and the info twin's filters."""

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from marketplace_fakes import KEY_ID, SECRET, SECRET2, FakeSession, account, credential, make_client

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram import identity as ram_identity
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.errors import RamError
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace import credentials, entities
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.redaction import Redactor
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError, Task, TaskFailed
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.services import argument_spec_for

CATALOG = {"organizations": [{"id": "org-engineering", "name": "Engineering"}],
           "teams": [{"id": "team-a", "name": "Team A"}, {"id": "team-b", "name": "Team B"},
                     {"id": "team-b2", "name": "team b"}],
           "customContexts": []}


def credential_params(**overrides):
    params = dict(account="a", name="prov", purpose=None, status=None, access_key_id=None, access_key_secret=None,
                  update_secret="on_create", credential_ref_id=None, business_entities=None,
                  business_entity_catalog=None, purge_business_entities=False, test_connection=False,
                  check_key_owner=True, allow_root_access_key=False, sts_endpoint=None, sts_ca_path=None,
                  state="present", provider_code="alibaba")
    params.update(overrides)
    return params


# -- input ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("overrides, option, message", [
    (dict(purpose=["Billing"]), "purpose", "Unknown purpose 'Billing': use Provisioning, Asset Ingestion, "
                                           "Asset Discovery (or the wire values"),
    (dict(purpose=[]), "purpose", "purpose must name at least one purpose."),
    (dict(name=""), "name", "name must be 1-255 characters long."),
    (dict(credential_ref_id="a b"), "credential_ref_id", "Invalid credential_ref_id 'a b'"),
    (dict(access_key_id=KEY_ID, update_secret="always"), "access_key_secret", "update_secret=always needs"),
    (dict(business_entities={"teams": [" "]}), "business_entities", "business_entities.teams: every item"),
])
def test_input_errors_name_the_option(overrides, option, message):
    with pytest.raises(InputError) as info:
        credentials.check_credential_options(credential_params(**overrides))
    assert info.value.option == option and info.value.message.startswith(message)


def test_purposes_are_given_as_the_user_likes_and_sent_once_each():
    params = credential_params(purpose=["Provisioning", "asset_discovery", "provisioning"])
    assert credentials.check_credential_options(params) == ["provisioning", "assetDiscovery"]


def test_info_rejects_an_unknown_purpose_before_any_connection():
    task = Task(dict(purpose="Billing"))  # no connection: a request would raise RuntimeError
    with pytest.raises(InputError, match="Unknown purpose 'Billing'"):
        credentials.run_credential_info(task)


# -- the PATCH plan -------------------------------------------------------------------------------------

def plan(current, **params):
    redacted = Redactor().redact(current)
    return credentials.plan_update(credential_params(**params), None, redacted, None, None)


def test_same_key_id_sends_nothing_even_with_the_secret_at_hand():
    assert plan(credential(), access_key_id=KEY_ID, access_key_secret="whatever-secret") == ({}, False)
    assert plan(credential(), access_key_id=KEY_ID) == ({}, False)


def test_a_new_key_id_sends_the_secret():
    changes, secret = plan(credential(), access_key_id="LTAInew", access_key_secret=SECRET2)
    assert secret and changes == {"passwordFields": {"accessKey": "LTAInew", "secretKey": SECRET2}}


def test_a_new_key_id_without_secret_names_the_stored_one():
    with pytest.raises(TaskFailed, match="stores access key %s; access_key_secret is required" % KEY_ID):
        plan(credential(), access_key_id="LTAInew")


def test_always_sends_the_secret():
    changes, secret = plan(credential(), access_key_id=KEY_ID, access_key_secret=SECRET2, update_secret="always")
    assert secret and "passwordFields" in changes


def test_from_a_vault_reference_to_a_key():
    cred = credential()
    del cred["passwordFields"]
    cred["crefId"] = "ref-1"
    with pytest.raises(TaskFailed, match="uses vault reference ref-1"):
        plan(cred, access_key_id=KEY_ID)


def test_status_and_purpose_are_compared_as_the_user_means_them():
    assert plan(credential(status="InActive"), status="Inactive") == ({}, False)
    assert plan(credential(), status="Inactive")[0] == {"status": "InActive"}


def test_check_mode_prediction_never_holds_the_secret():
    predicted = credentials.predicted(credential(crefId="ref-1"), {
        "passwordFields": {"accessKey": "LTAInew", "secretKey": SECRET2}})
    assert SECRET2 not in str(predicted) and "crefId" not in predicted
    assert predicted["passwordFields"]["accessKey"] == "LTAInew"


# -- business entities ----------------------------------------------------------------------------------

CURRENT = {"organizations": ["org-engineering"], "teams": ["team-a"], "custom_contexts": []}


def test_without_purge_entities_are_added():
    wanted = {"organizations": [], "teams": ["team-b"], "custom_contexts": ["ctx-prod"]}
    assert entities.wanted_entities(CURRENT, wanted, purge=False) == {
        "organizations": ["org-engineering"], "teams": ["team-a", "team-b"], "custom_contexts": ["ctx-prod"]}


def test_with_purge_the_listed_entities_are_all():
    assert entities.wanted_entities(CURRENT, {"teams": ["team-b"]}, purge=True) == {
        "organizations": [], "teams": ["team-b"], "custom_contexts": []}
    assert entities.wanted_entities(CURRENT, None, purge=True) is None  # not set: left alone


def test_order_does_not_matter():
    assert entities.same_entities({"teams": ["a", "b"]}, {"teams": ["b", "a"], "organizations": []})


def test_entities_are_resolved_by_id_or_name_with_one_request():
    session = FakeSession([(200, CATALOG)])
    wanted = {"organizations": ["Engineering"], "teams": ["team-a", "Team A", "Team B"]}
    resolved = entities.resolve_entities(make_client(session), wanted)
    assert resolved == {"organizations": ["org-engineering"], "teams": ["team-a", "team-b"], "custom_contexts": []}
    assert len(session.calls) == 1


def test_unknown_and_ambiguous_entities_fail_listing_what_is_available():
    session = FakeSession([(200, CATALOG)])
    with pytest.raises(TaskFailed) as info:
        entities.resolve_entities(make_client(session), {"teams": ["team-nope", "TEAM B"], "custom_contexts": ["x"]})
    text = str(info.value)
    assert "team 'team-nope' is unknown or not available - available to user cbadmin: team-a (Team A)" in text
    assert "team 'TEAM B' is an ambiguous name" in text
    assert "custom context 'x' is unknown or not available - available to user cbadmin: none" in text


def test_entities_not_set_make_no_request():
    session = FakeSession([])
    assert entities.resolve_entities(make_client(session), None) is None and session.calls == []


# -- the account, the key owner, the connection test ----------------------------------------------------

def test_check_mode_stands_in_for_an_account_created_earlier_in_the_play():
    session = FakeSession([(404, {}), (200, [{"total_rows": 0}])])  # the derived id, the scan by name
    task = Task(credential_params(account="Fresh account"), check_mode=True)
    stand_in, exists = credentials.account_of(task, make_client(session))
    assert not exists and stand_in["accountId"] == "alibaba-fresh-account"
    assert "does not exist (yet)" in task.warnings[0]


def test_a_missing_account_fails_outside_check_mode():
    session = FakeSession([(404, {}), (404, {}), (200, [{"total_rows": 0}])])
    with pytest.raises(TaskFailed, match="not visible to user cbadmin"):
        credentials.account_of(Task(credential_params(account="Nowhere")), make_client(session))


@pytest.mark.parametrize("allow", [False, True])
def test_a_root_key_is_refused_unless_allowed(monkeypatch, allow):
    monkeypatch.setattr(ram_identity, "identity_of_key",
                        lambda *args: {"is_root": True, "account_id": "1234567890123456"})
    task = Task(credential_params(access_key_id=KEY_ID, access_key_secret=SECRET, allow_root_access_key=allow))
    if allow:
        credentials.check_key_owner(task)
        return
    with pytest.raises(TaskFailed, match="belongs to the root \\(billing\\) account 1234567890123456"):
        credentials.check_key_owner(task)


def test_an_unverifiable_key_is_stored_with_a_warning(monkeypatch):
    def unreachable(*args):
        raise RamError("GetCallerIdentity", message="could not reach sts")

    monkeypatch.setattr(ram_identity, "identity_of_key", unreachable)
    task = Task(credential_params(access_key_id=KEY_ID, access_key_secret=SECRET))
    credentials.check_key_owner(task)
    assert "Could not verify who access key %s belongs to" % KEY_ID in task.warnings[0]


def test_a_failed_connection_test_fails_the_task_with_the_result():
    body = {"message": "the AccessKey is inactive", "translateCode": "CO400_TEST_CONNECTION_FAILED",
            "errorCode": "InvalidAccessKeyId.Inactive"}
    session = FakeSession([(400, body)])
    result = dict(changed=False, credential={"name": "prov"}, secret_updated=False)
    with pytest.raises(TaskFailed) as info:
        credentials.run_test(Task(credential_params()), make_client(session), account(), credential(), result)
    assert str(info.value) == ("Test connection of credential 'prov' (account alibaba-prod) failed: "
                               "InvalidAccessKeyId.Inactive: the AccessKey is inactive")
    assert info.value.fields["test_connection"]["error_code"] == "InvalidAccessKeyId.Inactive"
    assert info.value.fields["credential"] == {"name": "prov"}


def test_check_mode_skips_the_connection_test():
    result = {}
    credentials.run_test(Task(credential_params(), check_mode=True), None, account(), credential(), result)
    assert result["test_connection"]["status"] == "skipped"


# -- the info twin --------------------------------------------------------------------------------------

def info_params(**overrides):
    params = dict(name=None, id=None, team=None, organization=None, status=None)
    params.update(overrides)
    return params


@pytest.mark.parametrize("overrides, purpose, found", [
    ({}, None, True), (dict(team="team-a"), None, True), (dict(team="team-b"), None, False),
    (dict(organization="org-engineering"), None, True), (dict(status="Inactive"), None, False),
    ({}, "assetDiscovery", False), (dict(name="prov", id="c-1"), "provisioning", True), (dict(id="c-2"), None, False),
])
def test_info_filters_match_the_brokers(overrides, purpose, found):
    assert credentials.matches(credential(), info_params(**overrides), purpose) is found


# -- the argument spec both shells validate with ----------------------------------------------------------

def test_the_rules_reach_the_validator():
    kwargs = argument_spec_for(credentials.CREDENTIAL)
    assert kwargs["required_by"] == {"access_key_secret": ["access_key_id"]}
    assert ["access_key_id", "credential_ref_id"] in kwargs["mutually_exclusive"]
    assert "api_key" in kwargs["argument_spec"] and "sts_endpoint" in kwargs["argument_spec"]
    validator = ArgumentSpecValidator(**kwargs)
    errors = validator.validate(dict(account="a", name="prov", access_key_secret=SECRET)).error_messages
    assert errors == ["missing parameter(s) required by 'access_key_secret': access_key_id"]
    errors = validator.validate(dict(account="a", name="prov", access_key_id=KEY_ID, cref_id="ref-1")).error_messages
    assert errors == ["parameters are mutually exclusive: access_key_id|credential_ref_id"]
