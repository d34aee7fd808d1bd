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
        axes[0].plot(sizes, [r["per_account"][label]["cpu_s"] for r in results], marker="o", label=label)
        axes[1].plot(sizes, [r["per_account"][label]["cpu_s"] * r["accounts"] for r in results], marker="o",
                     label=label)
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
        "Each size starts fresh local services and an inventory of N accounts shaped like examples/inventory,",
        "then runs `onboard.yml` (first run, no-change run), `rotate_keys.yml`, and two floors with the no-change",
        "run's shape: (a) trivial controller tasks (`set_fact`), (b) a trivial module (`ping`). CPU is the whole",
        "process tree's (user + system); peak RSS is the largest single process's.",
        "",
        "![CPU per account and per run](benchmarks.png)",
        "",
        "| N | run | wall s | CPU s | CPU s / account | peak RSS MB | module runs / account "
        "| controller tasks / account | RAM req / account | marketplace req / account |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        count = result["accounts"]
        for run in result["runs"] + result["floors"]:
            per = result["per_account"][run["label"]]
            lines.append("| %d | %s | %.1f | %.1f | %.3f | %.0f | %.1f | %.1f | %.1f | %.1f |" % (
                count, run["label"], run["wall_s"], run["cpu_s"], per["cpu_s"], run["peak_rss_mb"],
                per["module_runs"], per["controller_tasks"], per["requests"].get("ram", 0),
                per["requests"].get("marketplace", 0)))
    lines += ["", "## No-change run against the floors", ""]
    for result in results:
        lines.append("- N=%d: %.2f x floor (a) `set_fact`, %.2f x floor (b) `ping`." % (
            result["accounts"], result["ratios"]["no_change_vs_floor_set_fact"],
            result["ratios"]["no_change_vs_floor_ping"]))
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
              "- RAM `GetUser`: the user exists and its attributes are as wanted.",
              "- RAM `ListPoliciesForUser`: the wanted policies are attached (one list answers for all).",
              "- RAM `ListAccessKeys`: the delivered key is still there and active (the secret cannot be read back).",
              "- Marketplace `GET /accounts/{accountId}`: the asset account exists with the wanted fields, and its",
              "  embedded credentials show that the credential holds the delivered key ID with the wanted purpose",
              "  and entities (docs/marketplace-api.md), so no separate credentials read is needed.",
              "- Run-wide facts (the business-entity catalogue) are read once per run, not per account; the test",
              "  connection runs only when the credential changed or on request.",
              ""]
    with open(os.path.join(docs_dir, "benchmarks.md"), "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
