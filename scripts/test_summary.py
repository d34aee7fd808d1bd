"""Print the closing line of ``make test`` from the pytest JUnit reports.

    python3 scripts/test_summary.py [--seconds N] REPORT.xml [REPORT.xml ...]

Reports that do not exist are skipped. Prints one line per report, then, last and alone on its line,
``test: N passed, N failed, N skipped``. Exits non-zero if a report counts a failure or an error.
"""

import argparse
import os
import sys
import xml.etree.ElementTree as ET


def counts(path):
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    total = failed = skipped = 0
    for suite in suites:
        total += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return total - failed - skipped, failed, skipped


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int)
    parser.add_argument("reports", nargs="+")
    args = parser.parse_args(argv)
    passed = failed = skipped = 0
    for path in args.reports:
        if not os.path.exists(path):
            continue
        p, f, s = counts(path)
        print("  %-12s %d passed, %d failed, %d skipped" % (os.path.splitext(os.path.basename(path))[0] + ":", p, f, s))
        passed, failed, skipped = passed + p, failed + f, skipped + s
    if args.seconds is not None:
        print("  sanity and lint passed; make test took %dm%02ds" % divmod(args.seconds, 60))
    print("test: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
