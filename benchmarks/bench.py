"""The onboarding benchmark (``make bench``; issue 10). Not a test: it measures and reports.

For each size N it starts the local services with a Resource Directory of N accounts (the management account and
N-1 members created in the directory), and runs what an enterprise runs: ``playbooks/onboard_directory.yml`` with
the ``cloudbroker.alibaba.resource_directory`` inventory (examples/resource_directory) from one central identity
(a RAM user of the management account that assumes each member's ResourceDirectoryAccountAccessRole) - the first
run, the no-change run (the one that runs most: nightly drift checks) - and ``playbooks/rotate_keys.yml``. For each
it records the wall time, the CPU time of the whole process tree (``ansible-playbook`` and every worker and module
process it waited for), the peak RSS of the largest process, task executions split into controller-side tasks,
module runs, includes and skipped tasks (``benchmarks/callback/bench_tasks.py``) and the API requests per action
from the services' counters. In the same run it measures two floors with the no-change run's shape (the same
inventory, forks and task executions per host): (a) trivial controller tasks (``ansible.builtin.set_fact``),
(b) a trivial module (``ansible.builtin.ping``).

Writes ``<out>/bench.json`` and, with ``--report``, ``docs/benchmarks.md`` with a plot
(``docs/benchmarks.png``). ``--sizes 10`` is the smoke run ``make test`` does.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))

from conftest import Sandbox, clean_environ, ensure_collection_link  # noqa: E402  pylint: disable=wrong-import-position

CALLBACKS = os.path.join(REPO, "benchmarks", "callback")
CENTRAL_USER = "cloudbroker-automation"
FORKS = 10
# The minimum requests per account of a no-change run, and why (see docs/benchmarks.md). AssumeRole: once per
# member, not for the management account (N-1 of N accounts); the inventory's directory reads are per run.
MINIMUM_NO_CHANGE = {
    "ram": {"GetUser": 1, "ListPoliciesForUser": 1, "ListAccessKeys": 1, "AssumeRole": 1},
    "marketplace": {"GET /cb-credential-service/api/v2.0/accounts/{accountId}": 1},
}


def write_directory_seed(path, count):
    """A Resource Directory of ``count`` accounts: the management account (with the central identity) and
    ``count - 1`` members created in the directory (each with its access role), in four folders."""
    folders = ["Engineering", "Finance", "Operations", "Research"]
    seed = {
        "management": {"display_name": "bench-management", "account_name": "management@bench.example.com",
                       # the central identity: it assumes the members' roles, reads the directory and onboards
                       # the management account itself
                       "users": [{"name": CENTRAL_USER, "policies": [
                           "AliyunSTSAssumeRoleAccess", "AliyunResourceDirectoryReadOnlyAccess", "AliyunRAMFullAccess"]}]},
        "folders": [{"name": name} for name in folders],
        "members": [{"display_name": "bench-%04d" % index, "folder": folders[index % len(folders)]}
                    for index in range(1, count)],
    }
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(seed, handle, indent=1)
    return path


def write_inventory(directory):
    """examples/resource_directory as it is: the inventory plugin's file and the group variables."""
    shutil.copytree(os.path.join(REPO, "examples", "resource_directory"), directory)
    return directory


def floor_playbook(path, module, tasks_per_host):
    task = {"ansible.builtin.set_fact": {"bench_fact": "{{ inventory_hostname }}"}} if module == "set_fact" else \
        {"ansible.builtin.ping": {}}
    play = {"name": "floor %s" % module, "hosts": "all", "gather_facts": False,
            "tasks": [dict(name="%s %d" % (module, i), **task) for i in range(tasks_per_host)]}
    with open(path, "w", encoding="utf-8") as handle:
        yaml.safe_dump([play], handle, sort_keys=False)
    return path


class Runner:
    def __init__(self, sandbox, workdir):
        self.sandbox = sandbox
        self.workdir = workdir
        central = next(account for account in sandbox.accounts if account.get("user_name") == CENTRAL_USER)
        env = clean_environ()
        env.update(sandbox.env)
        env.update({
            "ALIBABA_CLOUD_ACCESS_KEY_ID": central["access_key_id"],
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": central["access_key_secret"],
            "ANSIBLE_COLLECTIONS_PATH": ensure_collection_link(),
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "ANSIBLE_CALLBACK_PLUGINS": CALLBACKS,
            "ANSIBLE_CALLBACKS_ENABLED": "bench_tasks",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_DEPRECATION_WARNINGS": "0",
            "ANSIBLE_LOCAL_TEMP": os.path.join(workdir, "tmp"),
        })
        self.env = env

    def counters(self):
        return dict((service, self.sandbox.counters(service)) for service in ("ram", "marketplace"))

    def run(self, label, playbook, inventory, extra_vars=None):
        for service in ("ram", "marketplace"):
            self.sandbox.reset_counters(service)
        tasks_file = os.path.join(self.workdir, "%s-tasks.json" % label)
        env = dict(self.env, CLOUDBROKER_BENCH_TASKS=tasks_file)
        cmd = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", inventory, "-f", str(FORKS),
               playbook]
        if extra_vars:
            cmd += ["-e", json.dumps(extra_vars)]
        log = open(os.path.join(self.workdir, "%s.log" % label), "w", encoding="utf-8")
        started = time.monotonic()
        process = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - started
        log.close()
        rc = os.waitstatus_to_exitcode(status)
        if rc != 0:
            with open(log.name, encoding="utf-8") as handle:
                raise SystemExit("bench: %s failed (rc %d):\n%s" % (label, rc, handle.read()[-4000:]))
        with open(tasks_file, encoding="utf-8") as handle:
            tasks = json.load(handle)
        return dict(label=label, wall_s=round(wall, 2), cpu_s=round(usage.ru_utime + usage.ru_stime, 2),
                    peak_rss_mb=round(usage.ru_maxrss / 1024.0, 1), tasks=tasks, requests=self.counters())


def task_executions(totals):
    """Every task a worker process ran for a host: also the skipped ones and the includes (not meta tasks)."""
    return sum(n for kind, n in totals.items() if kind != "meta")


def per_account(run, count):
    requests_total = dict((service, sum(values.values())) for service, values in run["requests"].items())
    totals = run["tasks"]["totals"]
    return dict(cpu_s=round(run["cpu_s"] / count, 3), wall_s=round(run["wall_s"] / count, 3),
                requests=dict((s, round(n / float(count), 2)) for s, n in requests_total.items()),
                module_runs=round(totals.get("module", 0) / float(count), 2),
                controller_tasks=round(totals.get("controller", 0) / float(count), 2),
                task_executions=round(task_executions(totals) / float(count), 2))


def bench_size(count, out_dir, floor_ping_max):
    workdir = os.path.join(out_dir, "n%d" % count)
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(os.path.join(workdir, "tmp"))
    inventory = write_inventory(os.path.join(workdir, "inventory"))
    seed = write_directory_seed(os.path.join(workdir, "directory.json"), count)
    sandbox = Sandbox(os.path.join(workdir, "sandbox"), seed=seed, tls=True)
    try:
        runner = Runner(sandbox, workdir)
        onboard = os.path.join(REPO, "playbooks", "onboard_directory.yml")
        runs = [runner.run("first", onboard, inventory), runner.run("no-change", onboard, inventory),
                runner.run("rotation", os.path.join(REPO, "playbooks", "rotate_keys.yml"), inventory)]
        # The floors have the no-change run's shape: one trivial task per task execution of a host (a skipped task
        # and an include are a worker process too); meta tasks are decided without one and are left out.
        tasks_per_host = max(1, int(round(task_executions(runs[1]["tasks"]["totals"]) / float(count))))
        floors = [runner.run("floor-set_fact", floor_playbook(os.path.join(workdir, "floor_a.yml"), "set_fact",
                                                              tasks_per_host), inventory)]
        if count <= floor_ping_max:  # a module per task: ~0.35 CPU-s each, over an hour of this machine at N=1000
            floors.append(runner.run("floor-ping", floor_playbook(os.path.join(workdir, "floor_b.yml"), "ping",
                                                                  tasks_per_host), inventory))
    finally:
        sandbox.stop()
    result = dict(accounts=count, shape="resource directory: the management account and %d members" % (count - 1),
                  forks=FORKS, tasks_per_host=tasks_per_host, runs=runs, floors=floors)
    result["per_account"] = dict((run["label"], per_account(run, count)) for run in runs + floors)
    no_change = result["per_account"]["no-change"]["cpu_s"]
    result["ratios"] = dict(
        (key, round(no_change / max(result["per_account"][label]["cpu_s"], 1e-9), 2))
        for key, label in (("no_change_vs_floor_set_fact", "floor-set_fact"), ("no_change_vs_floor_ping", "floor-ping"))
        if label in result["per_account"])
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100,1000", help="comma-separated account counts")
    parser.add_argument("--out", default=os.path.join(REPO, ".build", "bench"))
    parser.add_argument("--merge", action="store_true",
                        help="keep the other sizes of <out>/bench.json (of this benchmark's shape) in the report")
    parser.add_argument("--floor-ping-max", type=int, default=100,
                        help="largest N that runs floor (b), a module per task (default 100)")
    parser.add_argument("--report", action="store_true", help="write docs/benchmarks.md and docs/benchmarks.png")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    for var in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"):
        os.environ.pop(var, None)
    results = []
    if args.merge and os.path.exists(os.path.join(args.out, "bench.json")):
        with open(os.path.join(args.out, "bench.json"), encoding="utf-8") as handle:
            results = [r for r in json.load(handle)["results"] if r.get("shape", "").startswith("resource directory")]
    for count in [int(size) for size in args.sizes.split(",")]:
        print("bench: %d accounts ..." % count, flush=True)
        result = bench_size(count, args.out, args.floor_ping_max)
        results = sorted([r for r in results if r["accounts"] != count] + [result], key=lambda r: r["accounts"])
        for label, values in result["per_account"].items():
            print("bench: N=%-5d %-15s per account: %s" % (count, label, json.dumps(values, sort_keys=True)))
        print("bench: N=%d no-change CPU vs floors: %s" % (count, json.dumps(result["ratios"])), flush=True)
        # written after each size: a long run that is stopped keeps what it measured
        with open(os.path.join(args.out, "bench.json"), "w", encoding="utf-8") as handle:
            json.dump(dict(results=results, minimum_no_change=MINIMUM_NO_CHANGE), handle, indent=1, sort_keys=True)
        if args.report:
            from report import write_report  # pylint: disable=import-outside-toplevel

            write_report(results, MINIMUM_NO_CHANGE, os.path.join(REPO, "docs"))
    print("bench: %d passed, 0 failed" % len(args.sizes.split(",")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
