"""Units of module_utils/marketplace/accounts.py: input checks, the modelVersion retry, the resource through
``services.run_resource`` (what both shells call)."""

import copy
import json

import pytest
from marketplace_fakes import SECRET, FakeResponse, ScriptedServer, account, credential, dumps, make_client, validated

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace import accounts
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError, Task, TaskFailed
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.services import run_resource


def account_params(**overrides):
    params = dict(name="Prod", account_id="alibaba-prod", description=None, account_number=None,
                  account_type=None, master_account=None, status=None, state="present", provider_code="alibaba")
    params.update(overrides)
    return params


class Broker:
    """A session that keeps accounts and answers PUT with CO409_MODEL_VERSION_CONFLICT on a stale modelVersion.

    ``meddle`` changes the stored account once, right before the first PUT is answered (a concurrent writer).
    """

    def __init__(self, stored, meddle=None):
        self.stored = copy.deepcopy(stored)
        self.meddle = meddle
        self.calls = []

    def request(self, method, url, json=None, **kwargs):
        self.calls.append((method, url.rsplit("/", 1)[1], copy.deepcopy(json)))
        if method == "GET":
            return FakeResponse(200, self.stored)
        if self.meddle:
            self.meddle(self.stored)
            self.meddle = None
        sent = json["account"]
        if sent.get("modelVersion") != self.stored["modelVersion"]:
            return FakeResponse(409, {"message": "stale", "translateCode": "CO409_MODEL_VERSION_CONFLICT"})
        self.stored = dict(self.stored, basicInfo=sent["basicInfo"], advancedInfo=sent["advancedInfo"],
                           modelVersion=sent["modelVersion"] + 1)
        return FakeResponse(200, {"account": self.stored})

    def puts(self):
        return [body["account"] for method, _path, body in self.calls if method == "PUT"]


def somebody_changes_the_description(stored):
    stored["basicInfo"] = dict(stored["basicInfo"], description="changed by somebody")
    stored["modelVersion"] += 2


def test_model_version_conflict_is_read_again_and_retried_once():
    broker = Broker(account(), meddle=somebody_changes_the_description)
    task = Task(account_params(status="Active"))
    result, changed = accounts.update(task, make_client(broker), account(), None)
    assert changed
    assert [put["modelVersion"] for put in broker.puts()] == [3, 5]
    assert broker.puts()[1]["basicInfo"]["description"] == "changed by somebody"  # their change is kept
    assert result["basicInfo"]["isActive"] == "Active" and result["modelVersion"] == 6


def test_nothing_to_change_sends_nothing():
    broker = Broker(account())
    _result, changed = accounts.update(Task(account_params(status="Inactive")), make_client(broker), account(), None)
    assert not changed and broker.calls == []


def test_check_mode_sends_nothing_and_predicts_the_change():
    broker = Broker(account())
    result, changed = accounts.update(Task(account_params(status="Active"), check_mode=True), make_client(broker),
                                      account(), None)
    assert changed and broker.calls == [] and result["basicInfo"]["isActive"] == "Active"


def test_an_account_of_another_provider_is_not_taken_over():
    other = account()
    other["basicInfo"]["serviceProviderCode"] = "aws"
    broker = Broker(other)
    with pytest.raises(TaskFailed, match="belongs to provider 'aws'"):
        accounts.update(Task(account_params()), make_client(broker), other, None)
    assert broker.calls == []


@pytest.mark.parametrize("number", ["1234567", "12345678a", "１２３４５６７８", ""])
def test_short_or_non_digit_account_numbers_fail_before_any_request(number):
    with pytest.raises(InputError, match="at least 8 digits") as info:
        accounts.check_account_options(account_params(account_number=number))
    assert info.value.option == "account_number"
    accounts.check_account_options(account_params(account_number="12345678"))


@pytest.mark.parametrize("overrides, option, message", [
    (dict(name=None), "name", "name is required with state=present."),
    (dict(name=None, account_id=None, state="absent"), None, "name or account_id is required with state=absent."),
    (dict(account_id="has space"), "account_id", "Invalid account_id 'has space'"),
    (dict(name="x" * 256), "name", "name must be 1-255 characters long."),
])
def test_input_errors_name_the_option(overrides, option, message):
    with pytest.raises(InputError) as info:
        accounts.check_account_options(account_params(**overrides))
    assert info.value.option == option and info.value.message.startswith(message)


# -- the resource as both shells run it -----------------------------------------------------------------


def test_secrets_in_answers_become_task_secrets_and_never_reach_the_result():
    with ScriptedServer([(200, {}, account(credential()))]) as server:
        params = validated(accounts.ACCOUNT_INFO, url=server.url, account_id="alibaba-prod")
        result, task = run_resource(accounts.ACCOUNT_INFO, params)
    assert SECRET in task.secrets  # both shells mask these like no_log values
    assert SECRET not in dumps(result)
    assert result["accounts"][0]["credentials"][0]["access_key_id"] == "LTAI5tKeyIdExample0001"
    assert [r[1] for r in server.requests] == ["/cb-credential-service/api/v2.0/accounts/alibaba-prod"]


def test_bad_input_fails_before_any_request():
    with ScriptedServer([]) as server:
        params = validated(accounts.ACCOUNT, url=server.url, name="Prod", account_number="1234567")
        result, _task = run_resource(accounts.ACCOUNT, params)
    assert result["failed"] and result["option"] == "account_number"
    assert "account_number must be at least 8 digits" in result["msg"]
    assert server.requests == []


def test_info_by_name_reads_the_derived_id_first():
    with ScriptedServer([(200, {}, account())]) as server:
        result, _task = run_resource(accounts.ACCOUNT_INFO, validated(accounts.ACCOUNT_INFO, url=server.url,
                                                                      name="Prod", include_credentials=False))
    assert [a["account_id"] for a in result["accounts"]] == ["alibaba-prod"]
    assert "credentials" not in result["accounts"][0]
    assert len(server.requests) == 1  # no scan of the provider's accounts


def test_present_creates_with_the_derived_id_and_diff():
    created = account()
    created["basicInfo"]["isActive"] = "Active"
    script = [(404, {}, {"message": "not found"}), (200, {}, [{"total_rows": 0}]), (201, {}, {"account": created})]
    with ScriptedServer(script) as server:
        params = validated(accounts.ACCOUNT, url=server.url, name="Prod", account_number="12345678")
        result, _task = run_resource(accounts.ACCOUNT, params, diff=True)
    assert result["changed"] and result["account"]["account_id"] == "alibaba-prod"
    assert result["diff"]["before"] == {} and result["diff"]["after"]["status"] == "Active"
    posted = json.loads(server.requests[2][2])["account"]
    assert posted["accountId"] == "alibaba-prod" and posted["advancedInfo"] == {"accountNumber": "12345678"}
