"""Units of ``known_account`` (marketplace_asset_account, marketplace_credential): a view read earlier in the
play settles a task that has nothing to do without any request, and anything else goes to a fresh read."""

import pytest
from marketplace_fakes import KEY_ID, FakeSession, account, credential, make_client

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace import accounts, credentials, entities
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.redaction import REDACTED
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.views import account_view
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import Task

# The account of marketplace_fakes, as marketplace_asset_account_info returns it (secrets redacted on the way).
KNOWN = account_view(account(credential(secret=REDACTED), account_id="alibaba-prod"))


class Connected:
    """The task's clients: a marketplace client whose session records every request (and answers none)."""

    def __init__(self):
        self.session = FakeSession([])
        self.marketplace = make_client(self.session)


def connected_task(params, **modes):
    clients = Connected()
    return Task(params, connect=lambda _params, _task: clients, **modes), clients.session


def credential_params(**overrides):
    params = dict(account="alibaba-prod", name="prov", purpose=["Provisioning"], status="Active",
                  access_key_id=KEY_ID, access_key_secret=None, update_secret="on_create", credential_ref_id=None,
                  business_entities={"teams": ["team-a"], "organizations": ["org-engineering"], "custom_contexts": []},
                  business_entity_catalog=None, purge_business_entities=True, test_connection=True,
                  test_connection_when="changed", check_key_owner=True, allow_root_access_key=False,
                  sts_endpoint=None, sts_ca_path=None, state="present", provider_code="alibaba", known_account=KNOWN)
    params.update(overrides)
    return params


def account_params(**overrides):
    params = dict(name="Prod", account_id="alibaba-prod", description=None, account_number="12345678",
                  account_type=None, master_account=None, status="Inactive", state="present",
                  provider_code="alibaba", known_account=KNOWN)
    params.update(overrides)
    return params


def test_a_credential_as_wanted_needs_no_request_and_no_test():
    task, session = connected_task(credential_params(), diff=True)
    result = credentials.run_credential(task)
    assert session.calls == []
    assert result["changed"] is False and "test_connection" not in result
    assert result["credential"]["access_key_id"] == KEY_ID and result["credential"]["account_id"] == "alibaba-prod"
    assert result["diff"]["before"] == result["diff"]["after"]


@pytest.mark.parametrize("overrides", [
    dict(access_key_id="LTAI5tAnotherKeyId0002", access_key_secret="x"),  # a new key
    dict(purpose=["Asset Discovery"]),
    dict(status="Inactive"),
    dict(business_entities={"teams": ["team-b"]}),  # not associated yet: needs the catalogue
    dict(name="other"),  # not in the account
    dict(test_connection_when="always"),  # a test was asked for: it needs the broker
    dict(known_account=dict(KNOWN, provider_code="other")),
    dict(update_secret="always", access_key_secret="x"),
    # a view without the credential and no key to create it with: it may be stale (an overlapping run created the
    # credential since the view was read), so it is read again instead of failing for want of a key
    dict(known_account=dict(KNOWN, credentials=[])),
])
def test_anything_else_goes_to_the_broker(overrides):
    task, session = connected_task(credential_params(**overrides))
    with pytest.raises(IndexError):  # the first request finds no scripted answer
        credentials.run_credential(task)
    assert session.calls[0]["method"] in ("GET", "POST")


def test_entities_already_associated_need_no_catalogue():
    current = {"organizations": ["org-engineering"], "teams": ["team-a"], "custom_contexts": []}
    assert entities.associated_ids({"teams": ["team-a", "team-a"]}, current) == \
        {"organizations": [], "teams": ["team-a"], "custom_contexts": []}
    assert entities.associated_ids({"teams": ["Team A"]}, current) is False  # a name: resolved by the catalogue
    assert entities.associated_ids(None, current) is None


def test_an_account_as_wanted_is_its_own_result_without_a_request_also_by_its_derived_id():
    assert accounts.run_account(Task(account_params(account_id=None)))["changed"] is False


def test_an_account_as_wanted_is_its_own_result_without_a_request():
    result = accounts.run_account(Task(account_params(), diff=True))
    assert result == dict(changed=False, account=KNOWN,
                          diff=dict(before=accounts.diff_view(account(credential())),
                                    after=accounts.diff_view(account(credential()))))


@pytest.mark.parametrize("overrides", [
    dict(description="new"),
    dict(account_number="87654321"),
    dict(status="Active"),
    dict(master_account="alibaba-master"),
    dict(name="Renamed"),
    dict(account_id=None, known_account=dict(KNOWN, account_id="alibaba-ui-made")),  # not the id derived from the name
    dict(known_account={k: v for k, v in KNOWN.items() if k != "credentials"}),
])
def test_an_account_not_as_wanted_is_read_again(overrides):
    with pytest.raises(RuntimeError, match="no service connection"):
        accounts.run_account(Task(account_params(**overrides)))
