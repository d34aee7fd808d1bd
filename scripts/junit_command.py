"""Run one command and record it as one JUnit test case (for stages whose tools write no JUnit themselves).

    python3 scripts/junit_command.py --report REPORT.xml --name NAME [--ran REGEX] -- COMMAND [ARG ...]

The command's output goes to the terminal as it comes. The test case passes when the command exits 0 and,
if ``--ran`` is given, its output matches REGEX with a first group that is a number above 0 (proof that the
tool looked at something: ``--ran 'in (\\d+) files processed'`` for ansible-lint). A failed case carries
the exit status and the end of the output. Exits with the command's exit status (1 when only ``--ran``
failed), so ``make`` stops or goes on as it would without this wrapper.
"""

import argparse
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

TAIL = 4000


def run(command):
    """Run ``command``, echoing its combined output; returns (exit status, output, seconds)."""
    start = time.monotonic()
    try:
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                errors="replace")
    except OSError as exc:
        return 127, "%s: %s\n" % (command[0], exc), 0.0
    chunks = []
    for line in proc.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        chunks.append(line)
    return proc.wait(), "".join(chunks), time.monotonic() - start


def verdict(status, output, ran_pattern):
    """``None`` when the case passed, else the failure message."""
    if status != 0:
        return "exited with status %d" % status
    if ran_pattern:
        match = re.search(ran_pattern, output)
        if not match or int(match.group(1)) == 0:
            return "ran nothing: the output does not match %r with a count above 0" % ran_pattern
    return None


def write_report(path, stage, name, seconds, failure, output):
    suite = ET.Element("testsuite", name=stage, tests="1", failures="1" if failure else "0", errors="0",
                       skipped="0", time="%.3f" % seconds)
    case = ET.SubElement(suite, "testcase", classname=stage, name=name, time="%.3f" % seconds)
    if failure:
        ET.SubElement(case, "failure", message=failure).text = output[-TAIL:]
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    root = ET.Element("testsuites")
    root.append(suite)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--report", required=True, help="the JUnit XML file to write")
    parser.add_argument("--name", required=True, help="the test case name")
    parser.add_argument("--stage", help="the suite and class name (default: the report's directory name)")
    parser.add_argument("--ran", help="regex whose first group counts what the tool checked; 0 or no match fails")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given (put it after --)")
    stage = args.stage or os.path.basename(os.path.dirname(os.path.abspath(args.report)))
    status, output, seconds = run(command)
    failure = verdict(status, output, args.ran)
    write_report(args.report, stage, args.name, seconds, failure, output)
    if failure:
        print("%s: %s" % (args.name, failure), file=sys.stderr)
    return status if status else (1 if failure else 0)


if __name__ == "__main__":
    sys.exit(main())
