"""The business-entity catalogue read once per run (issue 10): marketplace_business_entity_info in a play of many
accounts, its result handed to every marketplace_credential as business_entity_catalog, counted with the
marketplace service's request counters. The target marketplace_business_entity_info runs in
test_shell_parity.py, through both shells."""

import os
import uuid

import pytest
import yaml

pytestmark = pytest.mark.integration

ENTITIES_READ = "GET /cb-credential-service/api/v2.0/businessEntities"
HOSTS = ("acct-1", "acct-2", "acct-3", "acct-4")


def many_accounts_play(with_catalogue):
    credential = {"account": "{{ prefix }} {{ inventory_hostname }}", "name": "{{ inventory_hostname }}-prov",
                  "purpose": ["Provisioning"],
                  "access_key_id": "LTAI{{ prefix }}{{ inventory_hostname | replace('-', '') }}",
                  "access_key_secret": "{{ prefix }}-secret-0123456789", "check_key_owner": False,
                  "business_entities": {"organizations": ["Engineering"], "teams": ["Team A", "team b"]}}
    tasks = []
    if with_catalogue:
        tasks.append({"name": "Read the business-entity catalogue once",
                      "cloudbroker.alibaba.marketplace_business_entity_info": {},
                      "run_once": True, "register": "catalogue"})
        credential["business_entity_catalog"] = "{{ catalogue.business_entities }}"
    tasks += [
        {"name": "Account", "cloudbroker.alibaba.marketplace_asset_account": {
            "name": "{{ prefix }} {{ inventory_hostname }}", "account_number": "1234567890123456"}},
        {"name": "Credential", "cloudbroker.alibaba.marketplace_credential": credential, "register": "created"},
        {"name": "Read back", "cloudbroker.alibaba.marketplace_credential_info": {
            "account": "{{ prefix }} {{ inventory_hostname }}"}, "register": "info"},
        {"name": "Assert the ids the names stand for are stored", "ansible.builtin.assert": {"that": [
            "created is changed",
            "info.credentials | length == 1",
            "info.credentials[0].business_entities == {'organizations': ['org-engineering'], "
            "'teams': ['team-a', 'team-b'], 'custom_contexts': []}"]}},
        {"name": "Delete the account", "cloudbroker.alibaba.marketplace_asset_account": {
            "name": "{{ prefix }} {{ inventory_hostname }}", "state": "absent"}},
    ]
    return [{"name": "Many accounts", "hosts": "accounts", "gather_facts": False, "tasks": tasks}]


@pytest.mark.parametrize("with_catalogue, reads", [(True, 1), (False, len(HOSTS))])
def test_a_run_of_many_accounts_reads_the_catalogue_once(ansible, sandbox, tmp_path, with_catalogue, reads):
    inventory = tmp_path / "inventory.ini"
    inventory.write_text("[accounts]\n" + "".join("%s ansible_connection=local\n" % host for host in HOSTS))
    playbook = tmp_path / "many.yml"
    playbook.write_text(yaml.safe_dump(many_accounts_play(with_catalogue), sort_keys=False))
    before = sandbox.counters("marketplace").get(ENTITIES_READ, 0)
    run = ansible.run(str(playbook), extra_vars={"prefix": "be%s" % uuid.uuid4().hex[:8]}, inventory=str(inventory))
    run.assert_ok()
    assert all(counts["failed"] == 0 and counts["changed"] >= 3 for counts in run.recap().values())
    assert sorted(run.recap()) == sorted(HOSTS)
    assert sandbox.counters("marketplace").get(ENTITIES_READ, 0) - before == reads


def test_a_user_who_is_not_admin_gets_his_own_organizations_and_teams(ansible, sandbox):
    """alice's connection options come from the marketplace action group's module_defaults (the environment
    names the admin, who would see every entity)."""
    tasks = [{"cloudbroker.alibaba.marketplace_business_entity_info": {}, "register": "mine"},
             {"ansible.builtin.copy": {"content": "{{ mine | to_json }}", "dest": "{{ out }}", "mode": "0600"}}]
    out = os.path.join(ansible.workdir, "entities-%s.json" % uuid.uuid4().hex[:8])
    alice = {"username": "alice", "api_key": sandbox.user("alice")["apikey"]}
    ansible.run_tasks(tasks, module_defaults={"group/cloudbroker.alibaba.marketplace": alice},
                      extra_vars={"out": out}).assert_ok()
    with open(out, encoding="utf-8") as handle:
        result = yaml.safe_load(handle)
    assert result["changed"] is False
    assert result["business_entities"] == {
        "organizations": [{"id": "org-engineering", "name": "Engineering"}],
        "teams": [{"id": "team-a", "name": "Team A", "organization": "org-engineering"}],
        "custom_contexts": [{"id": "ctx-prod", "name": "Production"}, {"id": "ctx-nonprod", "name": "Non-production"}],
    }
