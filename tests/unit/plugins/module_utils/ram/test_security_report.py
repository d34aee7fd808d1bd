"""Units of module_utils/ram/security_report: the catalogue, the rules (plain dicts in, findings out), the
Markdown, the call counting, the collection of facts against a scripted client, and the report file."""

import datetime
import os
import re
import stat

import pytest
import yaml
from fake_ram import FakeRam, make_task, missing

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.caller_identity import ROOT_IDENTITY_TYPE
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.security_report import catalogue, facts, markdown
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.security_report import report_file, rules
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.security_report.report import REPORT, run_report
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError
from ansible_collections.cloudbroker.alibaba.plugins.modules import ram_security_report as module

NOW = datetime.datetime(2026, 11, 23, 12, 0, 0, tzinfo=datetime.timezone.utc)
ACCOUNT = "1234567890123456"
STRONG_POLICY = {"MinimumPasswordLength": 14, "RequireLowercaseCharacters": True, "RequireUppercaseCharacters": True,
                 "RequireNumbers": True, "RequireSymbols": True, "MaxLoginAttemps": 5, "MaxPasswordAge": 90,
                 "PasswordReusePrevention": 5, "HardExpiry": False}
GOOD_PREFERENCE = {"LoginProfilePreference": {"EnableSaveMFATicket": False, "LoginNetworkMasks": "192.0.2.0/24",
                                              "AllowUserToChangePassword": True, "LoginSessionDuration": 6},
                   "MFAPreference": {"AllowUserToManageMFADevices": True},
                   "AccessKeyPreference": {"AllowUserToManageAccessKeys": False}}
RAM_USER = {"identity_type": "RAMUser", "account_id": ACCOUNT, "arn": "acs:ram::%s:user/auditor" % ACCOUNT,
            "is_root": False}


def ago(days=0, seconds=0):
    return (NOW - datetime.timedelta(days=days, seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def key(key_id, status="Active", created_days=1, last_used_days=0, last_used=True):
    view = {"AccessKeyId": key_id, "Status": status, "CreateDate": ago(created_days)}
    if last_used:
        view["LastUsedDate"] = None if last_used_days is None else ago(last_used_days)
    return view


def ids(findings):
    return [(f["id"], f["resource_name"]) for f in findings]


def clean_state(**changes):
    state = dict(identity=RAM_USER, account_id=ACCOUNT, password_policy=STRONG_POLICY,
                 security_preference=GOOD_PREFERENCE, console_users=[], admin_entities={}, admin_group_members={},
                 users=[{"name": "auditor", "keys": [key("LTAIAUDITOR")]}], group_count=0)
    state.update(changes)
    return state


# --- the catalogue ---------------------------------------------------------------------------

def test_every_check_has_a_known_severity_resource_type_and_text():
    for check, (severity, resource_type, title, recommendation) in catalogue.CHECKS.items():
        assert severity in catalogue.SEVERITIES, check
        assert resource_type in ("account", "user", "group", "access_key"), check
        assert title and recommendation.endswith("."), check


def test_documented_choices_are_the_catalogue():
    options = yaml.safe_load(module.DOCUMENTATION)["options"]
    assert options["skip_checks"]["choices"] == list(catalogue.CHECKS)


def test_every_check_is_explained_in_the_guide_with_its_severity():
    guide = os.path.join(os.path.dirname(module.__file__), "..", "..", "docs", "security-report.md")
    with open(guide, encoding="utf-8") as handle:
        headings = re.findall(r"^### `(\w+)` \u2013 (\w+), (\w+)$", handle.read(), re.M)
    assert dict((check, (severity, kind)) for check, severity, kind in headings) == dict(
        (check, spec[:2]) for check, spec in catalogue.CHECKS.items())


# --- the whole evaluation --------------------------------------------------------------------

def test_clean_state_has_no_finding():
    assert rules.evaluate(clean_state(), NOW) == []


def test_root_caller_is_reported():
    root = {"identity_type": ROOT_IDENTITY_TYPE, "account_id": ACCOUNT, "arn": "acs:ram::%s:root" % ACCOUNT,
            "is_root": True}
    found = rules.evaluate(clean_state(identity=root), NOW)
    assert ids(found) == [("root_account_in_use", ACCOUNT)]
    assert found[0]["severity"] == "high" and found[0]["resource_type"] == "account"


def test_skip_removes_findings():
    state = clean_state(users=[{"name": "u", "keys": [key("A", "Inactive")]}])
    assert ids(rules.evaluate(state, NOW)) == [("access_key_inactive", "u/A")]
    assert rules.evaluate(state, NOW, skip=("access_key_inactive",)) == []


def test_findings_sorted_by_severity_then_check_then_resource():
    state = clean_state(users=[{"name": "b", "keys": [key("B1", "Inactive")]},
                               {"name": "a", "keys": [key("A1", "Inactive"), key("A2", last_used_days=None)]}],
                        admin_entities={"Users": {"User": [{"UserName": "a"}]}})
    found = rules.evaluate(state, NOW)
    assert ids(found) == [("user_admin_access", "a"), ("access_key_inactive", "a/A1"),
                          ("access_key_inactive", "b/B1"), ("access_key_never_used", "a/A2")]


def test_every_finding_has_the_documented_fields():
    state = clean_state(users=[{"name": "u", "keys": [key("A", "Inactive")]}])
    [item] = rules.evaluate(state, NOW)
    assert set(item) == {"id", "severity", "title", "resource_type", "resource_name", "message", "recommendation"}


# --- password policy -------------------------------------------------------------------------

def test_strong_password_policy_passes():
    assert rules.check_password_policy(STRONG_POLICY, ACCOUNT, 14) == []


@pytest.mark.parametrize("change, words", [
    ({"MinimumPasswordLength": 8}, "as short as 8 characters (at least 14"),
    ({"RequireSymbols": False, "RequireNumbers": False}, "digits, symbols not required"),
    ({"MaxLoginAttemps": 0}, "no limit"),
    ({"MaxLoginAttemps": 10}, "limit 10"),
    ({"MaxPasswordAge": 0}, "never"),
    ({"MaxPasswordAge": 180}, "180 days"),
    ({"PasswordReusePrevention": 1}, "1 remembered"),
])
def test_each_password_weakness_is_named(change, words):
    [item] = rules.check_password_policy(dict(STRONG_POLICY, **change), ACCOUNT, 14)
    assert item["id"] == "password_policy_weak" and words in item["message"]


def test_password_length_threshold_is_an_option():
    assert rules.check_password_policy(dict(STRONG_POLICY, MinimumPasswordLength=10), ACCOUNT, 10) == []


def test_unread_password_policy_gives_no_finding():
    assert rules.check_password_policy(None, ACCOUNT, 14) == []


# --- security preference and console MFA ------------------------------------------------------

def test_security_preference_findings():
    bad = {"LoginProfilePreference": {"EnableSaveMFATicket": True, "LoginNetworkMasks": ""},
           "MFAPreference": {"AllowUserToManageMFADevices": False}}
    assert sorted(f["id"] for f in rules.check_security_preference(bad, ACCOUNT)) == [
        "console_login_unrestricted", "mfa_self_service_disabled", "mfa_ticket_saved"]
    assert rules.check_security_preference(GOOD_PREFERENCE, ACCOUNT) == []


def console(name, mfa=False, required=False):
    return {"name": name, "login_profile": {"UserName": name, "MFABindRequired": required},
            "mfa_device": {"SerialNumber": "acs:ram::1:mfa/%s" % name} if mfa else None}


def test_console_user_without_mfa_and_account_not_enforcing():
    found = rules.check_console_users([console("alice"), console("bob", mfa=True)], ACCOUNT, None)
    assert ids(found) == [("console_user_without_mfa", "alice"), ("console_mfa_not_enforced", ACCOUNT)]
    assert "1 of 2 console users" in found[1]["message"] and "alice" in found[1]["message"]
    assert found[0]["severity"] == "high"


def test_mfa_required_at_next_logon_is_pending_and_counts_as_enforced():
    found = rules.check_console_users([console("carol", required=True)], ACCOUNT, None)
    assert ids(found) == [("console_user_mfa_pending", "carol")]
    assert found[0]["severity"] == "medium"


def test_every_console_user_with_mfa_is_clean():
    assert rules.check_console_users([console("a", mfa=True), console("b", mfa=True, required=True)],
                                     ACCOUNT, None) == []


def test_account_wide_mfa_setting_when_the_service_returns_one():
    mandatory = {"LoginProfilePreference": {"MFAOperationForLogin": "mandatory"}}
    independent = {"LoginProfilePreference": {"MFAOperationForLogin": "independent"}}
    assert rules.account_mfa_mode(mandatory) is True
    assert rules.account_mfa_mode(independent) is False
    assert rules.account_mfa_mode({"LoginProfilePreference": {"EnforceMFAForLogin": True}}) is True
    assert rules.account_mfa_mode(GOOD_PREFERENCE) is None
    # mandatory for all: a user without a device must bind one at logon
    assert ids(rules.check_console_users([console("d")], ACCOUNT, True)) == [("console_user_mfa_pending", "d")]
    # not mandatory: reported for the account even when every console user has MFA
    assert ids(rules.check_console_users([console("e", mfa=True)], ACCOUNT, False)) == [
        ("console_mfa_not_enforced", ACCOUNT)]


def test_console_checks_not_run_leave_no_finding():
    assert rules.evaluate(clean_state(console_users=None), NOW) == []


# --- administrators --------------------------------------------------------------------------

def test_admin_users_and_groups_with_members():
    entities = {"Users": {"User": [{"UserName": "root-like"}]},
                "Groups": {"Group": [{"GroupName": "admins"}, {"GroupName": "empty"}]},
                "Roles": {"Role": [{"RoleName": "ops"}]}}
    found = rules.check_admins(entities, {"admins": ["zed", "amy"]})
    assert ids(found) == [("user_admin_access", "root-like"), ("group_admin_access", "admins"),
                          ("group_admin_access", "empty")]
    assert "2 members: amy, zed" in found[1]["message"] and "no members yet" in found[2]["message"]


# --- access keys -----------------------------------------------------------------------------

def keys_found(keys, max_age=90, max_unused=90):
    return ids(rules.check_access_keys("u", keys, NOW, max_age, max_unused))


def test_fresh_used_key_is_fine():
    assert keys_found([key("A", created_days=10, last_used_days=1)]) == []


def test_old_key():
    assert keys_found([key("A", created_days=91)]) == [("access_key_too_old", "u/A")]
    assert keys_found([key("A", created_days=90)]) == []  # exactly 90 days: not older than 90
    assert keys_found([key("A", created_days=0)], max_age=0) == []  # created this very second


def test_zero_days_threshold_reports_any_key_older_than_now():
    keys = [dict(key("A"), CreateDate=ago(seconds=5), LastUsedDate=ago(seconds=2))]
    assert keys_found(keys, max_age=0, max_unused=0) == [("access_key_too_old", "u/A"), ("access_key_unused", "u/A")]


def test_unused_and_never_used_keys():
    assert keys_found([key("A", last_used_days=91)]) == [("access_key_unused", "u/A")]
    assert keys_found([key("A", last_used_days=None, created_days=3)]) == [("access_key_never_used", "u/A")]


def test_last_use_not_read_gives_neither_unused_nor_never_used():
    assert keys_found([key("A", created_days=3, last_used=False)]) == []


def test_inactive_key_only_reported_as_inactive():
    assert keys_found([key("A", "Inactive", created_days=400, last_used_days=None)]) == [
        ("access_key_inactive", "u/A")]


def test_two_active_keys():
    found = rules.check_access_keys("u", [key("A"), key("B")], NOW, 90, 90)
    assert ids(found) == [("user_multiple_active_keys", "u")]
    assert "A, B" in found[0]["message"]
    assert keys_found([key("A"), key("B", "Inactive")]) == [("access_key_inactive", "u/B")]


def test_unparsable_dates_are_not_guessed():
    assert keys_found([{"AccessKeyId": "A", "Status": "Active", "CreateDate": "yesterday",
                        "LastUsedDate": "soon"}]) == []
    assert rules.parse_date("2026-11-23T10:00:00.123Z").year == 2026
    assert rules.parse_date(None) is None


# --- summary and the Markdown file ------------------------------------------------------------

def test_summary_counts_every_severity():
    state = clean_state(users=[{"name": "u", "keys": [key("A", "Inactive"), key("B", created_days=100)]}])
    summary = rules.summarize(rules.evaluate(state, NOW))
    assert summary == {"total": 2, "by_severity": {"high": 0, "medium": 1, "low": 1, "info": 0},
                       "by_check": {"access_key_too_old": 1, "access_key_inactive": 1}}


def render(state, skip=()):
    findings = rules.evaluate(state, NOW, skip=skip)
    thresholds = dict(max_key_age_days=90, max_key_unused_days=90, min_password_length=14)
    return markdown.render_markdown(ACCOUNT, state["identity"], findings, rules.summarize(findings),
                                    rules.count_checked(state, skip), thresholds)


def test_markdown_has_chart_table_and_no_timestamp():
    state = clean_state(users=[{"name": "u|x", "keys": [key("A", "Inactive")]}],
                        console_users=[console("alice")])
    text = render(state)
    assert text.startswith("# RAM security report: account %s\n" % ACCOUNT)
    assert '```mermaid\npie showData title Findings by severity\n    "high" : 1\n' in text
    assert '"info"' not in text  # empty slices are left out
    assert "| high | `console_user_without_mfa` | user `alice` |" in text
    assert "u\\|x/A" in text  # a pipe cannot break the table
    assert render(state) == text  # deterministic
    assert "ago" not in text and "T12:00" not in text  # no age, no time: the same state gives the same file


def test_markdown_of_a_clean_account():
    text = render(clean_state())
    assert "No findings" in text and "mermaid" not in text
    assert "`acs:ram::%s:user/auditor` (RAMUser)" % ACCOUNT in text


def test_markdown_names_skipped_checks():
    assert "Skipped checks: `user_admin_access`." in render(clean_state(), skip=("user_admin_access",))


# --- call counting ---------------------------------------------------------------------------

class FakeClient:
    def __init__(self):
        self.sent = []

    def call(self, action, **params):
        self.sent.append(action)
        return {}

    def paginate(self, action, wrapper, item, **params):
        self.call(action, **params)
        return []


def test_call_counter_counts_through_paginate():
    counter = facts.CallCounter()
    client = counter.wrap(FakeClient())
    client.call("GetUser", UserName="a")
    client.paginate("ListUsers", "Users", "User")
    assert counter.counts == {"GetUser": 1, "ListUsers": 1}


# --- collecting the facts ----------------------------------------------------------------------

def account(**answers):
    defaults = {
        "GetCallerIdentity": {"IdentityType": "RAMUser", "AccountId": ACCOUNT, "Arn": RAM_USER["arn"],
                              "RequestId": "r"},
        "ListUsers": {"Users": {"User": [{"UserName": "bob"}, {"UserName": "alice"}]}},
        "ListGroups": {"Groups": {"Group": [{"GroupName": "admins"}]}},
        "ListEntitiesForPolicy": {"Groups": {"Group": [{"GroupName": "admins"}]}},
        "ListUsersForGroup": missing("ListUsersForGroup", "EntityNotExist.Group"),  # deleted meanwhile
        "ListAccessKeys": lambda p: ({"AccessKeys": {"AccessKey": [{"AccessKeyId": "K1", "Status": "Active"}]}}
                                     if p["UserName"] == "alice" else missing("ListAccessKeys", "EntityNotExist.User")),
        "GetAccessKeyLastUsed": {"AccessKeyLastUsed": {"LastUsedDate": None}},
        "GetLoginProfile": lambda p: ({"LoginProfile": {"MFABindRequired": False}} if p["UserName"] == "alice"
                                      else missing("GetLoginProfile", "EntityNotExist.User.LoginProfile")),
        "GetUserMFAInfo": missing("GetUserMFAInfo", "EntityNotExist.User.MFADevice"),
    }
    defaults.update(answers)
    return FakeRam(defaults), FakeRam(defaults)


def test_collect_reads_the_facts_and_skips_what_vanished():
    ram, sts = account()
    state, calls = facts.collect(ram, sts, skip=())
    assert state["identity"]["is_root"] is False and state["account_id"] == ACCOUNT
    assert state["admin_group_members"] == {"admins": []}
    assert state["users"] == [{"name": "alice", "keys": [{"AccessKeyId": "K1", "Status": "Active", "CreateDate": None,
                                                          "LastUsedDate": None}]},
                              {"name": "bob", "keys": []}]
    assert [u["name"] for u in state["console_users"]] == ["alice"]
    assert calls["ListAccessKeys"] == 2 and calls["GetCallerIdentity"] == 1
    assert ram.writes() == [] and sts.actions() == ["GetCallerIdentity"]


def test_skipped_checks_skip_their_calls():
    ram, sts = account()
    skip = tuple(catalogue.KEY_CHECKS + catalogue.CONSOLE_CHECKS + catalogue.ADMIN_CHECKS)
    state, calls = facts.collect(ram, sts, skip=skip)
    assert set(calls) == {"GetCallerIdentity", "GetPasswordPolicy", "GetSecurityPreference", "ListUsers", "ListGroups"}
    assert state["console_users"] is None and all(u["keys"] is None for u in state["users"])


# --- the report file ---------------------------------------------------------------------------

def test_report_file_is_written_only_when_it_changes(tmp_path):
    path = str(tmp_path / "sub" / "report.md")
    assert report_file.write_report(path, "one", check_mode=True) == (True, None)
    assert not os.path.exists(path)
    assert report_file.write_report(path, "one") == (True, None)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
    assert report_file.write_report(path, "one") == (False, "one")
    os.chmod(path, 0o600)
    assert report_file.write_report(path, "two") == (True, "one")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and open(path, encoding="utf-8").read() == "two"
    assert os.listdir(os.path.dirname(path)) == ["report.md"]  # no temporary file left behind


def test_a_directory_is_refused_before_any_call(tmp_path):
    ram, _sts = account()
    params = dict((name, spec.get("default")) for name, spec in REPORT.argument_spec.items())
    params.update(summary_file=str(tmp_path))
    with pytest.raises(InputError) as info:
        run_report(make_task(params, ram))
    assert info.value.option == "summary_file" and "report.md" in str(info.value) and ram.calls == []
