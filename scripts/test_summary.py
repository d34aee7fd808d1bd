"""Sum up the stages of ``make test`` from what each stage produced, and end with the closing line.

    python3 scripts/test_summary.py --reports DIR [--seconds N] [--split STAGE:GROUP=PATTERN[,PATTERN...]] STAGE...

Each STAGE left in DIR:

* ``DIR/STAGE/*.xml``: its JUnit reports (pytest --junitxml, ansible-test --junit, scripts/junit_command.py, ...);
* ``DIR/STAGE.exit``: its exit status (written by ``make test``).

``--split`` shows the test cases of STAGE whose module (a component of the JUnit ``classname``) matches one
of the patterns as a group of their own, e.g. ``--split integration:services=test_*_service.py``: the tests of
the local services are counted apart from the tests of the collection. The remaining cases stay in STAGE.

A stage fails when a report is missing or unreadable, when it or one of its groups ran no test, when a test
case failed or errored, or when it exited non-zero. Each stage or group that failed without a failing test
case (no report, nothing ran, a crash) counts as one failure in the closing line (once, however many problems
it has), so that ``0 failed`` always means success. The group named ``services`` is counted as tests of the local
services, everything else as tests of the collection. Prints one line per stage and group, then, last and alone on its line,
``test: N passed, N failed, N skipped``. Exits 1 if anything failed.
"""

import argparse
import fnmatch
import glob
import os
import sys
import xml.etree.ElementTree as ET

SERVICES_GROUP = "services"  # see --split


class Tally:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0

    def add(self, outcome):
        setattr(self, outcome, getattr(self, outcome) + 1)

    def absorb(self, other):
        self.passed += other.passed
        self.failed += other.failed
        self.skipped += other.skipped

    @property
    def total(self):
        return self.passed + self.failed + self.skipped

    def __str__(self):
        return "%d passed, %d failed, %d skipped" % (self.passed, self.failed, self.skipped)


def outcome(case):
    """``passed``, ``failed`` or ``skipped`` for a JUnit ``testcase`` element."""
    if case.find("failure") is not None or case.find("error") is not None:
        return "failed"
    if case.find("skipped") is not None:
        return "skipped"
    return "passed"


def test_cases(path):
    """The ``testcase`` elements of one JUnit file (``testsuites`` or a single ``testsuite`` root)."""
    return ET.parse(path).getroot().iter("testcase")


def parse_split(text):
    """``STAGE:GROUP=PAT[,PAT]`` -> (stage, group, [patterns])."""
    stage, sep, rest = text.partition(":")
    group, sep2, patterns = rest.partition("=")
    if not (sep and sep2 and stage and group and patterns):
        raise argparse.ArgumentTypeError("expected STAGE:GROUP=PATTERN[,PATTERN...], got %r" % text)
    return stage, group, [p.strip()[:-3] if p.strip().endswith(".py") else p.strip() for p in patterns.split(",")]


def group_of(case, stage, splits):
    parts = (case.get("classname") or "").split(".")
    for split_stage, group, patterns in splits:
        if split_stage == stage and any(fnmatch.fnmatchcase(part, pattern) for part in parts for pattern in patterns):
            return group
    return stage


def read_exit_status(reports, stage):
    path = os.path.join(reports, stage + ".exit")
    try:
        with open(path, encoding="utf-8") as handle:
            return int(handle.read().strip())
    except (OSError, ValueError):
        return None


def summarize_stage(reports, stage, splits):
    """Returns ([(name, Tally)], [(name, problem), ...]) for one stage and its groups."""
    groups = [stage] + [group for split_stage, group, _patterns in splits if split_stage == stage]
    tallies = {group: Tally() for group in groups}
    problems = []
    files = sorted(glob.glob(os.path.join(reports, stage, "*.xml")))
    status = read_exit_status(reports, stage)
    if not files and status is None:
        return [(group, tallies[group]) for group in groups], [(stage, "did not run (no report, no exit status)")]
    if not files:
        problems.append((stage, "no JUnit report in %s" % os.path.join(reports, stage)))
    for path in files:
        try:
            for case in test_cases(path):
                tallies[group_of(case, stage, splits)].add(outcome(case))
        except (ET.ParseError, OSError) as exc:
            problems.append((stage, "unreadable report %s (%s)" % (path, exc)))
    if files:
        problems.extend((group, "ran no test") for group in groups if tallies[group].total == 0)
    if status is None:
        problems.append((stage, "no exit status recorded in %s.exit (did it run?)" % stage))
    elif status != 0 and not any(tally.failed for tally in tallies.values()):
        problems.append((stage, "exited with status %d, but no test case failed" % status))
    return [(group, tallies[group]) for group in groups], problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--reports", required=True, help="the directory the stages wrote into")
    parser.add_argument("--seconds", type=int, help="how long the whole run took")
    parser.add_argument("--split", type=parse_split, action="append", default=[],
                        help="STAGE:GROUP=PATTERN[,PATTERN...]: count these test modules of STAGE apart")
    parser.add_argument("stages", nargs="+")
    args = parser.parse_args(argv)

    overall, services, problems = Tally(), Tally(), []
    for stage in args.stages:
        rows, stage_problems = summarize_stage(args.reports, stage, args.split)
        problems.extend(stage_problems)
        for name, tally in rows:
            label = name if name == stage else "%s (in %s)" % (name, stage)
            print("  %-28s %s" % (label + ":", tally))
            overall.absorb(tally)
            if name == SERVICES_GROUP:
                services.absorb(tally)
    collection = Tally()
    collection.absorb(overall)
    collection.passed -= services.passed
    collection.failed -= services.failed
    collection.skipped -= services.skipped
    print("  tests of the collection: %s; tests of the local services: %s" % (collection, services))
    for group, problem in problems:
        print("  FAILED %s: %s" % (group, problem))
    if args.seconds is not None:
        print("  make test took %dm%02ds" % divmod(args.seconds, 60))
    overall.failed += len({group for group, _problem in problems})
    print("test: %s" % overall)
    return 1 if overall.failed else 0


if __name__ == "__main__":
    sys.exit(main())
