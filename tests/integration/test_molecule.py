"""The roles' Molecule scenarios (extensions/molecule): converge, idempotence, verify, against the local services."""

import os
import re
import subprocess
import sys
import uuid

import pytest

from conftest import REPO

pytestmark = pytest.mark.integration

EXTENSIONS = os.path.join(REPO, "extensions")


def vault_reference(sandbox):
    """A credential already in the broker's vault (the marketplace_onboarding scenario registers it by reference)."""
    cref_id = "molecule-%s" % uuid.uuid4().hex[:8]
    admin = sandbox.admin
    response = sandbox.http.post(sandbox.marketplace_url + "/cb-credential-service/api/v1.0/credentialrefs",
                                 headers={"username": admin["username"], "apikey": admin["apikey"]}, timeout=30,
                                 json={"crefId": cref_id,
                                       "credential": {"value": {"accessKey": "LTAIvaulted", "secretKey": "vaulted"}}})
    response.raise_for_status()
    return cref_id


@pytest.mark.parametrize("scenario", ["ram_onboarding", "marketplace_onboarding", "onboarding"])
def test_molecule_scenario(ansible, sandbox, scenario):
    env = ansible.environment({"MOLECULE_PYTHON": sys.executable, "MOLECULE_CREF_ID": vault_reference(sandbox),
                               "MOLECULE_NO_LOG": "false"})
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    molecule = os.path.join(os.path.dirname(sys.executable), "molecule")
    proc = subprocess.run([molecule, "test", "-s", scenario], cwd=EXTENSIONS, env=env, capture_output=True,
                          text=True, timeout=900, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-6000:]
    # the idempotence step ran and passed: molecule's own step log, and the recaps of the three playbooks
    for step in ("converge", "idempotence", "verify"):
        assert "[%s > %s] Executed: Successful" % (scenario, step) in proc.stderr, output[-6000:]
    changed = [int(count) for count in re.findall(r"^localhost\s*:.*\bchanged=(\d+)", proc.stdout, re.M)]
    assert len(changed) == 3, proc.stdout[-6000:]  # converge, idempotence (converge again), verify
    assert changed[0] > 0 and changed[1] == 0, "changed= of converge, idempotence, verify: %s" % changed
