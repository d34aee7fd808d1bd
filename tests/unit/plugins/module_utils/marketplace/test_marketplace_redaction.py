"""Units of module_utils/marketplace/redaction.py: the one place secrets leave the broker's answers."""

import copy

import pytest
from marketplace_fakes import API_KEY, KEY_ID, SECRET, SECRET2, FakeSession, account, credential, dumps, make_client

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.redaction import (
    MASK,
    REDACTED,
    Redactor,
    secret_path,
)
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.transport import MarketplaceError
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.views import account_view


def test_nested_password_fields_are_replaced_but_the_access_key_id_stays():
    body = [{"total_rows": 2}, account(credential()), account(credential(SECRET2, "LTAIother"), account_id="b")]
    original = copy.deepcopy(body)
    seen = []
    redacted = Redactor(on_secret=seen.append).redact(body)
    assert SECRET not in dumps(redacted) and SECRET2 not in dumps(redacted)
    fields = redacted[1]["credentials"][0]["passwordFields"]
    assert fields == {"accessKey": KEY_ID, "secretKey": REDACTED}
    assert redacted[2]["credentials"][0]["passwordFields"]["accessKey"] == "LTAIother"
    assert body == original  # the input is not changed
    assert set(seen) == {SECRET, SECRET2}  # handed on (to the task's secrets)
    assert redacted[1]["basicInfo"] == original[1]["basicInfo"]


def test_echo_of_a_secret_elsewhere_in_the_same_body_is_scrubbed():
    # the message comes *before* passwordFields: both passes are needed
    body = {"message": "stored key %s for you" % SECRET, "credential": credential()}
    redacted = Redactor().redact(body)
    assert redacted["message"] == "stored key %s for you" % MASK
    assert SECRET not in dumps(redacted)


def test_secrets_seen_or_sent_earlier_are_scrubbed_from_later_answers():
    redactor = Redactor(known=[API_KEY])
    redactor.redact(credential())  # learns SECRET
    redactor.add(SECRET2)  # sent by the task
    later = {"message": "bad %s" % SECRET, "list": [SECRET2, {"deep": "x%sy" % API_KEY}], "n": 3, "ok": None}
    redacted = redactor.redact(later)
    assert redacted == {"message": "bad " + MASK, "list": [REDACTED, {"deep": "x%sy" % MASK}], "n": 3, "ok": None}


def test_generic_secret_keys_and_vault_values():
    body = {"advancedInfo": {"accountNumber": "12345678", "apiKey": "k" * 12, "nested": {"Secret_Key": "v" * 9}},
            "credential": {"value": {"accessKey": "AK-in-the-vault", "secretKey": "SK-in-the-vault"}},
            "token": ["t" * 10], "emptySecret": {"password": ""}}
    redacted = Redactor().redact(body)
    assert redacted["advancedInfo"] == {"accountNumber": "12345678", "apiKey": REDACTED,
                                        "nested": {"Secret_Key": REDACTED}}
    assert redacted["credential"]["value"] == {"accessKey": REDACTED, "secretKey": REDACTED}
    assert redacted["token"] == [REDACTED]
    assert redacted["emptySecret"] == {"password": ""}


def test_password_fields_that_are_not_an_object_are_replaced_whole():
    assert Redactor().redact({"passwordFields": "raw-secret-string"}) == {"passwordFields": REDACTED}


def test_validation_values_naming_a_secret_are_redacted():
    body = {"statusText": "Bad Request", "jsonSchemaValidation": True, "validations": {"body": [
        {"property": "credentials[0].passwordFields.secretKey", "messages": ["too short"], "value": "short1"},
        {"property": "credentials[1]", "messages": ["bad"], "value": credential()},
        {"property": "passwordFields.accessKey", "messages": ["bad id"], "value": KEY_ID},
        {"property": "credential.value", "messages": ["x"], "value": {"a": "vaulted-thing"}},
        {"property": "advancedInfo.accountNumber", "messages": ["must be 8 digits"], "value": "1234567"},
    ]}}
    items = Redactor().redact(body)["validations"]["body"]
    assert [item["value"] for item in items[0:1] + items[3:4]] == [REDACTED, {"a": REDACTED}]
    assert items[1]["value"]["passwordFields"] == {"accessKey": KEY_ID, "secretKey": REDACTED}
    assert items[2]["value"] == KEY_ID
    assert items[4]["value"] == "1234567"


@pytest.mark.parametrize("prop, secret", [
    ("passwordFields", True), ("credentials[0].passwordFields.secretKey", True),
    ("passwordFields.accessKey", False), ("credential.value", True), ("credential.value.accessKey", True),
    ("apikey", True), ("basicInfo.accountName", False), ("purpose[0]", False), ("", False), (None, False)])
def test_secret_path(prop, secret):
    assert secret_path(prop) is secret


def test_short_strings_are_not_scrubbed_from_text_but_still_replaced_as_values():
    redacted = Redactor().redact({"passwordFields": {"accessKey": "AK", "secretKey": "abc"}, "message": "abcdef"})
    assert redacted == {"passwordFields": {"accessKey": "AK", "secretKey": REDACTED}, "message": "abcdef"}


def test_views_never_hold_a_secret():
    view = account_view(Redactor().redact(account(credential())))
    assert SECRET not in dumps(view)
    cred = view["credentials"][0]
    assert cred["access_key_id"] == KEY_ID and cred["secret_stored"] is True
    assert "password_fields" not in cred and "passwordFields" not in dumps(view)


def test_every_client_answer_passes_through_the_redactor():
    session = FakeSession([(200, account(credential())), (400, {"message": "secret %s rejected" % SECRET})])
    client = make_client(session)
    got = client.request("GET", "accounts/alibaba-prod")
    assert SECRET not in dumps(got)
    with pytest.raises(MarketplaceError) as info:
        client.request("POST", "credentialsValidator", body={})
    assert SECRET not in info.value.describe() and SECRET not in dumps(info.value.as_dict())


def test_secrets_the_client_sends_are_registered_before_the_answer():
    seen = []
    session = FakeSession([(400, {"message": "echo %s" % SECRET2, "statusCode": 400})])
    client = make_client(session, on_secret=seen.append)
    with pytest.raises(MarketplaceError) as info:
        client.request("PATCH", "accounts/a/credentials/c",
                       body={"passwordFields": {"accessKey": KEY_ID, "secretKey": SECRET2}})
    assert SECRET2 not in info.value.describe()
    assert SECRET2 in seen and KEY_ID not in seen


def test_non_json_bodies_are_scrubbed_too():
    client = make_client(FakeSession([(502, "gateway said %s" % API_KEY)]))
    with pytest.raises(MarketplaceError) as info:
        client.request("GET", "accounts/x")
    assert API_KEY not in info.value.describe()
