"""The job-template path without a controller: ansible-runner on a private data directory laid out as AWX lays
one out for a job (awx_job.py): the project of examples/awx_project (one-line playbooks importing
``cloudbroker.alibaba.onboard``), the inventory script of the example accounts, extra variables, the environment
rendered from the two credential types, artifacts read back as the controller reads them.

Each test gets its own local services, so that the state after one job and after a sliced job can be compared.
"""

import os
import shutil
import tempfile

import pytest
from alibabacloud_ram20150501 import models as ram_models
from awx_job import (REPO, PrivateDataDir, inventory_data, load_credential_type, minimal_environment,
                     slice_inventory)
from conftest import Sandbox, ensure_collection_link, ram_client

pytestmark = pytest.mark.integration

PROJECT = os.path.join(REPO, "examples", "awx_project")
INVENTORY = os.path.join(REPO, "examples", "inventory")
HOSTS = ["alibaba-analytics", "alibaba-dev", "alibaba-prod"]  # the controller orders hosts by name
API = "/cb-credential-service/api/v2.0"


class Controller:
    """Fresh local services + what a controller would hold: two credentials, one inventory, job ids."""

    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="cb-awx-")
        # Plain HTTP: the "Alibaba Cloud RAM" credential type has no CA field yet (the marketplace one has), so
        # a job could not be given the local services' CA the way a controller gives it.
        self.sandbox = Sandbox(os.path.join(self.tmp, "state"), tls=False)
        self.ram = ram_client(self.sandbox.ram_url, self.sandbox.root["access_key_id"],
                              self.sandbox.root["access_key_secret"], self.sandbox.ca_bundle)
        self.base_env = minimal_environment(ensure_collection_link())
        self.inventory = inventory_data(INVENTORY, self.base_env)
        self.credentials = [
            (load_credential_type("alibaba_cloud_ram"),
             {"access_key_id": self.sandbox.root["access_key_id"],
              "access_key_secret": self.sandbox.root["access_key_secret"],
              "ram_endpoint": self.sandbox.ram_url, "sts_endpoint": self.sandbox.ram_url}),
            (load_credential_type("cloud_broker_marketplace"),
             {"url": self.sandbox.marketplace_url, "username": self.sandbox.admin["username"],
              "api_key": self.sandbox.admin["apikey"]}),
        ]
        self.next_job_id = 100

    def close(self):
        self.sandbox.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def launch(self, playbook="onboard.yml", extra_vars=None, slice_number=1, slice_count=1):
        """One job (or one slice of a sliced job): private data dir, ansible-runner, artifacts."""
        self.next_job_id += 1
        job = PrivateDataDir(os.path.join(self.tmp, "job-%d" % self.next_job_id), self.next_job_id, PROJECT,
                             playbook)
        for definition, inputs in self.credentials:
            job.add_credential(definition, inputs)
        job.write(slice_inventory(self.inventory, slice_number, slice_count), extra_vars or {})
        return job, job.run(self.base_env)

    # -- state, read back from the services ---------------------------------------------------
    def market(self, path, **params):
        admin = self.sandbox.admin
        response = self.sandbox.http.get(self.sandbox.marketplace_url + API + path, params=params, timeout=30,
                                         headers={"username": admin["username"], "apikey": admin["apikey"]})
        response.raise_for_status()
        return response.json()

    def state(self):
        """Everything onboarding decides, per host, without the random parts (key IDs, generated IDs)."""
        accounts = {a["basicInfo"]["accountName"]: a for a in self.market(
            "/accounts/type/asset", serviceProviderCode="alibaba", limit=1000)[1:]}
        result = {}
        for host in HOSTS:
            hostvars = self.inventory["_meta"]["hostvars"][host]
            user = hostvars["ram_onboarding_user_name"]
            keys = self.ram.list_access_keys(ram_models.ListAccessKeysRequest(user_name=user)).body
            keys = [(k.access_key_id, k.status) for k in keys.access_keys.access_key]
            policies = self.ram.list_policies_for_user(ram_models.ListPoliciesForUserRequest(user_name=user))
            account = accounts[hostvars["marketplace_onboarding_account_name"]]
            credentials = {c["credentialName"]: c for c in account["credentials"]}
            credential = credentials[hostvars["marketplace_onboarding_credential_name"]]
            result[host] = {
                "key_statuses": [status for _key, status in keys],
                "marketplace_holds_the_key": [credential["passwordFields"]["accessKey"]] == [k for k, _s in keys],
                "policies": sorted(p.policy_name for p in policies.body.policies.policy),
                "account_number_is_the_uid": account["advancedInfo"]["accountNumber"] == self.sandbox.root["account_id"],
                "credentials": sorted(credentials),
                "contexts": sorted((k, tuple(v)) for entry in credential["context"] for k, v in entry.items()
                                   if k != "contextId"),
            }
        return result

    def secrets(self):
        accounts = self.market("/accounts/type/asset", serviceProviderCode="alibaba", limit=1000)[1:]
        held = [c["passwordFields"]["secretKey"] for a in accounts for c in a["credentials"]]
        return held + [self.sandbox.root["access_key_secret"], self.sandbox.admin["apikey"]]


@pytest.fixture
def controller():
    world = Controller()
    yield world
    world.close()


def artifact_data(artifacts):
    """set_stats of the job; the per-outcome host lists come in completion order, compared sorted."""
    data = artifacts.stats().get("artifact_data", {})
    return {k: sorted(v) if isinstance(v, list) else v for k, v in data.items()}


def assert_no_secret_in_artifacts(job, secrets):
    """The job output the controller stores and shows: stdout and every job event (with its event data).

    (ansible-runner's own ``artifacts/<job>/command`` holds the environment, secrets included, as it does for
    every controller credential; the controller deletes the private data directory after the job.)"""
    artifacts = os.path.join(job.root, "artifacts", str(job.job_id))
    assert os.path.isfile(os.path.join(artifacts, "stdout"))
    for directory, _dirs, files in os.walk(artifacts):
        for name in files:
            if name == "command":
                continue
            with open(os.path.join(directory, name), encoding="utf-8", errors="replace") as handle:
                text = handle.read()
            for secret in secrets:
                assert secret not in text, "a secret in %s" % os.path.join(directory, name)


def test_job_template_onboards_reports_outcomes_and_a_second_job_changes_nothing(controller):
    job, first = controller.launch()
    assert first.rc == 0 and first.status == "successful", first.describe()
    assert first.changed_hosts() == set(HOSTS)
    assert artifact_data(first) == {
        "cloudbroker_onboarding_outcome": {host: "onboarded" for host in HOSTS},
        "cloudbroker_onboarding_onboarded": HOSTS,
    }
    state = controller.state()
    assert all(s["key_statuses"] == ["Active"] and s["marketplace_holds_the_key"] for s in state.values()), state
    assert all(s["account_number_is_the_uid"] for s in state.values())
    assert_no_secret_in_artifacts(job, controller.secrets())

    _job, second = controller.launch()
    assert second.rc == 0 and second.status == "successful", second.describe()
    assert second.changed_hosts() == set(), second.describe()
    assert artifact_data(second) == {
        "cloudbroker_onboarding_outcome": {host: "unchanged" for host in HOSTS},
        "cloudbroker_onboarding_unchanged": HOSTS,
    }
    assert controller.state() == state

    # the reports come back as job data; no file is written unless a directory is given
    project_files = sorted(os.listdir(os.path.join(job.root, "project")))
    _job, summary = controller.launch("summary.yml")
    assert summary.rc == 0, summary.describe()
    summaries = artifact_data(summary)["cloudbroker_onboarding_summary"]
    assert sorted(summaries) == HOSTS
    assert summaries["alibaba-prod"]["ram_user"] == controller.inventory["_meta"]["hostvars"]["alibaba-prod"][
        "ram_onboarding_user_name"]
    reports_dir = os.path.join(controller.tmp, "reports")
    report_job, report = controller.launch("security_report.yml", extra_vars={"security_report_dir": reports_dir})
    assert report.rc == 0, report.describe()
    findings = artifact_data(report)["cloudbroker_security_report"]
    assert sorted(findings) == HOSTS
    assert all(f["account_id"] == controller.sandbox.root["account_id"] for f in findings.values())
    assert sorted(os.listdir(reports_dir)) == ["%s.md" % host for host in HOSTS]
    assert sorted(os.listdir(os.path.join(report_job.root, "project"))) == project_files  # nothing next to it
    assert_no_secret_in_artifacts(report_job, controller.secrets())
    _job, relative = controller.launch("security_report.yml", extra_vars={"security_report_dir": "reports"})
    assert relative.rc != 0 and "security_report_dir must be an absolute path; got reports" in relative.stdout


def test_a_failed_account_is_reported_and_fails_the_job_while_the_others_converge(controller):
    broken = dict(controller.inventory["_meta"]["hostvars"]["alibaba-dev"], ram_onboarding_user_name="bad name!")
    controller.inventory["_meta"]["hostvars"]["alibaba-dev"] = broken
    _job, run = controller.launch()
    assert run.rc != 0 and run.status == "failed"
    outcome = artifact_data(run)["cloudbroker_onboarding_outcome"]
    assert outcome == {"alibaba-analytics": "onboarded", "alibaba-dev": "failed", "alibaba-prod": "onboarded"}
    assert artifact_data(run)["cloudbroker_onboarding_failed"] == ["alibaba-dev"]
    assert "Onboarding of alibaba-dev failed at" in run.stdout and "ram_onboarding_user_name" in run.stdout


def test_sliced_job_converges_to_the_state_of_one_job(controller):
    _job, whole = controller.launch()
    assert whole.rc == 0, whole.describe()
    one_job_state = controller.state()

    sliced = Controller()
    try:
        seen = []
        for number in (1, 2, 3):
            _job, part = sliced.launch(slice_number=number, slice_count=3)
            assert part.rc == 0 and part.status == "successful", part.describe()
            outcome = artifact_data(part)["cloudbroker_onboarding_outcome"]
            assert outcome == {HOSTS[number - 1]: "onboarded"}  # slice n of 3 holds the n-th host by name
            seen += list(outcome)
        assert seen == HOSTS
        assert sliced.state() == one_job_state
        _job, again = sliced.launch()
        assert again.rc == 0 and again.changed_hosts() == set(), again.describe()
    finally:
        sliced.close()
