"""Bad inputs to playbooks/onboard.yml: each refused with a message naming the host, the variable and what is
allowed, and not one write in either service.

The variable cases share one ``ansible-playbook`` run: every host is checked before any host makes its first remote
call, so one inventory of many bad hosts checks all their messages at once. Inputs that only a remote call can find
wrong (an unreachable endpoint, wrong or disabled credentials) get their own runs, with a good host.
"""

import json
import os
import re
import shutil
import tempfile

import pytest
import yaml
from alibabacloud_ram20150501 import models as ram_models
from conftest import REPO, AnsibleRunner, Sandbox, ram_client

pytestmark = pytest.mark.integration

INVENTORY = os.path.join(REPO, "examples", "inventory")
ONBOARD = os.path.join(REPO, "playbooks", "onboard.yml")
API = "/cb-credential-service/api/v2.0"
RAM_WRITE = re.compile(r"^(Create|Update|Delete|Attach|Detach|Add|Remove|Set|Bind|Unbind|Change|Enable|Disable)")

GOOD = {
    "ram_onboarding_user_name": "cb-bad-input",
    "marketplace_onboarding_account_name": "Bad input",
    "marketplace_onboarding_credential_name": "bad-input",
    "marketplace_onboarding_credential_purpose": ["Provisioning"],
    "marketplace_onboarding_teams": ["team-a"],
}
SECRET = "s3cret-never-shown"
DOCUMENT = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "oss:GetObject", "Resource": "*"}]}
HUGE_DOCUMENT = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["oss:Get%05d" % n for n in range(700)],
                                                "Resource": "*"}]}

# (case id, change to GOOD (None removes the variable), variable path in the message, what is allowed)
CASES = [
    # types: a value of the wrong kind, never converted into something else
    ("user-name-list", {"ram_onboarding_user_name": ["cb"]}, "ram_onboarding_user_name", "string"),
    ("user-name-dict", {"ram_onboarding_user_name": {"a": 1}}, "ram_onboarding_user_name", "string"),
    ("display-name-list", {"ram_onboarding_display_name": ["x"]}, "ram_onboarding_display_name", "string"),
    ("policies-dict", {"ram_onboarding_policies": {"a": 1}}, "ram_onboarding_policies", "a list of policy names"),
    ("policies-string", {"ram_onboarding_policies": "AdministratorAccess"}, "ram_onboarding_policies", "a list"),
    ("purge-not-bool", {"ram_onboarding_purge_policies": "maybe"}, "ram_onboarding_purge_policies", "true or false"),
    ("console-not-bool", {"ram_onboarding_console_access": "sometimes"}, "ram_onboarding_console_access",
     "true or false"),
    ("mfa-number", {"ram_onboarding_mfa": 2}, "ram_onboarding_mfa", "true or false"),
    ("custom-policies-string", {"ram_onboarding_custom_policies": "p"}, "ram_onboarding_custom_policies",
     "a list of dicts"),
    ("groups-dict", {"ram_onboarding_groups": {"name": "g"}}, "ram_onboarding_groups", "a list of dicts"),
    ("teams-string", {"marketplace_onboarding_teams": "team-a"}, "marketplace_onboarding_teams", "a list of strings"),
    ("organizations-number", {"marketplace_onboarding_organizations": 42}, "marketplace_onboarding_organizations",
     "a list of strings"),
    ("purpose-string", {"marketplace_onboarding_credential_purpose": "Provisioning"},
     "marketplace_onboarding_credential_purpose", "a list of: Provisioning"),
    ("test-connection-not-bool", {"marketplace_onboarding_test_connection": "perhaps"},
     "marketplace_onboarding_test_connection", "true or false"),
    ("max-age-text", {"onboarding_key_max_age_days": "abc"}, "onboarding_key_max_age_days", "whole number"),
    ("max-age-decimal", {"onboarding_key_max_age_days": 1.5}, "onboarding_key_max_age_days", "whole number"),
    ("catalog-list", {"marketplace_onboarding_business_entity_catalog": ["team-a"]},
     "marketplace_onboarding_business_entity_catalog", "a dict with keys custom_contexts, organizations, teams"),
    ("security-preference-string", {"ram_onboarding_security_preference": "strict"},
     "ram_onboarding_security_preference", "dict"),
    ("groups-null", {"ram_onboarding_groups": None, "_null": True}, "ram_onboarding_groups", "leave it out"),
    # ranges
    ("max-age-negative", {"onboarding_key_max_age_days": -5}, "onboarding_key_max_age_days", "0 to 3650"),
    ("max-age-huge", {"onboarding_key_max_age_days": 100000}, "onboarding_key_max_age_days", "0 to 3650"),
    ("password-length-negative", {"ram_onboarding_password_policy": {"minimum_password_length": -1}},
     "ram_onboarding_password_policy.minimum_password_length", "8 to 32"),
    ("password-length-33", {"ram_onboarding_password_policy": {"minimum_password_length": 33}},
     "ram_onboarding_password_policy.minimum_password_length", "8 to 32"),
    ("password-age", {"ram_onboarding_password_policy": {"max_password_age": 2000}},
     "ram_onboarding_password_policy.max_password_age", "0 to 1095"),
    ("password-reuse", {"ram_onboarding_password_policy": {"password_reuse_prevention": 25}},
     "ram_onboarding_password_policy.password_reuse_prevention", "0 to 24"),
    ("login-attempts", {"ram_onboarding_password_policy": {"max_login_attempts": -1}},
     "ram_onboarding_password_policy.max_login_attempts", "0 to 32"),
    ("session-0h", {"ram_onboarding_security_preference": {"login_session_duration": 0}},
     "ram_onboarding_security_preference.login_session_duration", "1 to 24"),
    ("session-25h", {"ram_onboarding_security_preference": {"login_session_duration": 25}},
     "ram_onboarding_security_preference.login_session_duration", "1 to 24"),
    ("six-groups", {"ram_onboarding_groups": [{"name": "g%d" % n} for n in range(6)]}, "ram_onboarding_groups",
     "at most 5"),
    ("duplicate-teams", {"marketplace_onboarding_teams": ["team-a", "team-a"]}, "marketplace_onboarding_teams",
     "each item once"),
    ("no-purpose", {"marketplace_onboarding_credential_purpose": []}, "marketplace_onboarding_credential_purpose",
     "at least one item"),
    # choices
    ("account-status", {"marketplace_onboarding_account_status": "Paused"}, "marketplace_onboarding_account_status",
     "one of: Active, Inactive"),
    ("credential-status", {"marketplace_onboarding_credential_status": "Deleted"},
     "marketplace_onboarding_credential_status", "one of: Active, Inactive"),
    ("unknown-purpose", {"marketplace_onboarding_credential_purpose": ["Mining"]},
     "marketplace_onboarding_credential_purpose[0]", "one of: Provisioning, Asset Ingestion, Asset Discovery"),
    ("policy-type", {"ram_onboarding_policies": [{"name": "ReadOnlyAccess", "type": "Managed"}]},
     "ram_onboarding_policies[0].type", "one of: System, Custom"),
    # unknown keys in dict options, and wrong values inside them
    ("security-preference-unknown-key", {"ram_onboarding_security_preference": {"no_such_option": True}},
     "ram_onboarding_security_preference has unknown key no_such_option", "login_session_duration"),
    ("password-policy-unknown-key", {"ram_onboarding_password_policy": {"minimum_length": 10}},
     "ram_onboarding_password_policy has unknown key minimum_length", "minimum_password_length"),
    ("custom-policy-unknown-key", {"ram_onboarding_custom_policies": [{"name": "p", "document": DOCUMENT, "extra": 1}]},
     "ram_onboarding_custom_policies[0] has unknown key extra", "description, document, name"),
    ("group-unknown-key", {"ram_onboarding_groups": [{"name": "g", "members": ["a"]}]},
     "ram_onboarding_groups[0] has unknown key members", "comments, name, policies"),
    ("catalog-unknown-key", {"marketplace_onboarding_business_entity_catalog": {"projects": ["a"]}},
     "marketplace_onboarding_business_entity_catalog has unknown key projects", "custom_contexts, organizations"),
    ("policy-unknown-key", {"ram_onboarding_policies": [{"name": "ReadOnlyAccess", "scope": "all"}]},
     "ram_onboarding_policies[0] has unknown key scope", "name, type"),
    ("password-policy-not-bool", {"ram_onboarding_password_policy": {"require_symbols": "maybe"}},
     "ram_onboarding_password_policy.require_symbols", "true or false"),
    ("network-mask", {"ram_onboarding_security_preference": {"login_network_masks": ["10.0.0.0/33"]}},
     "ram_onboarding_security_preference.login_network_masks[0]", "CIDR"),
    ("typo-variable", {"marketplace_onboarding_team": ["team-a"]}, "did you mean marketplace_onboarding_teams",
     "argument spec"),
    # unknown provider, purpose (above), business entities
    ("provider-aws", {"marketplace_onboarding_provider": "aws-nope"}, "marketplace_onboarding_provider",
     "one of alibaba (marketplace_onboarding_provider_codes)"),
    ("provider-case", {"marketplace_onboarding_provider": "Alibaba"}, "marketplace_onboarding_provider",
     "lower-case"),
    ("unknown-team", {"marketplace_onboarding_teams": ["team-zz"]}, "marketplace_onboarding_teams",
     "team-a, team-b, team-platform"),
    ("unknown-organization", {"marketplace_onboarding_organizations": ["org-nope"]},
     "marketplace_onboarding_organizations", "org-engineering, org-finance"),
    ("unknown-context", {"marketplace_onboarding_custom_contexts": ["ctx-nope"]},
     "marketplace_onboarding_custom_contexts", "ctx-prod, ctx-nonprod"),
    # malformed policy documents
    ("policy-not-json", {"ram_onboarding_custom_policies": [{"name": "p", "document": "{not json"}]},
     "ram_onboarding_custom_policies[0].document is not valid JSON", "a dict or a JSON policy document"),
    ("policy-version", {"ram_onboarding_custom_policies": [
        {"name": "p", "document": json.dumps({"Version": "2", "Statement": []})}]},
     "ram_onboarding_custom_policies[0].document is not a RAM policy document", 'Version "1"'),
    ("policy-effect", {"ram_onboarding_custom_policies": [{"name": "p", "document": {
        "Version": "1", "Statement": [{"Effect": "Maybe", "Action": "*", "Resource": "*"}]}}]},
     "ram_onboarding_custom_policies[0].document.Statement[0]", "Effect (Allow or Deny)"),
    ("policy-too-big", {"ram_onboarding_custom_policies": [{"name": "p", "document": HUGE_DOCUMENT}]},
     "ram_onboarding_custom_policies[0].document has", "at most 6144"),
    ("policy-without-document", {"ram_onboarding_custom_policies": [{"name": "p"}]},
     "ram_onboarding_custom_policies[0].document is required", "any value"),
    # invalid names
    ("user-name-spaces", {"ram_onboarding_user_name": "has spaces"}, "ram_onboarding_user_name",
     "1-64 letters, digits"),
    ("user-name-65", {"ram_onboarding_user_name": "u" * 65}, "ram_onboarding_user_name", "1-64 letters, digits"),
    ("user-name-empty", {"ram_onboarding_user_name": ""}, "ram_onboarding_user_name", "1-64 letters, digits"),
    ("user-name-missing", {"ram_onboarding_user_name": None}, "ram_onboarding_user_name is not set", "string"),
    ("policy-name", {"ram_onboarding_policies": ["Admin Access"]}, "ram_onboarding_policies[0]",
     "1-128 letters, digits or '-'"),
    ("group-name", {"ram_onboarding_groups": [{"name": "bad group"}]}, "ram_onboarding_groups[0].name",
     "1-64 letters, digits"),
    ("account-number-7", {"marketplace_onboarding_account_number": "1234567"},
     "marketplace_onboarding_account_number", "at least 8 digits"),
    ("credential-name-empty", {"marketplace_onboarding_credential_name": ""}, "marketplace_onboarding_credential_name",
     "1 to 255 printable characters"),
    ("account-name-256", {"marketplace_onboarding_account_name": "a" * 256}, "marketplace_onboarding_account_name",
     "1 to 255 printable characters"),
    # injection strings
    ("user-name-shell", {"ram_onboarding_user_name": "cb; rm -rf /"}, "ram_onboarding_user_name", "1-64 letters"),
    ("user-name-subshell", {"ram_onboarding_user_name": "cb$(id)"}, "ram_onboarding_user_name", "1-64 letters"),
    ("account-name-html", {"marketplace_onboarding_account_name": "<script>alert(1)</script>"},
     "marketplace_onboarding_account_name", "without '<' or '>'"),
    ("credential-name-newline", {"marketplace_onboarding_credential_name": "a\nb"},
     "marketplace_onboarding_credential_name", "printable characters"),
    ("policy-name-quote", {"ram_onboarding_policies": ['AdministratorAccess"; DROP TABLE x;--']},
     "ram_onboarding_policies[0]", "1-128 letters, digits or '-'"),
    ("account-id-traversal", {"marketplace_onboarding_account_id": "../../accounts"},
     "marketplace_onboarding_account_id", "1-128 letters, digits, '_', '.' or '-'"),
    ("team-sql", {"marketplace_onboarding_teams": ["' OR '1'='1"]}, "marketplace_onboarding_teams",
     "team-a, team-b"),
    ("template-error", {"ram_onboarding_display_name": "{{ no_such_variable_anywhere }}"},
     "ram_onboarding_display_name cannot be evaluated", "a value or a template that renders"),
    # rules across variables; a secret is never shown
    ("console-without-password", {"ram_onboarding_console_access": True}, "ram_onboarding_console_password",
     "a password from a vault"),
    ("ref-and-secret", {"marketplace_onboarding_credential_ref_id": "cref-1",
                        "marketplace_onboarding_access_key_id": "LTAI0000",
                        "marketplace_onboarding_access_key_secret": SECRET},
     "marketplace_onboarding_credential_ref_id and marketplace_onboarding_access_key_secret", "one of them"),
    ("password-wrong-type", {"ram_onboarding_console_access": True, "ram_onboarding_console_password": [SECRET]},
     "ram_onboarding_console_password is a list (value hidden)", "string"),
    # the MFA seed is written after the login profile: a directory that does not exist is found before any write
    ("mfa-seed-file-no-directory", {"ram_onboarding_console_access": True, "ram_onboarding_console_password": SECRET,
                                    "ram_onboarding_mfa_seed_file": "/nonexistent-dir-of-cb/seed.json"},
     'ram_onboarding_mfa_seed_file is "/nonexistent-dir-of-cb/seed.json", in a directory that does not exist',
     "a file path in an existing directory"),
]


def host_name(case_id):
    return "bad-" + case_id


def write_inventory(directory, hosts):
    shutil.copytree(os.path.join(INVENTORY, "group_vars"), os.path.join(directory, "group_vars"))
    with open(os.path.join(directory, "hosts.yml"), "w", encoding="utf-8") as handle:
        yaml.safe_dump({"alibaba_accounts": {"hosts": hosts}}, handle, sort_keys=False)
    return directory


def case_vars(change):
    variables = dict(GOOD)
    for name, value in change.items():
        if name == "_null":
            continue
        if value is None and not change.get("_null"):
            variables.pop(name, None)
        else:
            variables[name] = value
    return variables


def failures(output):
    """``{host: msg}`` from the ``fatal: [host]: FAILED! => {...}`` lines."""
    found = {}
    for match in re.finditer(r"^fatal: \[([^\]]+)\]: FAILED! => (\{.*\})$", output, re.MULTILINE):
        found[match.group(1)] = json.loads(match.group(2)).get("msg", "")
    return found


def writes(sandbox):
    ram = {op: n for op, n in sandbox.counters("ram").items() if RAM_WRITE.match(op)}
    market = {op: n for op, n in sandbox.counters("marketplace").items()
              if op.split(" ", 1)[0] in ("POST", "PUT", "PATCH", "DELETE") and "credentialsValidator" not in op}
    return ram, market


class World:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="cb-bad-")
        self.sandbox = Sandbox(os.path.join(self.tmp, "state"))
        os.makedirs(os.path.join(self.tmp, "ansible", "tmp"))
        self.ansible = AnsibleRunner(self.sandbox, os.path.join(self.tmp, "ansible"))

    def close(self):
        self.sandbox.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run_counted(self, inventory, **kwargs):
        self.sandbox.reset_counters("ram")
        self.sandbox.reset_counters("marketplace")
        run = self.ansible.run(ONBOARD, inventory=inventory, **kwargs)
        return run, writes(self.sandbox)


@pytest.fixture(scope="module")
def world():
    services = World()
    yield services
    services.close()


@pytest.fixture(scope="module")
def bad_run(world):
    """One run over an inventory of every bad host, plus one whose RAM endpoint does not answer."""
    hosts = {host_name(case_id): case_vars(change) for case_id, change, _var, _allowed in CASES}
    hosts["bad-unreachable-ram"] = dict(GOOD, cloudbroker_ram_endpoint="http://127.0.0.1:9",
                                        cloudbroker_sts_endpoint="http://127.0.0.1:9")
    inventory = write_inventory(os.path.join(world.tmp, "bad-inventory"), hosts)
    run, counted = world.run_counted(inventory)
    return run, failures(run.output), counted


def test_at_least_fifty_cases():
    assert len(CASES) >= 50
    assert len(set(case_id for case_id, _c, _v, _a in CASES)) == len(CASES)


def test_no_write_at_all(bad_run):
    run, found, (ram_writes, market_writes) = bad_run
    assert run.rc != 0
    assert ram_writes == {} and market_writes == {}, (ram_writes, market_writes)
    assert set(found) == set(host_name(c[0]) for c in CASES) | {"bad-unreachable-ram"}, run.output[-3000:]
    assert "Traceback" not in run.output
    assert SECRET not in run.output


@pytest.mark.parametrize("case_id,change,variable,allowed", CASES, ids=[c[0] for c in CASES])
def test_refused_naming_host_variable_and_what_is_allowed(bad_run, case_id, change, variable, allowed):
    _run, found, _writes = bad_run
    message = found.get(host_name(case_id), "")
    assert "Invalid variables for host %s (nothing was changed)" % host_name(case_id) in message, message
    assert variable in message, message
    assert allowed in message, message


def test_unreachable_ram_endpoint_fails_before_any_write(bad_run):
    _run, found, _writes = bad_run
    message = found["bad-unreachable-ram"]
    assert "127.0.0.1:9" in message or "onnect" in message, message


# -- what only a remote call can tell: one good host, wrong connection settings ----------------------------------

@pytest.fixture()
def good_inventory(world, tmp_path):
    return write_inventory(str(tmp_path / "inventory"), {"good-host": dict(GOOD)})


def disabled_key(world):
    """A key of a RAM user, disabled (made before the counters are reset)."""
    ram = ram_client(world.sandbox.ram_url, world.sandbox.root["access_key_id"], world.sandbox.root["access_key_secret"],
                     world.sandbox.ca_bundle)
    try:
        ram.create_user(ram_models.CreateUserRequest(user_name="cb-disabled-key"))
    except Exception as exc:  # pylint: disable=broad-except
        assert "EntityAlreadyExists" in str(exc)
    key = ram.create_access_key(ram_models.CreateAccessKeyRequest(user_name="cb-disabled-key")).body.access_key
    ram.update_access_key(ram_models.UpdateAccessKeyRequest(user_name="cb-disabled-key",
                                                            user_access_key_id=key.access_key_id, status="Inactive"))
    return {"ALIBABA_CLOUD_ACCESS_KEY_ID": key.access_key_id, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": key.access_key_secret}


@pytest.mark.parametrize("case,expected", [
    ("wrong-ram-secret", "SignatureDoesNotMatch"),
    ("unknown-ram-key", "InvalidAccessKeyId.NotFound"),
    ("disabled-ram-key", "InvalidAccessKeyId.Inactive"),
    ("wrong-marketplace-api-key", "401"),
    ("marketplace-url-of-another-service", "failed: HTTP 4"),
])
def test_wrong_connection_settings_fail_clearly_without_a_write(world, good_inventory, case, expected):
    env = {
        "wrong-ram-secret": lambda: {"ALIBABA_CLOUD_ACCESS_KEY_SECRET": "not-the-secret"},
        "unknown-ram-key": lambda: {"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI5tNoSuchKey000000"},
        "disabled-ram-key": lambda: disabled_key(world),
        "wrong-marketplace-api-key": lambda: {"CLOUDBROKER_API_KEY": "not-the-api-key"},
        "marketplace-url-of-another-service": lambda: {"CLOUDBROKER_URL": world.sandbox.ram_url + "/nothing"},
    }[case]()
    run, (ram_writes, market_writes) = world.run_counted(good_inventory, extra_env=env)
    assert run.rc != 0
    message = failures(run.output).get("good-host", "")
    assert expected in message, run.output[-3000:]
    assert ram_writes == {} and market_writes == {}, (ram_writes, market_writes)
    assert "Traceback" not in run.output
    assert "not-the-secret" not in run.output and "not-the-api-key" not in run.output
