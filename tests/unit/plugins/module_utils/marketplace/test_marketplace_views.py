"""Units of module_utils/marketplace/views.py: wire values and the one view of accounts and credentials."""

import pytest
from marketplace_fakes import account, credential

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace import views
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.redaction import Redactor


@pytest.mark.parametrize("value, wire", [
    ("Provisioning", "provisioning"), ("asset ingestion", "assetIngestion"), ("Asset Discovery", "assetDiscovery"),
    ("assetDiscovery", "assetDiscovery"), ("asset_ingestion", "assetIngestion"), ("billing", None)])
def test_purposes(value, wire):
    assert views.purpose_to_wire(value) == wire


def test_status():
    assert (views.status_to_wire("Inactive"), views.status_to_wire("Active"), views.status_to_wire(None)) == \
        ("InActive", "Active", None)
    assert (views.status_from_wire("InActive"), views.status_from_wire("Active")) == ("Inactive", "Active")


def test_business_entities_round_trip():
    context = [{"contextId": "1", "team": ["team-a"]}, {"contextId": "2", "team": ["team-b", "team-a"]},
               {"contextId": "3", "org": ["org-engineering"]}, {"contextId": "4", "customContext": ["ctx-prod"]}]
    entities = views.context_entities(context)
    assert entities == {"organizations": ["org-engineering"], "teams": ["team-a", "team-b"],
                        "custom_contexts": ["ctx-prod"]}
    assert views.entities_to_context(entities) == [{"org": ["org-engineering"]}, {"team": ["team-a", "team-b"]},
                                                   {"customContext": ["ctx-prod"]}]
    assert views.entities_to_context({"teams": []}) == []


def test_account_view():
    view = views.account_view(Redactor().redact(account(credential())))
    assert view["status"] == "Inactive" and view["account_number"] == "12345678"
    assert view["advanced_info"] == {} and view["master_account_id"] is None
    assert view["credentials"][0]["purpose"] == ["Provisioning"]
    assert view["credentials"][0]["business_entities"]["teams"] == ["team-a"]
    assert "credentials" not in views.account_view(account(), include_credentials=False)


def test_credential_view_of_a_vault_reference():
    cred = {"id": "c", "credentialName": "n", "purpose": ["assetDiscovery"], "status": "InActive", "context": [],
            "crefId": "ref-1"}
    view = views.credential_view(cred, {"accountId": "a", "basicInfo": {"accountName": "A"}})
    assert (view["access_key_id"], view["credential_ref_id"], view["secret_stored"]) == (None, "ref-1", True)
    assert (view["account_id"], view["account_name"], view["status"]) == ("a", "A", "Inactive")
