"""docs/benchmarks.md and docs/benchmarks.png from the results of benchmarks/bench.py."""

import datetime
import os
import platform

RUN_LABELS = ("first", "no-change", "rotation", "floor-set_fact", "floor-ping")


def plot(results, path):
    import matplotlib  # pylint: disable=import-outside-toplevel

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel

    sizes = [result["accounts"] for result in results]
    figure, axes = plt.subplots(1, 2, figsize=(11, 4))
    for label in RUN_LABELS:
        measured = [r for r in results if label in r["per_account"]]
        axes[0].plot([r["accounts"] for r in measured], [r["per_account"][label]["cpu_s"] for r in measured],
                     marker="o", label=label)
        axes[1].plot([r["accounts"] for r in measured],
                     [r["per_account"][label]["cpu_s"] * r["accounts"] for r in measured], marker="o", label=label)
    axes[0].set_title("CPU seconds per account")
    axes[1].set_title("CPU seconds, whole run")
    for axis in axes:
        axis.set_xlabel("accounts")
        axis.grid(True, alpha=0.3)
        if len(sizes) > 1:
            axis.set_xscale("log")
    axes[1].set_yscale("log")
    axes[0].legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)


def write_report(results, minimum, docs_dir):
    png = os.path.join(docs_dir, "benchmarks.png")
    plot(results, png)
    lines = [
        "# Benchmark: onboarding cost per account",
        "",
        "Written by `make bench` (benchmarks/bench.py, benchmarks/report.py) on %s, %s, Python %s, %d CPUs."
        % (datetime.date.today().isoformat(), platform.machine(), platform.python_version(), os.cpu_count()),
        "Each size starts fresh local services with a Resource Directory of N accounts (the management account",
        "and N-1 members created in the directory) and runs what an enterprise runs, from one central identity",
        "(a RAM user of the management account that assumes each member's access role): `onboard_directory.yml`",
        "with the `cloudbroker.alibaba.resource_directory` inventory (examples/resource_directory) - first run,",
        "no-change run - then `rotate_keys.yml`, and two floors with the no-change run's shape (the same inventory",
        "and forks, one trivial task per task execution of a host): (a) trivial controller tasks (`set_fact`),",
        "(b) a trivial module (`ping`). CPU is the whole process tree's (user + system); peak RSS is the largest",
        "single process's. Requests per account include the run's own reads of the directory (the inventory).",
        "",
        "Sizes not run this time: %s. Floor (b) runs up to N=%s (a module per task: over an hour of this machine"
        % (", ".join("N=%d" % n for n in (10, 100, 1000) if n not in [r["accounts"] for r in results]) or "none",
           max([r["accounts"] for r in results if "floor-ping" in r["per_account"]] or [0])),
        "at N=1000).",
        "",
        "History of the no-change run (issue 10): ~4.5 CPU-s and 12 API requests per account before this work;",
        "1.225 CPU-s at N=100 with 34 task executions per account, then 0.681 with 15 (N RAM users of one",
        "account: no AssumeRole, no inventory plugin, no access-role play). In the directory shape first measured,",
        "0.805 CPU-s at N=100 with 16 task executions per account and 2 AssumeRole per member; the floors then",
        "had the executed tasks only (7 per host), while a skipped task and an include are a worker process too.",
        "0.584 CPU-s at N=100 with 12 task executions per account, one AssumeRole per member (session 4); then 11,",
        "with the inventory plugin's own groups (no per-host task of the access-role play for a created member).",
        "",
        "![CPU per account and per run](benchmarks.png)",
        "",
        "| N | run | wall s | CPU s | CPU s / account | peak RSS MB | module runs / account "
        "| controller tasks / account | task executions / account | RAM req / account | marketplace req / account |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        count = result["accounts"]
        for run in result["runs"] + result["floors"]:
            per = result["per_account"][run["label"]]
            lines.append("| %d | %s | %.1f | %.1f | %.3f | %.0f | %.1f | %.1f | %.1f | %.1f | %.1f |" % (
                count, run["label"], run["wall_s"], run["cpu_s"], per["cpu_s"], run["peak_rss_mb"],
                per["module_runs"], per["controller_tasks"], per.get("task_executions", 0),
                per["requests"].get("ram", 0), per["requests"].get("marketplace", 0)))
    lines += ["", "## No-change run against the floors", ""]
    for result in results:
        ratios = result["ratios"]
        lines.append("- N=%d: %.2f x floor (a) `set_fact`%s." % (
            result["accounts"], ratios["no_change_vs_floor_set_fact"],
            ", %.2f x floor (b) `ping`" % ratios["no_change_vs_floor_ping"] if "no_change_vs_floor_ping" in ratios
            else " (floor (b) not run at this size)"))
    lines += scaling_section(results)
    lines += ["", "## Where the CPU of a no-change run goes", "",
              "Every task a host runs is a worker process forked from `ansible-playbook`, also a task whose `when` is",
              "false (it is evaluated in the worker) and an `include_*` (the worker returns what to include): about",
              "the cost of one floor (a) task each, whatever the task does. Task executions per account times the",
              "floor's cost per task, and what is left (the resource work: templating the arguments, the API",
              "requests with their TLS handshakes, the checks):",
              ""]
    for result in results:
        per = result["per_account"]
        per_task = per["floor-set_fact"]["cpu_s"] / float(max(result["tasks_per_host"], 1))
        executions = per["no-change"].get("task_executions", 0)
        lines.append("- N=%d: %.1f task executions x %.3f CPU-s = %.3f; the rest %.3f of %.3f CPU-s per account." % (
            result["accounts"], executions, per_task, executions * per_task,
            per["no-change"]["cpu_s"] - executions * per_task, per["no-change"]["cpu_s"]))
    lines += ["",
              "Measured separately (2026-12-01, N=100, the no-change run; a wrapper that times ansible-core's template",
              "compilation in each worker, and cProfile): the workers compile about 120 templates per account - the",
              "tasks' arguments, their `when` conditions, the `module_defaults` and the variables these refer to - at",
              "0.5 to 3 ms each, about 0.19 CPU-s per account, a quarter of the run. ansible-core 2.19 keeps no",
              "compiled template: it compiles a template every time it renders one, so the forked workers share none;",
              "a floor (a) task compiles one. The asset account and credential steps send no request in a",
              "no-change run (they take the chain's first read), and still cost 50-70 ms of CPU each: ansible-core",
              "preparing their 20-30 arguments. The main process, about 15 ms per task execution (floor (a): 10), adds",
              "its share per task: the host's variables (`vars_files` are parsed again for every host and task), the",
              "result, the callbacks."]
    lines += ["", "## API requests of the no-change run, per action (largest N)", ""]
    largest = results[-1]
    no_change = next(run for run in largest["runs"] if run["label"] == "no-change")
    for service, counts in sorted(no_change["requests"].items()):
        for action, number in sorted(counts.items()):
            wanted = minimum.get(service, {}).get(action)
            lines.append("- %s `%s`: %.2f per account%s" % (
                service, action, number / float(largest["accounts"]),
                "" if wanted is None else " (minimum %d)" % wanted))
    lines += ["", "## The minimum of a no-change run, and why", "",
              "Per account, reads only (benchmarks/bench.py `MINIMUM_NO_CHANGE`):",
              "",
              "- STS `AssumeRole`: once per member and run (the management account is reached directly, so N-1 of N",
              "  accounts). Every task runs in its own worker process; the tasks of a run share a member's session",
              "  through the run's private temporary directory (module_utils/ram/sts_sessions.py), instead of each",
              "  task that calls RAM assuming the role again.",
              "- RAM `GetUser`: the user exists and its attributes are as wanted.",
              "- RAM `ListPoliciesForUser`: the wanted policies are attached (one list answers for all).",
              "- RAM `ListAccessKeys`: the delivered key is still there and active (the secret cannot be read back).",
              "- Marketplace `GET /accounts/{accountId}`: the asset account exists with the wanted fields, and its",
              "  embedded credentials show that the credential holds the delivered key ID with the wanted purpose,",
              "  status and entities (docs/marketplace-api.md section 5: the same credentials, with the same",
              "  visibility, as `GET /accounts/{id}/credentials`), so no separate credentials read is needed. The",
              "  onboarding chain reads it first (which key does the marketplace hold?) and hands the view to the",
              "  asset account and credential steps (`known_account`), which report no change without reading again;",
              "  anything that is not as wanted is decided on a fresh read, so a stale view can only postpone a change.",
              "",
              "Not in the minimum, and why:",
              "",
              "- Resource Manager `GetResourceDirectory`, `ListAccounts`, `ListFoldersForParent`: the inventory",
              "  plugin reads the directory once per run (a few requests for the whole run, not per account; with",
              "  its cache enabled, none).",
              "- STS `GetCallerIdentity`: only for a new key (whose is it? never the root account; its account UID is",
              "  the account number of a new asset account). An onboarded account keeps the number it has, and the",
              "  credential step does not ask again for a key the chain has just checked.",
              "- Marketplace `POST credentialsValidator` (and the STS call the broker makes for it): only when the",
              "  credential was created or changed, or on request (`marketplace_onboarding_test_connection_always`;",
              "  module option `test_connection_when`).",
              "- Marketplace `GET /businessEntities`: business entities are resolved against the catalogue only when",
              "  a wanted one is not yet associated with the credential (a value equal to an associated id is that",
              "  entity: the catalogue matches ids first). A no-change run never reads it (0 per run, below the",
              "  'once per run' the issue allows). A run where some account has no credential yet reads it once",
              "  for the whole run (`marketplace_business_entity_info`, `run_once`) and hands it to every credential",
              "  step (`business_entity_catalog`); an existing credential that wants a new entity reads it itself.",
              "",
              "Rotation (`rotate_keys.yml`) and the first run are not held to this minimum: they write.",
              ""]
    lines += first_run_section(largest)
    with open(os.path.join(docs_dir, "benchmarks.md"), "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def scaling_section(results):
    """How the no-change run's cost per account and its memory change with N, beside floor (a)'s."""
    if len(results) < 2:
        return []
    lines = ["", "## From the smallest to the largest N", "",
             "The no-change run beside floor (a), which has its shape (the same hosts, forks and task executions) and "
             "none of its work: what grows in both is ansible-core's own cost per task execution; what grows in the "
             "no-change run only is the collection's. Peak RSS is the largest process's: the main process, which "
             "holds every host's variables and registered results, or a worker, which is a fork of it.", ""]
    for result in results:
        per = result["per_account"]
        peaks = dict((run["label"], run["peak_rss_mb"]) for run in result["runs"] + result["floors"])
        lines.append("- N=%d: no-change %.3f CPU-s per account, floor (a) %.3f (ratio %.2f); peak RSS %.0f MB, "
                     "floor (a) %.0f MB." % (
                         result["accounts"], per["no-change"]["cpu_s"], per["floor-set_fact"]["cpu_s"],
                         result["ratios"]["no_change_vs_floor_set_fact"], peaks.get("no-change", 0),
                         peaks.get("floor-set_fact", 0)))
    first, last = results[0], results[-1]

    def growth(label):
        return last["per_account"][label]["cpu_s"] / first["per_account"][label]["cpu_s"]

    lines += ["", "From N=%d to N=%d the no-change run's CPU per account changes by a factor of %.2f, floor (a)'s "
              "by %.2f." % (first["accounts"], last["accounts"], growth("no-change"), growth("floor-set_fact")),
              "",
              "Measured separately (2026-12-01, N=1000, the no-change run; each worker's peak RSS, which is the main",
              "process's at the fork plus its own): the largest process is the main one (219 MB). The workers of the",
              "chain's first steps start from about 100 MB, as floor (a)'s; the main process grows by about 75 MB while",
              "the hosts run the user step's include and the RAM user step (the next workers start from 178 MB), and to",
              "about 200 MB by the last steps. Floor (a) has no include and registers nothing. A worker's own memory",
              "(Private_Clean + Private_Dirty at the end of its task: its allocations and the parent's pages it wrote",
              "to) grows too, less: median 13.6 MB at N=20, 15.0 MB at N=100 and 20.8 MB at N=1000 (p95 27.3 MB)."]
    return lines


# Why each request of a first run (a new account) is made: no read or write that the run could do without.
FIRST_RUN_REASONS = {
    ("ram", "AssumeRole"): "once per member and run (the management account is reached directly)",
    ("ram", "GetUser"): "the user does not exist yet",
    ("ram", "CreateUser"): "the marketplace's RAM user",
    ("ram", "GetPolicy"): "the wanted policy exists, and whether it is a system or a custom policy",
    ("ram", "AttachPolicyToUser"): "the wanted policy (AdministratorAccess by default)",
    ("ram", "ListAccessKeys"): "the key step's read before it creates a key (a new user skips the rename check)",
    ("ram", "CreateAccessKey"): "the key the marketplace will hold",
    ("ram", "GetCallerIdentity"): "two per account: whose is the new key (never the root account; the account "
                                  "number), and the broker's own check of the key for its test connection",
    ("ram", "GetResourceDirectory"): "the inventory plugin, once per run",
    ("ram", "ListAccounts"): "the inventory plugin, once per run (pages of the directory)",
    ("ram", "ListFoldersForParent"): "the inventory plugin, once per run (the folder paths)",
    ("marketplace", "GET /cb-credential-service/api/v2.0/accounts/{accountId}"):
        "four per member: the chain's first read; a fresh read before the asset account is created (an "
        "overlapping run may have created it); the master account it is created under (it must exist and be a "
        "master account); after the delivery, "
        "which key the credential holds (an overlapping run may have stored its own)",
    ("marketplace", "POST /cb-credential-service/api/v2.0/accounts"): "the asset account",
    ("marketplace", "POST /cb-credential-service/api/v2.0/accounts/{accountId}/credentials"): "the credential",
    ("marketplace", "POST /cb-credential-service/api/v2.0/credentialsValidator"): "the test connection of the new "
                                                                                  "credential",
    ("marketplace", "GET /cb-credential-service/api/v2.0/businessEntities"): "once per onboarding play (the "
                                                                             "management account's and the "
                                                                             "members'), not per account",
}


def first_run_section(result):
    """The first run's requests per action, with why each is made."""
    first = next(run for run in result["runs"] if run["label"] == "first")
    lines = ["## The first run, request by request (largest N)", "",
             "A new account: every request of the first run, per account, and why it is made.", ""]
    for service, counts in sorted(first["requests"].items()):
        for action, number in sorted(counts.items()):
            lines.append("- %s `%s`: %.2f per account - %s." % (
                service, action, number / float(result["accounts"]),
                FIRST_RUN_REASONS.get((service, action), "not explained")))
    return lines + [""]
