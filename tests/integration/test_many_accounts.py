"""Many accounts through ansible-playbook: a seeded Resource Directory over HTTPS, the inventory plugin, and
every RAM call of a host made in its own account through AssumeRole from one central identity (the management
account's RAM user cloudbroker-automation). Read back: the per-account request counters of the RAM service,
the marketplace's asset accounts, the reports."""

import json
import os
import uuid

import pytest
from alibabacloud_sts20150401 import models as sts_models
from alibabacloud_sts20150401.client import Client as StsClient
from alibabacloud_tea_openapi import models as open_api_models

from conftest import AnsibleRunner, Sandbox

pytestmark = pytest.mark.integration
INVENTORY = "examples/resource_directory"
WRITES = ("Create", "Update", "Delete", "Attach", "Detach", "Add", "Remove", "Set", "Bind", "Unbind")


@pytest.fixture(scope="module")
def rd(tmp_path_factory):
    state = str(tmp_path_factory.mktemp("many-accounts"))
    services = Sandbox(os.path.join(state, "state"), seed=True, tls=True)
    runner = AnsibleRunner(services, os.path.join(state, "ansible"))
    os.makedirs(os.path.join(runner.workdir, "tmp"), exist_ok=True)
    yield services, runner
    services.set_clock_offset(0)
    services.stop()


def root_of(services, display_name):
    return next(a for a in services.accounts if a.get("display_name") == display_name and a["identity"] == "root")


def management(services):
    return next(a for a in services.accounts if a.get("management"))


def central_env(services):
    user = next(a for a in services.accounts if a.get("user_name") == "cloudbroker-automation")
    return {"ALIBABA_CLOUD_ACCESS_KEY_ID": user["access_key_id"],
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": user["access_key_secret"]}


def playbook(rd, name, limit, *args, extra_vars=None, extra_env=None):
    services, runner = rd
    env = dict(central_env(services), **(extra_env or {}))
    return runner.run(os.path.join("playbooks", name), "--limit", limit, inventory=INVENTORY,
                      extra_vars=extra_vars, extra_env=env, *args)


def one_host_inventory(path, host, account_id, management_id, **host_vars):
    """A static inventory of one directory account, shaped as the plugin makes it (the plugin itself would read
    the directory with the central credentials, which these tests want to fail)."""
    (path / "group_vars").mkdir(parents=True)
    (path / "group_vars" / "all.yml").write_text(
        open(os.path.join(INVENTORY, "group_vars", "all.yml"), encoding="utf-8").read(), encoding="utf-8")
    variables = dict({"cloudbroker_account_id": account_id, "cloudbroker_account_display_name": host,
                      "cloudbroker_folder_path": "", "cloudbroker_resource_directory_id": "rd-test",
                      "cloudbroker_management_account": False, "cloudbroker_management_account_id": management_id},
                     **host_vars)
    (path / "hosts.yml").write_text(json.dumps({"all": {"hosts": {host: variables}}}), encoding="utf-8")
    return str(path)


def onboard_with_expired_token(rd, inventory, token):
    """onboard.yml with an STS session as the central credentials, the STS clock moved past its expiry."""
    services, runner = rd
    services.set_clock_offset(901)
    try:
        services.reset_counters("ram")
        return runner.run(os.path.join("playbooks", "onboard.yml"), inventory=inventory,
                          extra_env={"ALIBABA_CLOUD_ACCESS_KEY_ID": token.access_key_id,
                                     "ALIBABA_CLOUD_ACCESS_KEY_SECRET": token.access_key_secret,
                                     "ALIBABA_CLOUD_SECURITY_TOKEN": token.security_token})
    finally:
        services.set_clock_offset(0)


def writes(counters):
    return dict((op, n) for op, n in counters.items() if op.startswith(WRITES))


def asset_accounts(rd, uids):
    """The marketplace's asset accounts ``alibaba-<uid>`` (None when missing)."""
    services, runner = rd
    out = os.path.join(runner.workdir, "assets-%s.json" % uuid.uuid4().hex[:6])
    tasks = [{"name": "read", "loop": list(uids), "register": "found",
              "cloudbroker.alibaba.marketplace_asset_account_info": {
                  "account_id": "alibaba-{{ item }}", "include_credentials": False}},
             {"ansible.builtin.copy": {"dest": out,
                                       "content": "{{ found.results | map(attribute='accounts') | to_json }}"}}]
    runner.run_tasks(tasks).assert_ok()
    with open(out, encoding="utf-8") as handle:
        found = json.load(handle)
    return dict((uid, accounts[0] if accounts else None) for uid, accounts in zip(uids, found))


def test_each_account_is_onboarded_in_itself_and_nowhere_else(rd):
    services, _runner = rd
    master = management(services)
    member, other = root_of(services, "app-production"), root_of(services, "app-development")
    services.reset_counters("ram")
    first = playbook(rd, "onboard_directory.yml", "cloudbroker-management,app-production").assert_ok()
    per_account = services.admin_request("ram", "GET", "/counters/accounts")
    assert first.recap()["app-production"]["failed"] == 0
    # Isolation: only the two accounts of the run saw requests; the other members none at all.
    assert set(per_account) <= {master["account_id"], member["account_id"]}, per_account
    assert writes(per_account[member["account_id"]]).get("CreateUser") == 1
    assert services.counters("ram", account=other["account_id"]) == {}
    # One asset account per account, its own UID as account number; the member under the master.
    assets = asset_accounts(rd, [master["account_id"], member["account_id"], other["account_id"]])
    assert assets[master["account_id"]]["account_number"] == master["account_id"]
    assert assets[master["account_id"]]["account_type"] == "master"
    assert assets[member["account_id"]]["account_number"] == member["account_id"]
    assert assets[member["account_id"]]["master_account_id"] == "alibaba-" + master["account_id"]
    assert assets[other["account_id"]] is None
    services.reset_counters("ram")
    second = playbook(rd, "onboard_directory.yml", "cloudbroker-management,app-production").assert_ok()
    assert all(counts["changed"] == 0 for counts in second.recap().values()), second.recap()
    # The member's tasks share one STS session for the run: one AssumeRole, not one per task that calls RAM.
    assert services.counters("ram").get("AssumeRole") == 1, services.counters("ram")


def test_a_role_that_does_not_trust_the_caller_is_refused_by_name_and_nothing_is_written(rd):
    services, runner = rd
    finance = root_of(services, "finance-reporting")
    role = "untrusting-%s" % uuid.uuid4().hex[:6]
    trust = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                            "Principal": {"RAM": ["acs:ram::1111222233334444:root"]}}]}
    runner.run_tasks([{"cloudbroker.alibaba.ram_role": {"name": role, "trust_policy": trust,
                                                        "policies": ["AdministratorAccess"]}}],
                     extra_env={"ALIBABA_CLOUD_ACCESS_KEY_ID": finance["access_key_id"],
                                "ALIBABA_CLOUD_ACCESS_KEY_SECRET": finance["access_key_secret"]}).assert_ok()
    arn = "acs:ram::%s:role/%s" % (finance["account_id"], role)
    services.reset_counters("ram")
    run = playbook(rd, "onboard.yml", "finance-reporting", extra_vars={"cloudbroker_assume_role_arn": arn})
    assert run.rc != 0
    assert "AssumeRole of %s was refused: NoPermission" % arn in run.output
    assert writes(services.counters("ram", account=finance["account_id"])) == {}
    assert asset_accounts(rd, [finance["account_id"]])[finance["account_id"]] is None


def test_an_expired_token_is_refused_and_nothing_is_written(rd, tmp_path):
    services, _runner = rd
    target = root_of(services, "shared-services")
    protocol, host = services.ram_url.split("://", 1)
    central = central_env(services)
    sts = StsClient(open_api_models.Config(access_key_id=central["ALIBABA_CLOUD_ACCESS_KEY_ID"],
                                           access_key_secret=central["ALIBABA_CLOUD_ACCESS_KEY_SECRET"],
                                           endpoint=host, protocol=protocol, ca=services.ca_bundle))
    arn = "acs:ram::%s:role/ResourceDirectoryAccountAccessRole" % target["account_id"]
    request = sts_models.AssumeRoleRequest(role_arn=arn, role_session_name="expiring", duration_seconds=900)
    token = sts.assume_role(request).body.credentials
    # The plugin reads the directory with the central identity: a static inventory of the one host here, as
    # the token (in the environment) is what the modules must use.
    inventory = one_host_inventory(tmp_path / "inventory", "shared-services", target["account_id"],
                                   management(services)["account_id"])
    run = onboard_with_expired_token(rd, inventory, token)
    assert run.rc != 0 and run.recap()["shared-services"]["failed"] == 1
    assert "InvalidSecurityToken.Expired" in run.output
    assert writes(services.counters("ram", account=target["account_id"])) == {}


def test_an_expired_central_token_names_the_role_it_could_not_assume_and_nothing_is_written(rd, tmp_path):
    """The central identity is itself an STS session (a role of the management account, as in a CI runner) and
    has expired: the AssumeRole into the member fails naming that member's role, and nothing is written."""
    from alibabacloud_ram20150501 import models as ram_models
    from alibabacloud_ram20150501.client import Client as RamClient

    services, _runner = rd
    target = root_of(services, "app-development")
    mgmt = management(services)
    protocol, host = services.ram_url.split("://", 1)

    def config(key_id, secret):
        return open_api_models.Config(access_key_id=key_id, access_key_secret=secret, endpoint=host,
                                      protocol=protocol, ca=services.ca_bundle)

    ram = RamClient(config(mgmt["access_key_id"], mgmt["access_key_secret"]))
    central_role = "ci-runner-%s" % uuid.uuid4().hex[:6]
    trust = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                            "Principal": {"RAM": ["acs:ram::%s:root" % mgmt["account_id"]]}}]}
    ram.create_role(ram_models.CreateRoleRequest(role_name=central_role, assume_role_policy_document=json.dumps(trust)))
    ram.attach_policy_to_role(ram_models.AttachPolicyToRoleRequest(
        role_name=central_role, policy_name="AliyunSTSAssumeRoleAccess", policy_type="System"))
    central = central_env(services)
    sts = StsClient(config(central["ALIBABA_CLOUD_ACCESS_KEY_ID"], central["ALIBABA_CLOUD_ACCESS_KEY_SECRET"]))
    token = sts.assume_role(sts_models.AssumeRoleRequest(
        role_arn="acs:ram::%s:role/%s" % (mgmt["account_id"], central_role), role_session_name="ci",
        duration_seconds=900)).body.credentials
    member_role = "acs:ram::%s:role/ResourceDirectoryAccountAccessRole" % target["account_id"]
    inventory = one_host_inventory(tmp_path / "inventory", "app-development", target["account_id"],
                                   mgmt["account_id"], cloudbroker_assume_role_arn=member_role)
    run = onboard_with_expired_token(rd, inventory, token)
    assert run.rc != 0 and run.recap()["app-development"]["failed"] == 1
    assert "AssumeRole of %s was refused" % member_role in run.output
    assert "InvalidSecurityToken.Expired" in run.output
    assert token.access_key_secret not in run.output and token.security_token not in run.output
    assert writes(services.counters("ram", account=target["account_id"])) == {}


def test_the_security_report_of_a_member_is_about_that_member(rd, tmp_path):
    services, runner = rd
    shared, production = root_of(services, "shared-services"), root_of(services, "app-production")
    admin = "admin-only-in-shared-%s" % uuid.uuid4().hex[:6]
    runner.run_tasks([{"cloudbroker.alibaba.ram_user": {"name": admin, "policies": ["AdministratorAccess"]}}],
                     extra_env={"ALIBABA_CLOUD_ACCESS_KEY_ID": shared["access_key_id"],
                                "ALIBABA_CLOUD_ACCESS_KEY_SECRET": shared["access_key_secret"]}).assert_ok()
    playbook(rd, "security_report.yml", "shared-services,app-production",
             extra_vars={"security_report_dir": str(tmp_path)}).assert_ok()
    shared_report = (tmp_path / "shared-services.md").read_text(encoding="utf-8")
    production_report = (tmp_path / "app-production.md").read_text(encoding="utf-8")
    assert admin in shared_report and shared["account_id"] in shared_report
    assert admin not in production_report and production["account_id"] in production_report


def test_offboarding_one_member_leaves_the_others_untouched(rd):
    services, _runner = rd
    master = management(services)
    leaving, staying = root_of(services, "app-development"), root_of(services, "finance-reporting")
    playbook(rd, "onboard_directory.yml", "cloudbroker-management,app-development,finance-reporting").assert_ok()
    services.reset_counters("ram")
    playbook(rd, "offboard.yml", "app-development", extra_vars={"offboard_confirm": True}).assert_ok()
    per_account = services.admin_request("ram", "GET", "/counters/accounts")
    assert writes(per_account[leaving["account_id"]]).get("DeleteUser") == 1
    assert not writes(per_account.get(staying["account_id"], {}))
    assert not writes(per_account.get(master["account_id"], {}))
    assets = asset_accounts(rd, [master["account_id"], leaving["account_id"], staying["account_id"]])
    assert assets[leaving["account_id"]] is None
    assert assets[staying["account_id"]]["master_account_id"] == "alibaba-" + master["account_id"]
    assert assets[master["account_id"]] is not None


def test_an_invited_member_is_left_out_with_what_to_do_then_onboarded_with_its_own_key(rd, tmp_path):
    """onboard_directory.yml: a member that joined by invitation has no access role; without its own key it is
    left out (the message says what to do) while the others are onboarded; with its key in
    rd_member_credentials_files the role is made in that account with that key, and the member is onboarded
    through it. The access-role play runs for the invited member only (the inventory plugin's groups)."""
    services, _runner = rd
    partner, master = root_of(services, "acquired-partner"), management(services)
    limit = "cloudbroker-management,acquired-partner,finance-reporting"
    services.reset_counters("ram")
    left_out = playbook(rd, "onboard_directory.yml", limit).assert_ok()
    assert "SKIPPED acquired-partner (account %s)" % partner["account_id"] in left_out.output
    assert "rd_member_credentials_files" in left_out.output
    assert services.counters("ram", account=partner["account_id"]) == {}
    assert left_out.recap()["finance-reporting"]["failed"] == 0
    assert asset_accounts(rd, [partner["account_id"]])[partner["account_id"]] is None
    # the created member and the management account run no task of the access-role play
    access_play = left_out.output.split("PLAY [")[1]
    assert access_play.startswith("Resource Directory access role"), access_play
    assert "ok: [acquired-partner]" in access_play.split("Can the central identity assume the role already?")[1]
    assert "finance-reporting" not in access_play and "cloudbroker-management" not in access_play, access_play

    key_file = tmp_path / "partner.json"
    key_file.write_text(json.dumps({"access_key_id": partner["access_key_id"],
                                    "access_key_secret": partner["access_key_secret"]}), encoding="utf-8")
    services.reset_counters("ram")
    onboarded = playbook(rd, "onboard_directory.yml", limit,
                         extra_vars={"rd_member_credentials_files": {partner["account_id"]: str(key_file)}}).assert_ok()
    assert partner["access_key_secret"] not in onboarded.output
    counters = services.counters("ram", account=partner["account_id"])
    assert counters.get("CreateRole") == 1 and counters.get("CreateUser") == 1, counters
    asset = asset_accounts(rd, [partner["account_id"]])[partner["account_id"]]
    assert asset["master_account_id"] == "alibaba-" + master["account_id"]

    # Now the role is there: no key needed, nothing changes.
    again = playbook(rd, "onboard_directory.yml", limit).assert_ok()
    assert "SKIPPED" not in again.output
    assert all(counts["changed"] == 0 for counts in again.recap().values()), again.recap()
