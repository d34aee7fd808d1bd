"""The strict checks behind cloudbroker.alibaba.validate_variables (no Ansible run)."""

import pytest
from ansible_collections.cloudbroker.alibaba.plugins.plugin_utils import variable_rules
from ansible_collections.cloudbroker.alibaba.plugins.plugin_utils.variable_checks import check, role_spec


def problems_of(name, value, spec=None, values=None):
    spec = spec or role_spec(ROLE_OF[name.split("_", 1)[0]], "main")[name]
    problems = []
    converted = check(name, value, spec, problems, name in variable_rules.SECRET_VARIABLES)
    if not problems:
        context = dict(values or {}, **{name: converted})
        for rule in variable_rules.VARIABLE_RULES.get(name, []):
            rule(name, converted, problems, context)
    return [str(problem) for problem in problems]


ROLE_OF = {"ram": "ram_onboarding", "marketplace": "marketplace_onboarding", "onboarding": "onboarding"}


@pytest.mark.parametrize("name,value", [
    ("ram_onboarding_user_name", "cb-marketplace-prod"),
    ("ram_onboarding_policies", ["AdministratorAccess", {"name": "my-policy", "type": "Custom"}]),
    ("ram_onboarding_password_policy", {"minimum_password_length": 14, "require_lowercase": True}),
    ("ram_onboarding_security_preference", {"login_network_masks": ["192.0.2.0/24;198.51.100.0/24"]}),
    ("ram_onboarding_console_access", "false"),  # -e gives strings
    ("onboarding_key_max_age_days", "90"),
    ("marketplace_onboarding_account_number", 1234567890123456),  # unquoted in YAML
    ("marketplace_onboarding_credential_purpose", ["Provisioning", "Asset Discovery"]),
])
def test_good_values_pass(name, value):
    assert problems_of(name, value) == []


@pytest.mark.parametrize("name,value,expected", [
    ("marketplace_onboarding_teams", "team-a", 'marketplace_onboarding_teams is a string "team-a"; allowed: a list'),
    ("ram_onboarding_mfa", 1, "ram_onboarding_mfa is a number 1; allowed: true or false"),
    ("ram_onboarding_password_policy", {"minimum_password_length": 7},
     "ram_onboarding_password_policy.minimum_password_length is 7; allowed: 8 to 32"),
    ("ram_onboarding_security_preference", {"nope": 1}, "ram_onboarding_security_preference has unknown key nope"),
    ("onboarding_key_max_age_days", True, "onboarding_key_max_age_days is a boolean true"),
    ("ram_onboarding_policies", [{"type": "System"}], "ram_onboarding_policies[0].name is required"),
])
def test_bad_values_are_named_with_what_is_allowed(name, value, expected):
    assert any(expected in problem for problem in problems_of(name, value)), problems_of(name, value)


def test_a_secret_is_never_shown():
    found = problems_of("ram_onboarding_console_password", ["hunter2"],
                        spec=role_spec("ram_onboarding", "main")["ram_onboarding_console_password"])
    assert found and all("hunter2" not in problem and "(value hidden)" in problem for problem in found)


def test_unknown_business_entity_names_the_catalog():
    catalog = {"teams": ["team-a", "team-b"]}
    found = problems_of("marketplace_onboarding_teams", ["team-z"],
                        values={"marketplace_onboarding_business_entity_catalog": catalog})
    assert found == ["marketplace_onboarding_teams names team-z, unknown in the broker; allowed: team-a, team-b "
                     "(marketplace_onboarding_business_entity_catalog.teams)"]


def test_validate_variables_reads_specs_defaults_and_module_options_when_imported():
    # The strategy imports the action in the controller's main process: the forked workers inherit what it read.
    from ansible_collections.cloudbroker.alibaba.plugins.action import validate_variables
    from ansible_collections.cloudbroker.alibaba.plugins.plugin_utils import variable_checks

    assert set(validate_variables.ROLES) <= set(variable_checks._ROLE_SPECS)  # pylint: disable=protected-access
    assert set(validate_variables.ROLES) <= set(variable_checks._ROLE_DEFAULTS)  # pylint: disable=protected-access
    assert variable_rules.OPTION_DICT_MODULES == {"ram_security_preference", "ram_password_policy"}
    assert variable_rules.OPTION_DICT_MODULES <= set(variable_checks._MODULE_OPTIONS)  # pylint: disable=protected-access


def test_an_unknown_entry_point_is_named_with_the_ones_there_are():
    with pytest.raises(ValueError, match=r"role onboarding has no entry point 'nope' \(it has main\)"):
        role_spec("onboarding", "nope")
