"""Units of plugins/module_utils/resource.py and services.py: the contract both shells rely on."""

import pytest

from ansible_collections.cloudbroker.alibaba.plugins.module_utils import services
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.errors import RamError
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import (
    InputError,
    Resource,
    Task,
    TaskFailed,
    execute,
)


def resource_that(outcome):
    def run(task):
        if isinstance(outcome, Exception):
            raise outcome
        return outcome
    return Resource("thing", dict(name=dict(type="str")), run, services=("ram",),
                    mutually_exclusive=[["name", "other"]])


def test_input_error_is_a_failed_result_naming_the_option():
    result = execute(resource_that(InputError("name must be short", option="name")).run, Task({}))
    assert result == dict(failed=True, msg="name must be short", option="name")


def test_api_error_carries_action_code_and_request_id():
    error = RamError("GetUser", code="NoPermission", message="denied", request_id="R-1", status=403)
    result = execute(resource_that(error).run, Task({}))
    assert result["failed"] and result["msg"] == "GetUser failed: NoPermission: denied (request id R-1)"
    assert result["error"]["code"] == "NoPermission"


def test_task_failed_keeps_its_fields():
    result = execute(resource_that(TaskFailed("conflict", error={"code": "X"})).run, Task({}))
    assert result == dict(failed=True, msg="conflict", error={"code": "X"})


def test_unexpected_exceptions_are_not_swallowed():
    with pytest.raises(ZeroDivisionError):
        execute(resource_that(ZeroDivisionError("bug")).run, Task({}))


def test_result_has_diff_only_in_diff_mode():
    assert Task({}).result(True, "user", {}, {"a": 1}) == dict(changed=True, user={"a": 1})
    assert Task({}, diff=True).result(False, "user", None, {"a": 1}) == dict(
        changed=False, user={"a": 1}, diff=dict(before={}, after={"a": 1}))


def test_module_kwargs_merge_service_options_and_rules():
    kwargs = services.argument_spec_for(resource_that({}))
    assert "access_key_secret" in kwargs["argument_spec"] and "name" in kwargs["argument_spec"]
    assert ["access_key_id", "access_key_secret"] in kwargs["required_together"]
    assert kwargs["mutually_exclusive"] == [["name", "other"]]


def test_service_options_are_checked_before_the_resource_runs():
    calls = []
    resource = Resource("thing", {}, lambda task: calls.append(task) or {}, services=("ram",))
    params = dict(connect_timeout=5, read_timeout=10, max_retries=-1, retry_timeout=120, assume_role_duration=3600)
    result, _task = services.run_resource(resource, params)
    assert result["failed"] and result["option"] == "max_retries" and calls == []


def test_warnings_and_secrets_are_collected_once():
    task = Task({})
    task.warn("careful")
    task.warn("careful")
    task.add_secret("s3cr3t-value")
    task.add_secret("")
    assert task.warnings == ["careful"] and task.secrets == {"s3cr3t-value"}
