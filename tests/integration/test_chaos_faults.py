"""playbooks/onboard.yml through injected faults on both services (issue 13, part 2), with fixed seeds: throttling,
5xx and latency are retried within the time budgets, an ambiguous CreateAccessKey is resolved, and a run that runs
out of budget fails naming it - after which the next run converges.
"""

import pytest

from chaos_runs import Chaos, failure_lines

pytestmark = pytest.mark.integration

HOSTS = ["alibaba-dev", "alibaba-analytics"]


@pytest.fixture
def chaos():
    world = Chaos()
    yield world
    world.close()


@pytest.mark.parametrize("seed", [11, 12])
def test_first_run_converges_at_30_percent_throttling_and_10_percent_5xx(chaos, seed):
    chaos.set_faults(seed, throttle_rate=0.3, error_rate=0.1, latency_ms=50)
    rc, output = chaos.run(HOSTS)
    assert rc == 0, failure_lines(output)
    for service in ("ram", "marketplace"):
        chaos.sandbox.assert_faults_retried(service)
    assert [problem for host in HOSTS for problem in chaos.problems(host)] == []


def test_ambiguous_creates_are_resolved(chaos):
    """Half of RAM's successful answers are lost after the request was applied (503, the sandbox's lost_answer_rate):
    a CreateAccessKey whose answer is lost made a key whose secret nobody holds. The run lists the keys, deletes that
    key and creates again; every other write is idempotent. One key at the end, held and working."""
    # The seed decides which answers are lost along the run's sequence of RAM requests: 10 loses two CreateAccessKey
    # answers in today's sequence (7 did until a new user stopped being checked for a rename). When the sequence
    # changes, the precondition below fails by name: pick a seed that loses one again (scripts/chaos.py lost-answer
    # runs this at many seeds).
    chaos.sandbox.set_faults("ram", lost_answer_rate=0.5, seed=10)
    rc, output = chaos.run(["alibaba-dev"])
    assert rc == 0, failure_lines(output)
    lost = chaos.sandbox.injected_faults("ram").get("CreateAccessKey (answer lost)", 0)
    assert lost >= 1  # the seed loses at least one CreateAccessKey answer...
    counters = chaos.sandbox.counters("ram")
    assert counters["CreateAccessKey"] == lost + 1  # ...each was resolved by one more create
    assert counters["DeleteAccessKey"] >= lost  # and the key it made was deleted
    assert chaos.problems("alibaba-dev") == []


def test_at_60_percent_throttling_a_run_converges_or_names_the_budget_and_the_next_converges(chaos):
    chaos.set_faults(21, throttle_rate=0.6, latency_ms=50)
    rc, output = chaos.run(["alibaba-dev"], extra_vars={"cloudbroker_retry_timeout": 20})
    if rc != 0:
        assert "gave up after" in output and ("retry_timeout" in output or "max_retries" in output), \
            failure_lines(output)
    chaos.sandbox.clear_faults()
    rc, output = chaos.run(["alibaba-dev"])
    assert rc == 0, failure_lines(output)
    assert chaos.problems("alibaba-dev") == []
