"""ram_security_report: the account-level findings (password policy, security preference), min_password_length, and
the failure paths (bad thresholds, a summary_file that cannot be written).

Account-level settings are shared by everything in a sandbox, so each test that changes them gets a sandbox of its
own (``account``); the failure-path tests change nothing and use the session sandbox.
"""

import json
import os
import shutil
import tempfile

import pytest

from conftest import AnsibleRunner, Sandbox

pytestmark = pytest.mark.integration

STRONG_POLICY = {"minimum_password_length": 14, "require_lowercase_characters": True,
                 "require_uppercase_characters": True, "require_numbers": True, "require_symbols": True,
                 "max_password_age": 90, "password_reuse_prevention": 5, "max_login_attempts": 5}
PREFERENCE_FINDINGS = ("mfa_self_service_disabled", "mfa_ticket_saved", "console_login_unrestricted")


@pytest.fixture
def account():
    """A sandbox of its own (fresh account settings) and a runner for it."""
    workdir = tempfile.mkdtemp(prefix="cb-sr-account-")
    services = Sandbox(os.path.join(workdir, "state"))
    try:
        os.makedirs(os.path.join(workdir, "ansible", "tmp"))
        yield AnsibleRunner(services, os.path.join(workdir, "ansible"))
    finally:
        services.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def report_ids(runner, options=None, before=()):
    """Run ``before`` tasks, then the report; returns ({finding id: finding} of account findings, PlaybookRun)."""
    out = os.path.join(runner.workdir, "report.json")
    run = runner.run_tasks(list(before) + [
        {"name": "Report", "cloudbroker.alibaba.ram_security_report": options or {}, "register": "r"},
        {"name": "Keep", "ansible.builtin.copy": {"content": "{{ r.findings | to_json }}", "dest": out,
                                                  "mode": "0600"}},
    ]).assert_ok()
    with open(out, encoding="utf-8") as handle:
        findings = json.load(handle)
    return {f["id"]: f for f in findings if f["resource_type"] == "account"}, run


def test_security_preference_findings_come_and_go_with_the_setting(account):
    weak = {"cloudbroker.alibaba.ram_security_preference": {
        "allow_user_to_manage_mfa_devices": False, "enable_save_mfa_ticket": True, "login_network_masks": []}}
    found, _run = report_ids(account, before=[weak])
    assert set(PREFERENCE_FINDINGS) <= set(found), found
    assert "Security preference" in found["mfa_ticket_saved"]["message"]

    strong = {"cloudbroker.alibaba.ram_security_preference": {
        "allow_user_to_manage_mfa_devices": True, "enable_save_mfa_ticket": False,
        "login_network_masks": ["192.0.2.0/24"]}}
    found, _run = report_ids(account, before=[strong])
    assert not set(PREFERENCE_FINDINGS) & set(found), found

    # a check that is skipped is not reported, whatever the setting
    found, _run = report_ids(account, {"skip_checks": ["mfa_ticket_saved"]}, before=[weak])
    assert "mfa_ticket_saved" not in found and "mfa_self_service_disabled" in found


def test_password_policy_is_weak_by_default_and_strong_when_set(account):
    found, _run = report_ids(account)  # a fresh account: RAM's default policy (8 characters, nothing required)
    assert "password_policy_weak" in found
    assert "(at least 14 wanted)" in found["password_policy_weak"]["message"], found["password_policy_weak"]
    found, _run = report_ids(account, before=[{"cloudbroker.alibaba.ram_password_policy": STRONG_POLICY}])
    assert "password_policy_weak" not in found


def test_min_password_length_is_the_bar_for_the_length(account):
    ten = dict(STRONG_POLICY, minimum_password_length=10)
    found, _run = report_ids(account, before=[{"cloudbroker.alibaba.ram_password_policy": ten}])
    # the default bar is 14; the length is the policy's only weakness
    assert found["password_policy_weak"]["message"] == (
        "Password policy: passwords may be as short as 10 characters (at least 14 wanted).")
    found, _run = report_ids(account, {"min_password_length": 10})
    assert "password_policy_weak" not in found
    found, _run = report_ids(account, {"min_password_length": 11})
    assert "(at least 11 wanted)" in found["password_policy_weak"]["message"]


BAD_THRESHOLDS = [
    ({"max_key_age_days": -1}, "max_key_age_days must be 0 or more, got -1"),
    ({"max_key_unused_days": -5}, "max_key_unused_days must be 0 or more, got -5"),
    ({"min_password_length": 7}, "min_password_length must be between 8 and 32 (RAM's limits), got 7"),
    ({"min_password_length": 33}, "min_password_length must be between 8 and 32 (RAM's limits), got 33"),
    ({"skip_checks": ["no_such_check"]}, "value of skip_checks must be one or more of"),
]


def test_bad_thresholds_fail_before_any_remote_call(ansible, sandbox, tmp_path):
    out = tmp_path / "results.json"
    tasks = [{"name": "Bad %d" % index, "cloudbroker.alibaba.ram_security_report": options,
              "register": "bad%d" % index, "ignore_errors": True} for index, (options, _msg) in enumerate(BAD_THRESHOLDS)]
    tasks.append({"name": "Keep", "ansible.builtin.copy": {
        "content": "{{ [%s] | to_json }}" % ", ".join("bad%d" % i for i in range(len(BAD_THRESHOLDS))),
        "dest": str(out), "mode": "0600"}})
    sandbox.reset_counters("ram")
    ansible.run_tasks(tasks).assert_ok()
    results = json.loads(out.read_text())
    for result, (options, message) in zip(results, BAD_THRESHOLDS):
        assert result["failed"] and message in result["msg"], (options, result["msg"])
    assert sandbox.counters("ram") == {}


def test_summary_file_that_is_a_directory_fails_and_writes_nothing(ansible, sandbox, tmp_path):
    sandbox.reset_counters("ram")
    run = ansible.run_tasks([{"cloudbroker.alibaba.ram_security_report": {"summary_file": str(tmp_path)}}])
    assert run.rc != 0
    assert "summary_file %s is a directory; give a file path such as %s" % (
        tmp_path, tmp_path / "report.md") in run.output
    assert list(tmp_path.iterdir()) == []
    assert sandbox.counters("ram") == {}  # found out before any remote call


def test_summary_file_that_cannot_be_written_fails_cleanly(ansible, sandbox, tmp_path):
    # a regular file where a directory should be: not writable, even for root
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    target = blocker / "sub" / "report.md"
    sandbox.reset_counters("ram")
    run = ansible.run_tasks([{"cloudbroker.alibaba.ram_security_report": {"summary_file": str(target)}}])
    assert run.rc != 0
    assert "summary_file %s cannot be written: %s is not a directory" % (target, blocker) in run.output
    assert sandbox.counters("ram") == {}  # found out before any remote call
    assert "Traceback" not in run.output
    assert blocker.read_text() == "x" and sorted(p.name for p in tmp_path.iterdir()) == ["not-a-directory"]
