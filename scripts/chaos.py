"""``make chaos``: playbooks/onboard.yml against the local services under randomized faults, overlapping runs and
SIGKILL at every write, with a summary table (issue 13). Each trial starts from fresh services.

    python scripts/chaos.py [--size smoke|full] [--seed N] [--junit REPORT.xml] [--only SCENARIO ...]

Scenarios (trials per size: smoke / full):
  faults-30   first run at 30% throttling + 10% 5xx + 50 ms latency on both services, all example hosts (2 / 10):
              must converge (rc 0 and every invariant of tests/integration/chaos_runs.py).
  faults-60   first run at 60% throttling + 50 ms (1 / 4): converges, or fails naming the retry budget
              ("gave up after ... (retry_timeout|max_retries)"); the next run without faults must converge.
  lost-answer half of RAM's answers lost after the request was applied (1 / 4): must converge.
  overlap-2   two runs started 0-4 s apart (random), one or two hosts (2 / 10): every run rc 0, then converged.
  overlap-3   three runs started 0-4 s apart (2 / 10): the same.
  rotate-2    an onboarded host, then two rotate_keys.yml runs started 0-2 s apart, half of the trials at the same
              instant (2 / 10): both rc 0, then converged (one key, the rotated one, held and working).
  kill        --forks 1, one host: SIGKILL at write k for every k of a clean run (every 4th k / every k), then one
              re-run (with onboarding_key_grace_seconds: 5, so that the killed run's undelivered key is given up
              quickly): must converge.
Exit status 1 when a scenario has a trial that broke its rule. The result table is also written as JUnit (one test case
per scenario) with --junit, as scripts/junit_command.py does, so that a smoke size can be a `make test` stage.
"""

import argparse
import os
import random
import re
import sys
import time
import xml.etree.ElementTree as ET

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))

from chaos_runs import ROTATE, Chaos, failure_lines  # noqa: E402  pylint: disable=wrong-import-position

HOSTS = ["alibaba-prod", "alibaba-dev", "alibaba-analytics"]
TRIALS = {"smoke": dict(faults30=2, faults60=1, lost=1, overlap2=2, overlap3=2, rotate2=2, kill_step=4),
          "full": dict(faults30=10, faults60=4, lost=4, overlap2=10, overlap3=10, rotate2=10, kill_step=1)}
BUDGET_NAMED = re.compile(r"gave up after .*\((retry_timeout|max_retries)")


class Trial:
    def __init__(self, scenario, label):
        self.scenario, self.label = scenario, label
        self.outcome = None  # "converged", "failed-cleanly", "broken"
        self.detail = ""
        self.seconds = 0.0


def converged(world, hosts):
    return [problem for host in hosts for problem in world.problems(host)]


def trial(scenario, label, body):
    result = Trial(scenario, label)
    start = time.monotonic()
    world = Chaos()
    try:
        result.outcome, result.detail = body(world)
    except Exception as exc:  # pylint: disable=broad-except  # a harness failure is a broken trial, reported
        result.outcome, result.detail = "broken", "%s: %s" % (type(exc).__name__, exc)
    finally:
        world.close()
    result.seconds = time.monotonic() - start
    print("  %-11s %-28s %-15s %5.0f s  %s" % (scenario, label, result.outcome, result.seconds, result.detail[:150]),
          flush=True)
    return result


def faults30(seed):
    def body(world):
        world.set_faults(seed, throttle_rate=0.3, error_rate=0.1, latency_ms=50)
        rc, output = world.run(HOSTS)
        problems = converged(world, HOSTS)
        if rc == 0 and not problems:
            return "converged", ""
        return "broken", "rc %d %s %s" % (rc, failure_lines(output), problems)
    return body


def faults60(seed):
    def body(world):
        world.set_faults(seed, throttle_rate=0.6, latency_ms=50)
        rc, output = world.run(HOSTS)
        if rc == 0:
            problems = converged(world, HOSTS)
            return ("converged", "") if not problems else ("broken", str(problems))
        if not BUDGET_NAMED.search(output):
            return "broken", "failed without naming a budget: %s" % failure_lines(output)
        world.sandbox.clear_faults()
        rc, output = world.run(HOSTS)
        problems = converged(world, HOSTS)
        if rc == 0 and not problems:
            return "failed-cleanly", "budget named; the next run converged"
        return "broken", "next run rc %d %s %s" % (rc, failure_lines(output), problems)
    return body


def lost_answers(seed):
    def body(world):
        world.sandbox.set_faults("ram", lost_answer_rate=0.5, seed=seed)
        rc, output = world.run(HOSTS[:1])
        lost = world.sandbox.injected_faults("ram").get("CreateAccessKey (answer lost)", 0)
        problems = converged(world, HOSTS[:1])
        if rc == 0 and not problems:
            return "converged", "%d CreateAccessKey answers lost" % lost
        return "broken", "rc %d %s %s" % (rc, failure_lines(output), problems)
    return body


def verdict_of_overlapping(world, hosts, offsets, results):
    """Overlapping runs converged when every one of them succeeded and the hosts are left as one run leaves them."""
    rcs = [rc for rc, _output in results]
    problems = converged(world, hosts)
    if rcs == [0] * len(results) and not problems:
        return "converged", "offsets %s" % offsets
    return "broken", "offsets %s rcs %s %s %s" % (offsets, rcs, problems,
                                                  [failure_lines(out) for rc, out in results if rc])


def overlap(rng, runs):
    hosts = HOSTS[:rng.choice([1, 2])]
    offsets = [0.0] + sorted(round(rng.uniform(0, 4), 2) for _run in range(runs - 1))

    def body(world):
        return verdict_of_overlapping(world, hosts, offsets, world.overlapping(hosts, offsets))
    return body, "%d hosts %s" % (len(hosts), "/".join("%g" % o for o in offsets))


def overlapping_rotations(rng):
    """Two rotate_keys.yml runs of one onboarded host, the second 0-2 s after the first (0 s included: both
    CreateAccessKey calls may meet RAM's 2-key limit)."""
    offsets = [0.0, rng.choice([0.0, round(rng.uniform(0, 2), 2)])]

    def body(world):
        rc, output = world.run(HOSTS[:1])
        if rc != 0:
            return "broken", "onboarding before the rotations: rc %d %s" % (rc, failure_lines(output))
        return verdict_of_overlapping(world, HOSTS[:1], offsets, world.overlapping(HOSTS[:1], offsets, playbook=ROTATE))
    return body, "rotations %s" % "/".join("%g" % o for o in offsets)


def writes_of_a_clean_run():
    world = Chaos()
    try:
        before = world.writes()
        rc, output = world.run(HOSTS[1:2], forks=1)
        assert rc == 0, failure_lines(output)
        return world.writes() - before
    finally:
        world.close()


def killed(write_index):
    def body(world):
        was_killed = world.killed_at_write(HOSTS[1:2], write_index, forks=1)
        rc, output = world.run(HOSTS[1:2], extra_vars={"onboarding_key_grace_seconds": 5})
        problems = converged(world, HOSTS[1:2])
        if rc == 0 and not problems:
            return "converged", "" if was_killed else "(finished before the kill)"
        return "broken", "re-run rc %d %s %s" % (rc, failure_lines(output), problems)
    return body


def write_junit(path, results, seconds):
    failed = sum(1 for trials in results.values() if any(t.outcome == "broken" for t in trials))
    suite = ET.Element("testsuite", name="chaos", tests=str(len(results)), errors="0", skipped="0",
                       failures=str(failed), time="%.3f" % seconds)
    for scenario, trials in results.items():
        case = ET.SubElement(suite, "testcase", classname="chaos", name=scenario,
                             time="%.3f" % sum(t.seconds for t in trials))
        broken = [t for t in trials if t.outcome == "broken"]
        if broken:
            message = "%d of %d trials broke the rule" % (len(broken), len(trials))
            ET.SubElement(case, "failure", message=message).text = "\n".join("%s: %s" % (t.label, t.detail)
                                                                             for t in broken)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    root = ET.Element("testsuites")
    root.append(suite)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(TRIALS), default="full")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--junit")
    parser.add_argument("--only", nargs="*", help="scenarios to run (default: all)")
    args = parser.parse_args(argv)
    sizes = TRIALS[args.size]
    rng = random.Random(args.seed)
    chosen = set(args.only or ["faults-30", "faults-60", "lost-answer", "overlap-2", "overlap-3", "rotate-2",
                               "kill"])
    started = time.monotonic()
    results = {}

    def scenario(name, plans):
        if name in chosen:
            print("== %s" % name, flush=True)
            results[name] = [trial(name, label, body) for label, body in plans()]

    seeds = [rng.randrange(10 ** 6) for _seed in range(max(sizes.values()) * 2)]
    scenario("faults-30", lambda: [("seed %d" % s, faults30(s)) for s in seeds[:sizes["faults30"]]])
    scenario("faults-60", lambda: [("seed %d" % s, faults60(s)) for s in seeds[:sizes["faults60"]]])
    scenario("lost-answer", lambda: [("seed %d" % s, lost_answers(s)) for s in seeds[:sizes["lost"]]])
    for runs, key in ((2, "overlap2"), (3, "overlap3")):
        scenario("overlap-%d" % runs, lambda runs=runs, key=key: [
            (label, body) for body, label in (overlap(rng, runs) for _trial in range(sizes[key]))])
    scenario("rotate-2", lambda: [(label, body) for body, label in (
        overlapping_rotations(rng) for _trial in range(sizes["rotate2"]))])
    if "kill" in chosen:
        total = writes_of_a_clean_run()
        print("(a clean run of one host makes %d writes)" % total)
        scenario("kill", lambda: [("kill at write %d/%d" % (k, total), killed(k))
                                  for k in range(1, total + 1, sizes["kill_step"])])

    seconds = time.monotonic() - started
    header = ("scenario", "trials", "converged", "failed cleanly", "broken", "mean s", "max s")
    print("\n%-12s %7s %10s %15s %7s %8s %8s" % header)
    for name, trials in results.items():
        outcomes = [t.outcome for t in trials]
        times = [t.seconds for t in trials] or [0]
        print("%-12s %7d %10d %15d %7d %8.0f %8.0f" % (
            name, len(trials), outcomes.count("converged"), outcomes.count("failed-cleanly"),
            outcomes.count("broken"), sum(times) / len(times), max(times)))
    broken = sum(1 for trials in results.values() for t in trials if t.outcome == "broken")
    print("chaos: %d trials, %d broken, %.0f s" % (sum(len(t) for t in results.values()), broken, seconds))
    if args.junit:
        write_junit(args.junit, results, seconds)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
