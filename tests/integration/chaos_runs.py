"""Shared by the chaos tests (tests/integration/test_chaos_*.py) and ``make chaos`` (scripts/chaos.py): fresh local
services, playbooks started as a user starts them (alone, overlapping, killed at a write), and the invariants a run
must leave behind, read back from both services.

Invariants of an onboarded host (``Chaos.problems``): exactly one AccessKey, active; exactly one asset account with
the inventory's name and one credential with the inventory's name in it, holding that key; the broker's test
connection of that credential succeeds.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import yaml
from alibabacloud_ram20150501 import models as ram_models

from conftest import REPO, AnsibleRunner, Sandbox, ram_client

INVENTORY = os.path.join(REPO, "examples", "inventory")
ONBOARD = os.path.join(REPO, "playbooks", "onboard.yml")
ROTATE = os.path.join(REPO, "playbooks", "rotate_keys.yml")
OFFBOARD = os.path.join(REPO, "playbooks", "offboard.yml")
API = "/cb-credential-service/api/v2.0"
PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")


def host_vars(host):
    with open(os.path.join(INVENTORY, "host_vars", host + ".yml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


class Chaos:
    """One pair of fresh local services, and the runs made against them."""

    def __init__(self, ram_faults="", marketplace_faults=""):
        self.tmp = tempfile.mkdtemp(prefix="cb-chaos-")
        self.sandbox = Sandbox(os.path.join(self.tmp, "state"), ram_faults=ram_faults,
                               marketplace_faults=marketplace_faults)
        os.makedirs(os.path.join(self.tmp, "ansible", "tmp"))
        self.ansible = AnsibleRunner(self.sandbox, os.path.join(self.tmp, "ansible"))
        self.ram = ram_client(self.sandbox.ram_url, self.sandbox.root["access_key_id"],
                              self.sandbox.root["access_key_secret"], self.sandbox.ca_bundle)
        self.logs = 0

    def close(self):
        self.sandbox.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def set_faults(self, seed, throttle_rate=0.0, error_rate=0.0, latency_ms=0):
        """The same faults on both services, each from its own fixed seed (reproducible draws)."""
        for offset, service in enumerate(("ram", "marketplace")):
            self.sandbox.set_faults(service, throttle_rate=throttle_rate, error_rate=error_rate, latency_ms=latency_ms,
                                    seed=seed * 2 + offset)

    # -- runs ------------------------------------------------------------------------------------------------------
    def start(self, hosts, playbook=ONBOARD, extra_vars=None, forks=None):
        cmd = [PLAYBOOK, playbook, "-i", INVENTORY, "--limit", ",".join(hosts)]
        if forks:
            cmd += ["--forks", str(forks)]
        if extra_vars:
            cmd += ["-e", yaml.safe_dump(extra_vars, default_flow_style=True).strip()]
        self.logs += 1
        log = open(os.path.join(self.tmp, "run-%d.log" % self.logs), "w+", encoding="utf-8")
        proc = subprocess.Popen(cmd, cwd=REPO, env=self.ansible.environment(), stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        proc.log = log
        return proc

    @staticmethod
    def finish(proc, timeout=900):
        """``(rc, output)`` of a started run."""
        rc = proc.wait(timeout=timeout)
        proc.log.seek(0)
        output = proc.log.read()
        proc.log.close()
        return rc, output

    def run(self, hosts, **kwargs):
        return self.finish(self.start(hosts, **kwargs))

    def overlapping(self, hosts, offsets, **kwargs):
        """Runs started ``offsets`` seconds after the first (e.g. ``[0, 1.5, 3.2]``); ``[(rc, output), ...]``."""
        return self.started_apart([(offset, dict(kwargs, hosts=hosts)) for offset in offsets])

    def started_apart(self, runs):
        """Different runs, each ``(offset, start_kwargs)`` started ``offset`` seconds after the first (e.g.
        ``[(0, dict(hosts=[a])), (1.5, dict(hosts=[b], playbook=OFFBOARD))]``); ``[(rc, output), ...]`` in the
        order of the offsets."""
        began = time.monotonic()
        procs = []
        for offset, start_kwargs in sorted(runs, key=lambda run: run[0]):
            while time.monotonic() - began < offset:
                time.sleep(0.01)
            procs.append(self.start(**start_kwargs))
        return [self.finish(proc) for proc in procs]

    def killed_at_write(self, hosts, write_index, **kwargs):
        """Start a run and SIGKILL it once the services have counted ``write_index`` writes (1-based); returns
        whether the run was killed (False: it finished first, with fewer writes)."""
        before = self.writes()
        proc = self.start(hosts, **kwargs)
        while proc.poll() is None:
            if self.writes() - before >= write_index:
                os.killpg(proc.pid, signal.SIGKILL)
                self.finish(proc)
                return True
            time.sleep(0.005)
        self.finish(proc)
        return False

    def writes(self):
        """Write requests counted by both services (RAM: actions that change state; marketplace: non-GET)."""
        ram = self.sandbox.counters("ram")
        market = self.sandbox.counters("marketplace")
        ram_writes = sum(count for action, count in ram.items()
                         if action.startswith(("Create", "Delete", "Update", "Attach", "Detach", "Add", "Remove",
                                               "Set", "Bind", "Unbind")))
        market_writes = sum(count for op, count in market.items()
                            if op.split(" ", 1)[0] in ("POST", "PUT", "PATCH", "DELETE")
                            and "credentialsValidator" not in op)
        return ram_writes + market_writes

    # -- state, read back --------------------------------------------------------------------------------------------
    def market(self, method, path, **kwargs):
        admin = self.sandbox.admin
        return self.sandbox.http.request(method, self.sandbox.marketplace_url + API + path, timeout=30,
                                         headers={"username": admin["username"], "apikey": admin["apikey"]},
                                         **kwargs)

    def keys(self, user_name):
        body = self.ram.list_access_keys(ram_models.ListAccessKeysRequest(user_name=user_name)).body
        return sorted((k.access_key_id, k.status) for k in body.access_keys.access_key)

    def problems(self, host):
        """What is wrong with ``host`` after the runs (an empty list: converged)."""
        self.sandbox.clear_faults()
        self.sandbox.set_faults("ram", lost_answer_rate=0.0)
        hv = host_vars(host)
        found = []
        keys = self.keys(hv["ram_onboarding_user_name"])
        if len(keys) != 1 or keys[0][1] != "Active":
            found.append("%s: keys %s (want one active key)" % (host, keys))
        page = self.market("GET", "/accounts/type/asset", params={"serviceProviderCode": "alibaba", "limit": 1000})
        name = hv["marketplace_onboarding_account_name"]
        accounts = [a for a in page.json()[1:] if a["basicInfo"]["accountName"] == name]
        if len(accounts) != 1:
            return found + ["%s: %d asset accounts named %r" % (
                host, len(accounts), hv["marketplace_onboarding_account_name"])]
        credentials = [c for c in accounts[0].get("credentials") or []
                       if c["credentialName"] == hv["marketplace_onboarding_credential_name"]]
        if len(credentials) != 1:
            return found + ["%s: %d credentials named %r" % (
                host, len(credentials), hv["marketplace_onboarding_credential_name"])]
        held = (credentials[0].get("passwordFields") or {}).get("accessKey")
        if not keys or held != keys[0][0]:
            found.append("%s: the marketplace holds %s, RAM has %s" % (host, held, keys))
        test = self.market("POST", "/credentialsValidator",
                           json={"accountId": accounts[0]["accountId"], "credentialId": credentials[0]["id"]})
        if test.status_code != 200:
            found.append("%s: test connection %s %s" % (host, test.status_code, test.text[:200]))
        return found


def failure_lines(output, limit=3):
    """The lines of a run's output that say why it failed."""
    lines = [line.strip() for line in output.splitlines() if line.startswith(("fatal:", "failed:")) or '"msg"' in line]
    return lines[:limit]
