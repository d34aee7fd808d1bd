"""Overlapping runs of playbooks/onboard.yml on the same inventory (issue 13, part 3): every run succeeds and the
end state is one key per user, held by the one credential of the one asset account, and working.

Fixed start offsets (seconds after the first run), one host each, so the suite stays bounded; ``make chaos``
(scripts/chaos.py) runs the randomized, larger version.
"""

import pytest

from chaos_runs import Chaos, failure_lines

pytestmark = pytest.mark.integration

HOST = "alibaba-dev"


@pytest.fixture
def chaos():
    world = Chaos()
    yield world
    world.close()


@pytest.mark.parametrize("offsets", [[0, 0], [0, 1.5], [0, 0.4, 2.5]], ids=["2-runs-0s", "2-runs-1.5s", "3-runs"])
def test_overlapping_first_runs_all_succeed_and_leave_one_key(chaos, offsets):
    results = chaos.overlapping([HOST], offsets)
    assert [rc for rc, _output in results] == [0] * len(offsets), [failure_lines(out) for _rc, out in results]
    assert chaos.problems(HOST) == []
    # the runs agree afterwards: nothing left to do
    rc, output = chaos.run([HOST])
    assert rc == 0 and "changed=0" in output, failure_lines(output)


def test_a_run_overlapping_a_converged_one_changes_nothing(chaos):
    assert chaos.run([HOST])[0] == 0
    results = chaos.overlapping([HOST], [0, 0.5])
    assert [rc for rc, _output in results] == [0, 0]
    assert all("changed=0" in output for _rc, output in results)
    assert chaos.problems(HOST) == []
