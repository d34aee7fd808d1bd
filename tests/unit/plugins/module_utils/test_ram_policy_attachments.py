"""Units of the policy attachment planning (module_utils/ram/attachments.py) and of ram_policy_attachment
(module_utils/ram/policy_attachments.py): lookups only for what is missing, case hints, calls per case."""

import pytest

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.attachments import plan_policy_attachments
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.errors import RamError
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.policy_attachments import POLICY_ATTACHMENT
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError

from ram_fakes import FakeRam, missing, task_for


def catalog(*policies, **script):
    """A FakeRam whose GetPolicy / ListPolicies know ``policies`` ((name, type) pairs)."""
    known = set(policies)

    def get_policy(PolicyName, PolicyType):
        if (PolicyName, PolicyType) in known:
            return {"Policy": {"PolicyName": PolicyName, "PolicyType": PolicyType}}
        return missing("GetPolicy", "EntityNotExist.Policy")

    def list_policies(PolicyType, **_paging):
        return {"Policies": {"Policy": [{"PolicyName": n, "PolicyType": t} for n, t in known if t == PolicyType]}}

    return FakeRam(dict(GetPolicy=get_policy, ListPolicies=list_policies, **script))


def attached(*policies):
    return {"Policies": {"Policy": [{"PolicyName": n, "PolicyType": t} for n, t in policies]}}


# -- planning -----------------------------------------------------------------------------------

def test_plan_attaches_missing_and_purges_unlisted():
    ram = catalog(("AdministratorAccess", "System"), ("ReadOnlyAccess", "System"), ("x", "Custom"))
    current = [{"name": "ReadOnlyAccess", "type": "System"}]
    wanted = [{"name": "AdministratorAccess", "type": None}, {"name": "x", "type": "Custom"}]
    attach, detach = plan_policy_attachments(ram, current, wanted, purge=True)
    assert attach == [{"name": "AdministratorAccess", "type": "System"}, {"name": "x", "type": "Custom"}]
    assert detach == [{"name": "ReadOnlyAccess", "type": "System"}]


def test_plan_already_attached_costs_no_lookup():
    ram = catalog(("AdministratorAccess", "System"))
    attach, detach = plan_policy_attachments(
        ram, [{"name": "AdministratorAccess", "type": "System"}], [{"name": "AdministratorAccess", "type": None}],
        purge=False)
    assert (attach, detach, ram.calls) == ([], [], [])


def test_unknown_policy_with_other_case_gets_a_hint():
    ram = catalog(("AdministratorAccess", "System"))
    with pytest.raises(RamError) as info:
        plan_policy_attachments(ram, [], [{"name": "administratoraccess", "type": None}], purge=False)
    assert info.value.code == "EntityNotExist.Policy"
    assert "did you mean 'AdministratorAccess' (System)" in info.value.message


# -- ram_policy_attachment ----------------------------------------------------------------------------

def run(args, ram, **kwargs):
    return POLICY_ATTACHMENT.run(task_for(POLICY_ATTACHMENT, args, ram=ram, **kwargs))


def test_attached_already_is_no_change_without_policy_lookups():
    ram = catalog(("AdministratorAccess", "System"), GetUser={"User": {"UserName": "broker"}},
                  ListPoliciesForUser=attached(("AdministratorAccess", "System")))
    result = run(dict(user_name="broker", policies=["AdministratorAccess"]), ram)
    assert result == dict(changed=False, policy_attachment=dict(
        principal_type="user", principal_name="broker", policies=[{"name": "AdministratorAccess", "type": "System"}]))
    assert ram.actions() == ["GetUser", "ListPoliciesForUser"]


def test_attach_to_a_group_with_purge_in_check_mode_sends_no_write():
    ram = catalog(("AliyunECSFullAccess", "System"), GetGroup={"Group": {"GroupName": "brokers"}},
                  ListPoliciesForGroup=attached(("ReadOnlyAccess", "System")))
    result = run(dict(group_name="brokers", policies=["AliyunECSFullAccess"], purge=True), ram, check_mode=True,
                 diff=True)
    assert result["changed"]
    assert result["diff"]["before"]["policies"] == [{"name": "ReadOnlyAccess", "type": "System"}]
    assert result["policy_attachment"]["policies"] == [{"name": "AliyunECSFullAccess", "type": "System"}]
    assert not [a for a in ram.actions() if a.startswith(("Attach", "Detach"))]


def test_detach_only_what_is_listed_and_attached():
    ram = catalog(GetRole={"Role": {"RoleName": "ops"}}, DetachPolicyFromRole={},
                  ListPoliciesForRole=attached(("AdministratorAccess", "System"), ("x", "Custom")))
    result = run(dict(role_name="ops", policies=["AdministratorAccess", "NotAttached"], state="absent"), ram)
    assert result["changed"] and result["policy_attachment"]["policies"] == [{"name": "x", "type": "Custom"}]
    assert ram.calls[-1] == ("DetachPolicyFromRole", dict(PolicyName="AdministratorAccess", PolicyType="System",
                                                          RoleName="ops"))


def test_missing_principal_is_rams_error_before_any_planning():
    ram = catalog(GetUser=missing("GetUser", "EntityNotExist.User"))
    with pytest.raises(RamError) as info:
        run(dict(user_name="nobody", policies=["AdministratorAccess"]), ram)
    assert info.value.code == "EntityNotExist.User" and ram.actions() == ["GetUser"]


@pytest.mark.parametrize("args,option", [
    (dict(user_name="bad name!", policies=["AdministratorAccess"]), "user_name"),
    (dict(role_name="under_score", policies=["AdministratorAccess"]), "role_name"),
    (dict(user_name="u", policies=[{"name": "x", "type": "Managed"}]), "policies"),
    (dict(group_name="g", policies=["bad name"]), "policies"),
])
def test_bad_input_fails_before_any_call(args, option):
    ram = FakeRam()
    with pytest.raises(InputError) as info:
        run(args, ram)
    assert info.value.option == option and ram.calls == []
