"""Units of scripts/test_summary.py (the closing line of `make test`) and scripts/junit_command.py."""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))), "scripts"))

import junit_command  # noqa: E402  pylint: disable=wrong-import-position
import test_summary  # noqa: E402  pylint: disable=wrong-import-position

SPLITS = ["--split", "integration:molecule=test_molecule.py",
          "--split", "integration:services=test_ram_service.py,test_sandbox_*.py"]


def case(classname, name, result="passed"):
    inner = {"passed": "", "failed": '<failure message="boom"/>', "error": '<error message="boom"/>',
             "skipped": '<skipped message="later"/>'}[result]
    return '<testcase classname="%s" name="%s">%s</testcase>' % (classname, name, inner)


def write_stage(reports, stage, cases, status=0, name="pytest.xml"):
    os.makedirs(reports / stage, exist_ok=True)
    (reports / stage / name).write_text('<?xml version="1.0"?><testsuites><testsuite name="pytest">%s</testsuite>'
                                        "</testsuites>" % "".join(cases))
    if status is not None:
        (reports / (stage + ".exit")).write_text("%d\n" % status)


def summary(reports, capsys, *stages):
    rc = test_summary.main(["--reports", str(reports)] + SPLITS + list(stages))
    lines = capsys.readouterr().out.splitlines()
    return rc, lines


INTEGRATION = [case("tests.integration.test_ram_modules", "a"), case("tests.integration.test_ram_modules", "b"),
               case("tests.integration.test_molecule", "m"), case("tests.integration.test_ram_service", "s"),
               case("tests.integration.test_sandbox_tls", "t", "skipped")]


def test_all_green_counts_every_case_and_shows_the_services_apart(tmp_path, capsys):
    write_stage(tmp_path, "units", [case("tests.unit.x.TestA", "u1"), case("tests.unit.x.TestA", "u2")])
    write_stage(tmp_path, "integration", INTEGRATION)
    rc, lines = summary(tmp_path, capsys, "units", "integration")
    assert rc == 0
    assert lines[-1] == "test: 6 passed, 0 failed, 1 skipped"
    rows = {line.split(":")[0].strip(): line.split(":", 1)[1].strip() for line in lines[:4]}
    assert rows == {"units": "2 passed, 0 failed, 0 skipped", "integration": "2 passed, 0 failed, 0 skipped",
                    "molecule (in integration)": "1 passed, 0 failed, 0 skipped",
                    "services (in integration)": "1 passed, 0 failed, 1 skipped"}
    assert ("tests of the collection: 5 passed, 0 failed, 0 skipped; "
            "tests of the local services: 1 passed, 0 failed, 1 skipped") in lines[4]


def test_a_failed_or_errored_case_fails_the_run(tmp_path, capsys):
    write_stage(tmp_path, "units", [case("t.x", "a", "failed"), case("t.x", "b", "error"), case("t.x", "c")], 1)
    rc, lines = summary(tmp_path, capsys, "units")
    assert rc == 1 and lines[-1] == "test: 1 passed, 2 failed, 0 skipped"


@pytest.mark.parametrize("prepare, problem", [
    (lambda r: None, "units: did not run (no report, no exit status)"),
    (lambda r: (r / "units.exit").write_text("2"), "units: no JUnit report in"),
    (lambda r: write_stage(r, "units", []), "units: ran no test"),
    (lambda r: write_stage(r, "units", [case("t.x", "a")], status=5), "units: exited with status 5, but no test"),
    (lambda r: write_stage(r, "units", [case("t.x", "a")], status=None), "units: no exit status recorded"),
    (lambda r: (os.makedirs(r / "units"), (r / "units" / "x.xml").write_text("<testsuites>"),
                (r / "units.exit").write_text("0")), "units: unreadable report"),
])
def test_a_stage_without_a_usable_result_counts_as_a_failure(tmp_path, capsys, prepare, problem):
    prepare(tmp_path)
    rc, lines = summary(tmp_path, capsys, "units")
    assert rc == 1
    assert any(line.strip().startswith("FAILED " + problem) for line in lines), lines
    assert lines[-1].startswith("test: ") and ", 0 failed" not in lines[-1]


def test_a_split_group_that_ran_nothing_fails(tmp_path, capsys):
    write_stage(tmp_path, "integration", INTEGRATION[:2])  # no molecule, no service test
    rc, lines = summary(tmp_path, capsys, "integration")
    assert rc == 1
    assert "  FAILED molecule: ran no test" in lines and "  FAILED services: ran no test" in lines
    assert lines[-1] == "test: 2 passed, 2 failed, 0 skipped"


def test_seconds_are_reported_without_claiming_anything_passed(tmp_path, capsys):
    write_stage(tmp_path, "units", [case("t.x", "a")])
    test_summary.main(["--reports", str(tmp_path), "--seconds", "75", "units"])
    out = capsys.readouterr().out
    assert "make test took 1m15s" in out and "sanity" not in out and "lint" not in out


def test_bad_split_is_refused():
    with pytest.raises(SystemExit):
        test_summary.main(["--reports", ".", "--split", "integration-molecule", "units"])


# -- scripts/junit_command.py --------------------------------------------------------------------------------

def run_command(tmp_path, capsys, *command, ran=None):
    report = tmp_path / "lint" / "tool.xml"
    args = ["--report", str(report), "--name", "tool"] + (["--ran", ran] if ran else []) + ["--"] + list(command)
    rc = junit_command.main(args)
    capsys.readouterr()
    (tmp_path / "lint.exit").write_text(str(rc))
    return rc, summary(tmp_path, capsys, "lint")


def test_a_passing_command_is_one_passed_case(tmp_path, capsys):
    rc, (summary_rc, lines) = run_command(tmp_path, capsys, sys.executable, "-c", "print('in 12 files processed')",
                                          ran=r"in (\d+) files processed")
    assert (rc, summary_rc, lines[-1]) == (0, 0, "test: 1 passed, 0 failed, 0 skipped")


def test_a_failing_command_keeps_its_exit_status_and_fails_its_case(tmp_path, capsys):
    rc, (summary_rc, lines) = run_command(tmp_path, capsys, sys.executable, "-c", "import sys; sys.exit(3)")
    assert (rc, summary_rc, lines[-1]) == (3, 1, "test: 0 passed, 1 failed, 0 skipped")
    assert "exited with status 3" in (tmp_path / "lint" / "tool.xml").read_text()


@pytest.mark.parametrize("output", ["in 0 files processed", "nothing to say"])
def test_a_command_that_looked_at_nothing_fails(tmp_path, capsys, output):
    rc, (summary_rc, lines) = run_command(tmp_path, capsys, sys.executable, "-c", "print(%r)" % output,
                                          ran=r"in (\d+) files processed")
    assert (rc, summary_rc, lines[-1]) == (1, 1, "test: 0 passed, 1 failed, 0 skipped")
    assert "ran nothing" in (tmp_path / "lint" / "tool.xml").read_text()


def test_a_missing_program_is_a_failed_case(tmp_path, capsys):
    rc, (summary_rc, _lines) = run_command(tmp_path, capsys, str(tmp_path / "no-such-program"))
    assert rc == 127 and summary_rc == 1
