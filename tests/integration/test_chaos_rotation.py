"""playbooks/rotate_keys.yml when the new key fails (issue 13, part 5): the new key is tested inline before it replaces
the stored one, the old key stays active until the marketplace holds a key that passed, and a failure leaves the
stored credential and the old key as they were, removes the new key, and names why.

The new key is made to fail from outside, as a key that is revoked under a running rotation: a watcher deactivates
it (root credentials) at the step under test - as soon as it exists, or once the marketplace has stored it.
"""

import threading
import time

import pytest
from alibabacloud_ram20150501 import models as ram_models

from chaos_runs import ROTATE, Chaos, failure_lines, host_vars

pytestmark = pytest.mark.integration

HOST = "alibaba-dev"
USER = host_vars(HOST)["ram_onboarding_user_name"]


@pytest.fixture
def onboarded():
    world = Chaos()
    rc, output = world.run([HOST])
    assert rc == 0, failure_lines(output)
    yield world
    world.close()


def revoke_new_key(world, old_key, after_store):
    """Deactivate the first key other than ``old_key`` (once the marketplace stored it, with ``after_store``)."""
    def watch():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            new = [key for key, _status in world.keys(USER) if key != old_key]
            stored = any(op.startswith("PATCH") and count
                         for op, count in world.sandbox.counters("marketplace").items())
            if new and (stored or not after_store):
                world.ram.update_access_key(ram_models.UpdateAccessKeyRequest(
                    user_name=USER, user_access_key_id=new[0], status="Inactive"))
                watcher.revoked = new[0]
                return
            time.sleep(0.01)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.revoked = None
    watcher.start()
    return watcher


def test_a_new_key_that_fails_the_inline_test_never_replaces_the_stored_one(onboarded):
    world = onboarded
    [(old_key, _status)] = world.keys(USER)
    world.sandbox.reset_counters("marketplace")
    world.sandbox.set_faults("marketplace", latency_ms=300)  # the revocation lands before the inline test
    watcher = revoke_new_key(world, old_key, after_store=False)
    rc, output = world.run([HOST], playbook=ROTATE)
    watcher.join(5)
    assert watcher.revoked and rc != 0
    assert "failed the test connection before it was stored" in output and "InvalidAccessKeyId.Inactive" in output
    assert world.sandbox.counters("marketplace").get(
        "PATCH /cb-credential-service/api/v2.0/accounts/{accountId}/credentials/{credId}", 0) == 0  # nothing stored
    assert world.keys(USER) == [(old_key, "Active")]  # the new key removed, the old one untouched
    assert world.problems(HOST) == []  # the stored credential still holds the old key, and works
    # the next rotation, undisturbed, completes
    rc, output = world.run([HOST], playbook=ROTATE)
    assert rc == 0, failure_lines(output)
    [(new_key, _status)] = world.keys(USER)
    assert new_key != old_key and world.problems(HOST) == []


def test_a_failure_after_the_switch_re_activates_the_old_key(onboarded):
    world = onboarded
    [(old_key, _status)] = world.keys(USER)
    world.sandbox.reset_counters("marketplace")
    watcher = revoke_new_key(world, old_key, after_store=True)
    rc, output = world.run([HOST], playbook=ROTATE)
    watcher.join(5)
    assert watcher.revoked and rc != 0, failure_lines(output)
    assert "Rotation failed for %s" % HOST in output and "re-run this playbook" in output
    keys = dict(world.keys(USER))
    assert keys[old_key] == "Active"  # never left deactivated
    assert "Re-activate the old key" in output
