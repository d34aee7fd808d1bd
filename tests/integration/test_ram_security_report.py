"""ram_security_report, ram_caller_identity_info and playbooks/security_report.yml against the local services.

The account state is seeded with the SDK (``ram`` fixture): one user per problem the report must find,
plus users that are fine and must not be reported. The shared sandbox holds other tests' users too,
so assertions look only at this module's resources; the clean-account case gets a sandbox of its own.
"""

import json
import math
import os
import shutil
import tempfile
import time
import uuid

import pyotp
import pytest
import yaml
from alibabacloud_ram20150501 import models as ram_models

from conftest import REPO, AnsibleRunner, Sandbox
from test_shell_parity import assert_same_results, run_logged

pytestmark = pytest.mark.integration

PLAYBOOK = os.path.join(REPO, "playbooks", "security_report.yml")
PASSWORD = "Sr-Passw0rd!-%s" % uuid.uuid4().hex[:6]  # not secret (sandbox), still must not leak


def caller_identity(sandbox, key_id, secret):
    """Use a key for real: STS GetCallerIdentity signed with it (records the key's last use)."""
    from alibabacloud_sts20150401.client import Client
    from alibabacloud_tea_openapi import models as open_api_models

    protocol, host = sandbox.ram_url.split("://", 1)
    client = Client(open_api_models.Config(access_key_id=key_id, access_key_secret=secret, endpoint=host,
                                           protocol=protocol, ca=sandbox.ca_bundle))
    return client.get_caller_identity().body


def bind_mfa(ram, user_name):
    device = ram.create_virtual_mfadevice(ram_models.CreateVirtualMFADeviceRequest(
        virtual_mfadevice_name=user_name)).body.virtual_mfadevice
    totp = pyotp.TOTP(device.base_32string_seed)
    step = totp.timecode(int(time.time()))
    ram.bind_mfadevice(ram_models.BindMFADeviceRequest(
        user_name=user_name, serial_number=device.serial_number,
        authentication_code_1=totp.generate_otp(step), authentication_code_2=totp.generate_otp(step + 1)))


def new_key(ram, user_name):
    return ram.create_access_key(ram_models.CreateAccessKeyRequest(user_name=user_name)).body.access_key


@pytest.fixture(scope="module")
def seeded(sandbox, ram):
    """One user (or group) per problem, and some that are fine. Returns names, key ids and secrets."""
    p = "sr%s" % uuid.uuid4().hex[:6]
    names = dict((role, "%s-%s" % (p, role)) for role in (
        "console", "pending", "mfa", "twokeys", "inactive", "used", "admin", "clean", "admins"))
    for role, name in names.items():
        if role != "admins":
            ram.create_user(ram_models.CreateUserRequest(user_name=name))
    for role, mfa_required in (("console", False), ("pending", True), ("mfa", False)):
        ram.create_login_profile(ram_models.CreateLoginProfileRequest(
            user_name=names[role], password=PASSWORD, mfabind_required=mfa_required))
    bind_mfa(ram, names["mfa"])
    keys = {"twokeys": [new_key(ram, names["twokeys"]), new_key(ram, names["twokeys"])],
            "inactive": [new_key(ram, names["inactive"])],
            "used": [new_key(ram, names["used"])],
            "clean": [new_key(ram, names["clean"])]}
    ram.update_access_key(ram_models.UpdateAccessKeyRequest(
        user_name=names["inactive"], user_access_key_id=keys["inactive"][0].access_key_id, status="Inactive"))
    for role in ("used", "clean"):
        caller_identity(sandbox, keys[role][0].access_key_id, keys[role][0].access_key_secret)
    ram.attach_policy_to_user(ram_models.AttachPolicyToUserRequest(
        policy_type="System", policy_name="AdministratorAccess", user_name=names["admin"]))
    ram.create_group(ram_models.CreateGroupRequest(group_name=names["admins"]))
    ram.attach_policy_to_group(ram_models.AttachPolicyToGroupRequest(
        policy_type="System", policy_name="AdministratorAccess", group_name=names["admins"]))
    ram.add_user_to_group(ram_models.AddUserToGroupRequest(group_name=names["admins"], user_name=names["console"]))
    time.sleep(1.1)  # "unused for 0 days" needs a last use strictly in the past (dates have whole seconds)
    key_id = dict((role, [k.access_key_id for k in items]) for role, items in keys.items())
    secrets = [k.access_key_secret for items in keys.values() for k in items]
    return dict(prefix=p, names=names, keys=key_id, secrets=secrets, account=sandbox.root["account_id"])


def pairs(findings):
    return set("%s:%s" % (f["id"], f["resource_name"]) for f in findings)


def run_report(ansible, tmp_path, options=None, **kwargs):
    """Run the module once; returns (PlaybookRun, result dict)."""
    out = tmp_path / ("result-%s.json" % uuid.uuid4().hex[:6])
    run = ansible.run_tasks([
        {"name": "Report", "cloudbroker.alibaba.ram_security_report": options or {}, "register": "r"},
        {"name": "Keep the result", "ansible.builtin.copy": {"content": "{{ r | to_json }}", "dest": str(out),
                                                             "mode": "0600"}},
    ], **kwargs).assert_ok()
    return run, json.loads(out.read_text())


def expected_and_unexpected(seeded):
    n, k, account = seeded["names"], seeded["keys"], seeded["account"]
    expected = [
        "root_account_in_use:%s" % account,
        "console_user_without_mfa:%s" % n["console"],
        "console_user_mfa_pending:%s" % n["pending"],
        "console_mfa_not_enforced:%s" % account,
        "user_admin_access:%s" % n["admin"],
        "group_admin_access:%s" % n["admins"],
        "user_multiple_active_keys:%s" % n["twokeys"],
        "access_key_inactive:%s/%s" % (n["inactive"], k["inactive"][0]),
        "access_key_too_old:%s/%s" % (n["twokeys"], k["twokeys"][0]),
        "access_key_too_old:%s/%s" % (n["twokeys"], k["twokeys"][1]),
        "access_key_never_used:%s/%s" % (n["twokeys"], k["twokeys"][0]),
        "access_key_never_used:%s/%s" % (n["twokeys"], k["twokeys"][1]),
        "access_key_unused:%s/%s" % (n["used"], k["used"][0]),
    ]
    unexpected = [
        "console_user_without_mfa:%s" % n["mfa"], "console_user_mfa_pending:%s" % n["mfa"],
        "console_user_without_mfa:%s" % n["pending"], "console_user_mfa_pending:%s" % n["console"],
        "access_key_never_used:%s/%s" % (n["used"], k["used"][0]),
        "access_key_never_used:%s/%s" % (n["inactive"], k["inactive"][0]),
        "access_key_too_old:%s/%s" % (n["inactive"], k["inactive"][0]),
        "user_multiple_active_keys:%s" % n["inactive"],
        "user_admin_access:%s" % n["console"],  # holds it through the group only
    ]
    unexpected += ["%s:%s" % (check, n["clean"])
                   for check in ("user_admin_access", "console_user_without_mfa", "user_multiple_active_keys")]
    return expected, unexpected


def test_target_refuses_to_prove_nothing(ansible, sandbox, tmp_path):
    """Without expected findings the target fails at once (it used to pass, checking nothing)."""
    sandbox.reset_counters("ram")
    run = ansible.run_target("ram_security_report", extra_vars={"report_dir": str(tmp_path)})
    assert run.rc != 0 and "Set expected_findings (not empty)" in run.output
    assert sandbox.counters("ram") == {}


def test_target_finds_every_seeded_problem(ansible, seeded, tmp_path):
    """check -> apply -> check -> apply on the report file, and each seeded finding by id and resource."""
    expected, unexpected = expected_and_unexpected(seeded)
    run = ansible.run_target("ram_security_report", extra_vars={
        "report_dir": str(tmp_path), "max_key_age_days": 0, "max_key_unused_days": 0,
        "expected_findings": expected, "unexpected_findings": unexpected}, verbosity=2).assert_ok()
    # changed: the first check-mode run, the run that wrote the file, the check-mode run to a new file
    assert run.recap()["localhost"]["changed"] == 3
    [report] = list(tmp_path.glob("*/report.md"))
    text = report.read_text()
    assert "```mermaid\npie showData title Findings by severity" in text
    for name in seeded["names"].values():
        if not name.endswith(("-mfa", "-clean")):
            assert name in text
    for secret in seeded["secrets"] + [ansible.sandbox.root["access_key_secret"], PASSWORD]:
        assert secret not in text
        assert secret not in run.output


def test_default_thresholds_and_call_counts(ansible, sandbox, seeded, tmp_path):
    """Fresh keys are neither old nor unused at 90 days; api_calls matches the service's counters and
    stays O(users + keys)."""
    n, k = seeded["names"], seeded["keys"]
    sandbox.reset_counters("ram")
    _run, result = run_report(ansible, tmp_path)
    assert result["api_calls"] == sandbox.counters("ram")
    found = pairs(result["findings"])
    assert "access_key_unused:%s/%s" % (n["used"], k["used"][0]) not in found
    assert not [f for f in found if f.startswith("access_key_too_old:%s-" % seeded["prefix"])]
    assert "access_key_never_used:%s/%s" % (n["twokeys"], k["twokeys"][0]) in found
    group = next(f for f in result["findings"] if f["id"] == "group_admin_access"
                 and f["resource_name"] == n["admins"])
    assert n["console"] in group["message"] and group["severity"] == "medium"
    root = next(f for f in result["findings"] if f["id"] == "root_account_in_use")
    assert root["severity"] == "high" and result["caller_identity"]["is_root"] is True
    assert result["changed"] is False and "summary_file" not in result

    checked, calls = result["checked"], result["api_calls"]
    admin_groups = len([f for f in result["findings"] if f["id"] == "group_admin_access"])
    for action in ("GetCallerIdentity", "GetPasswordPolicy", "GetSecurityPreference", "ListEntitiesForPolicy"):
        assert calls[action] == 1
    pages = max(1, math.ceil(checked["users"] / 100.0))
    assert calls["ListUsers"] == pages
    assert calls["ListAccessKeys"] == calls["GetLoginProfile"] == checked["users"]
    assert calls.get("GetUserMFAInfo", 0) == checked["console_users"]
    assert calls.get("GetAccessKeyLastUsed", 0) == checked["active_access_keys"]
    assert calls.get("ListUsersForGroup", 0) == admin_groups
    fixed = 4 + pages + calls["ListGroups"] + admin_groups
    assert sum(calls.values()) == (fixed + 2 * checked["users"] + checked["console_users"]
                                   + checked["active_access_keys"])


def test_skipped_checks_skip_their_calls(ansible, seeded, tmp_path):
    skip = ["access_key_too_old", "access_key_unused", "access_key_never_used", "access_key_inactive",
            "user_multiple_active_keys", "console_user_without_mfa", "console_user_mfa_pending",
            "console_mfa_not_enforced", "root_account_in_use"]
    _run, result = run_report(ansible, tmp_path, {"skip_checks": skip})
    assert not set(result["api_calls"]) & {"ListAccessKeys", "GetAccessKeyLastUsed", "GetLoginProfile",
                                           "GetUserMFAInfo"}
    assert not [f for f in result["findings"] if f["id"] in skip]
    assert result["checked"]["skipped_checks"] == sorted(skip)
    assert "user_admin_access:%s" % seeded["names"]["admin"] in pairs(result["findings"])


def test_caller_identity_of_root_of_a_ram_user_and_of_a_rejected_key(ansible, sandbox, ram, seeded, tmp_path):
    user = "%s-ident" % seeded["prefix"]
    ram.create_user(ram_models.CreateUserRequest(user_name=user))
    key, inactive = new_key(ram, user), new_key(ram, user)
    ram.update_access_key(ram_models.UpdateAccessKeyRequest(
        user_name=user, user_access_key_id=inactive.access_key_id, status="Inactive"))
    out = tmp_path / "identity.json"
    run = ansible.run_tasks([
        {"name": "Me", "cloudbroker.alibaba.ram_caller_identity_info": {}, "register": "me", "check_mode": True},
        {"name": "Another key", "cloudbroker.alibaba.ram_caller_identity_info": {
            "access_key_id_to_check": key.access_key_id, "access_key_secret_to_check": "{{ good_secret }}"},
         "register": "other"},
        {"name": "An inactive key", "cloudbroker.alibaba.ram_caller_identity_info": {
            "access_key_id_to_check": inactive.access_key_id, "access_key_secret_to_check": "{{ bad_secret }}"},
         "register": "rejected", "ignore_errors": True},
        {"name": "Keep", "ansible.builtin.copy": {
            "content": "{{ {'me': me, 'other': other, 'rejected': rejected} | to_json }}",
            "dest": str(out), "mode": "0600"}},
    ], extra_vars={"good_secret": key.access_key_secret, "bad_secret": inactive.access_key_secret},
        verbosity=3).assert_ok()
    result = json.loads(out.read_text())
    me, other = result["me"]["caller_identity"], result["other"]["caller_identity"]
    assert me["identity_type"] == "Account" and me["is_root"] is True
    assert me["account_id"] == sandbox.root["account_id"] and me["arn"].endswith(":root")
    assert other["identity_type"] == "RAMUser" and other["is_root"] is False
    assert other["arn"] == "acs:ram::%s:user/%s" % (sandbox.root["account_id"], user)
    assert not result["me"]["changed"] and not result["other"]["changed"]
    rejected = result["rejected"]
    assert rejected["failed"] and rejected["error"]["code"] == "InvalidAccessKeyId.Inactive"
    assert "Traceback" not in run.output
    for secret in (key.access_key_secret, inactive.access_key_secret, sandbox.root["access_key_secret"]):
        assert secret not in run.output


def write_inventory(path, hosts):
    with open(path, "w", encoding="utf-8") as handle:
        yaml.safe_dump({"alibaba_accounts": {"hosts": hosts}}, handle)
    return str(path)


def test_playbook_reports_every_account(ansible, sandbox, seeded, tmp_path):
    """Two inventory hosts (one with cloudbroker_ram_endpoint): one report each, a summary line each."""
    inventory = write_inventory(tmp_path / "hosts.yml", {
        "acct-a": {"cloudbroker_ram_endpoint": sandbox.ram_url}, "acct-b": None})
    reports = tmp_path / "reports"
    run = ansible.run(PLAYBOOK, inventory=inventory, extra_vars={"security_report_dir": str(reports)}).assert_ok()
    for host in ("acct-a", "acct-b"):
        text = (reports / ("%s.md" % host)).read_text()
        assert "# RAM security report: account %s" % sandbox.root["account_id"] in text
        assert "root_account_in_use" in text
        assert "%s: account %s" % (host, sandbox.root["account_id"]) in run.stdout
    assert run.recap()["acct-a"]["changed"] == 1 and run.recap()["acct-b"]["changed"] == 1
    for secret in seeded["secrets"] + [sandbox.root["access_key_secret"]]:
        assert secret not in run.output


@pytest.fixture(scope="module")
def clean_account():
    """A sandbox of its own, set up the way the report wants it, with a read-only auditor user."""
    workdir = tempfile.mkdtemp(prefix="cb-sr-clean-")
    services = Sandbox(os.path.join(workdir, "state"))
    try:
        os.makedirs(os.path.join(workdir, "ansible", "tmp"))
        runner = AnsibleRunner(services, os.path.join(workdir, "ansible"))
        key_file = os.path.join(workdir, "auditor-key.json")
        runner.run_tasks([
            {"name": "Strong password policy", "cloudbroker.alibaba.ram_password_policy": {
                "minimum_password_length": 14, "require_lowercase_characters": True,
                "require_uppercase_characters": True, "require_numbers": True, "require_symbols": True,
                "max_password_age": 90, "password_reuse_prevention": 5, "max_login_attempts": 5}},
            {"name": "Security preference", "cloudbroker.alibaba.ram_security_preference": {
                "allow_user_to_manage_mfa_devices": True, "enable_save_mfa_ticket": False,
                "login_network_masks": ["192.0.2.0/24"]}},
            {"name": "Read-only auditor", "cloudbroker.alibaba.ram_user": {
                "name": "auditor", "policies": ["AliyunRAMReadOnlyAccess"]}},
            {"name": "Its key", "cloudbroker.alibaba.ram_access_key": {
                "user_name": "auditor", "secret_file": key_file}},
        ]).assert_ok()
        with open(key_file, encoding="utf-8") as handle:
            key = json.load(handle)
        yield dict(sandbox=services, runner=runner, key=key, workdir=workdir)
    finally:
        services.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def test_clean_account_reports_clean_through_the_playbook(clean_account, tmp_path):
    runner, key = clean_account["runner"], clean_account["key"]
    env = {"ALIBABA_CLOUD_ACCESS_KEY_ID": key["access_key_id"],
           "ALIBABA_CLOUD_ACCESS_KEY_SECRET": key["access_key_secret"]}
    inventory = write_inventory(tmp_path / "hosts.yml", {"clean-account": None})
    reports = tmp_path / "reports"
    report = reports / "clean-account.md"
    extra = {"security_report_dir": str(reports)}

    check = runner.run(PLAYBOOK, inventory=inventory, extra_vars=extra, extra_env=env, check=True).assert_ok()
    assert check.recap()["clean-account"]["changed"] == 1
    assert not report.exists() and not reports.exists()

    first = runner.run(PLAYBOOK, inventory=inventory, extra_vars=extra, extra_env=env).assert_ok()
    assert first.recap()["clean-account"]["changed"] == 1
    assert "clean-account: account %s - 0 findings" % clean_account["sandbox"].root["account_id"] in first.stdout
    text = report.read_text()
    assert "No findings" in text and "`acs:ram::%s:user/auditor` (RAMUser)" % (
        clean_account["sandbox"].root["account_id"]) in text
    assert oct(os.stat(report).st_mode & 0o777) == "0o644"

    second = runner.run(PLAYBOOK, inventory=inventory, extra_vars=extra, extra_env=env).assert_ok()
    assert second.recap()["clean-account"]["changed"] == 0
    assert report.read_text() == text
    for secret in (key["access_key_secret"], clean_account["sandbox"].root["access_key_secret"]):
        for output in (check.output, first.output, second.output, text):
            assert secret not in output


def test_both_shells_report_the_same(clean_account, tmp_path):
    """The target through the action plugin (on the controller) and through the module (a connection that
    is not local), on an account of its own so that nothing changes between the two runs; the report file
    is removed in between so that both runs write it to the same path."""
    reports = tmp_path / "reports"
    variables = {"report_dir": str(reports), "unexpected_findings": [],
                 "expected_findings": ["root_account_in_use:%s" % clean_account["sandbox"].root["account_id"]]}
    prefix = "p%s" % uuid.uuid4().hex[:8]
    runner = clean_account["runner"]
    on_controller = run_logged(runner, "ram_security_report", prefix, "local", str(tmp_path), variables)
    shutil.rmtree(str(reports))
    as_modules = run_logged(runner, "ram_security_report", prefix, "remote_local", str(tmp_path), variables)
    assert_same_results(on_controller, as_modules)
