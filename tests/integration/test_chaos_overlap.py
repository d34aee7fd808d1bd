"""Overlapping runs of the playbooks on the same inventory (issue 13, part 3): every run succeeds and the end state is
one key per user, held by the one credential of the one asset account, and working. Overlapping onboard.yml runs; two
rotate_keys.yml runs on the same host; onboard.yml of one host while offboard.yml removes another.

Fixed start offsets (seconds after the first run), one host each, so the suite stays bounded; ``make chaos``
(scripts/chaos.py) runs the randomized, larger version.
"""

import pytest
from alibabacloud_ram20150501 import models as ram_models

from chaos_runs import OFFBOARD, ONBOARD, ROTATE, Chaos, failure_lines, host_vars

pytestmark = pytest.mark.integration

HOST = "alibaba-dev"
OTHER_HOST = "alibaba-analytics"


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


# At the same instant the second CreateAccessKey meets RAM's 2-key limit and waits for the first run's key; started
# later, the second rotation may read the key the first has just switched to and rotate again, deleting the first
# run's old key (replaced, not in flight) while the first is about to deactivate it.
@pytest.mark.parametrize("offsets", [[0, 0], [0, 0.8], [0, 2]], ids=["0s", "0.8s", "2s"])
def test_two_overlapping_rotations_leave_one_working_key(chaos, offsets):
    rc, output = chaos.run([HOST])
    assert rc == 0, failure_lines(output)
    user = host_vars(HOST)["ram_onboarding_user_name"]
    (old_key, _status), = chaos.keys(user)

    results = chaos.overlapping([HOST], offsets, playbook=ROTATE)

    assert [rc for rc, _output in results] == [0, 0], [failure_lines(out) for _rc, out in results]
    # exactly one key (no orphan of either run), active, held by the one credential, and the test connection passes
    assert chaos.problems(HOST) == []
    (new_key, _status), = chaos.keys(user)
    assert new_key != old_key  # rotated, and the old key is gone


def ram_user_names(chaos):
    body = chaos.ram.list_users(ram_models.ListUsersRequest(max_items=1000)).body
    return {user.user_name for user in body.users.user}


def asset_account_names(chaos):
    page = chaos.market("GET", "/accounts/type/asset", params={"serviceProviderCode": "alibaba", "limit": 1000})
    assert page.status_code == 200, page.text
    return [account["basicInfo"]["accountName"] for account in page.json()[1:]]


@pytest.mark.parametrize("onboard_at, offboard_at", [(0, 0), (0, 1.5), (1.5, 0)],
                         ids=["together", "offboard-1.5s-later", "onboard-1.5s-later"])
def test_onboarding_one_host_while_offboarding_another(chaos, onboard_at, offboard_at):
    rc, output = chaos.run([OTHER_HOST])
    assert rc == 0, failure_lines(output)
    mine, other = host_vars(HOST), host_vars(OTHER_HOST)
    assert other["ram_onboarding_user_name"] in ram_user_names(chaos)

    results = chaos.started_apart([
        (onboard_at, dict(hosts=[HOST], playbook=ONBOARD)),
        (offboard_at, dict(hosts=[OTHER_HOST], playbook=OFFBOARD, extra_vars={"offboard_confirm": True}))])

    assert [rc for rc, _output in results] == [0, 0], [failure_lines(out) for _rc, out in results]
    assert chaos.problems(HOST) == []  # converged: one key, held by its credential, working
    assert other["ram_onboarding_user_name"] not in ram_user_names(chaos)  # the other host is gone on both sides
    assert asset_account_names(chaos) == [mine["marketplace_onboarding_account_name"]]
    # untouched by the offboarding: a re-run has nothing to do and keeps the key the overlapping run made
    keys = chaos.keys(mine["ram_onboarding_user_name"])
    rc, output = chaos.run([HOST])
    assert rc == 0 and "changed=0" in output, failure_lines(output)
    assert chaos.keys(mine["ram_onboarding_user_name"]) == keys
