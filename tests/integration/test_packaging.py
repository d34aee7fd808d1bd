"""The collection as users get it: the Galaxy build, installed; its execution-environment metadata.

* ``ansible-galaxy collection build`` + ``install`` into an empty directory, then the FQCN playbook
  ``cloudbroker.alibaba.onboard`` runs from there (nothing of the clone on the collections path).
* ``ansible-builder introspect`` lists exactly requirements.txt, which names every package the plugins import;
  ``ansible-builder create`` makes a build context of examples/execution-environment without network.
"""

import ast
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile

import pytest
import yaml
from awx_job import minimal_environment
from conftest import REPO, Sandbox

pytestmark = pytest.mark.integration

BIN = os.path.dirname(sys.executable)
EE_EXAMPLE = os.path.join(REPO, "examples", "execution-environment", "execution-environment.yml")
# What ansible-core itself brings (controller-side plugins may import it without listing it).
ANSIBLE_CORE_DEPENDENCIES = [re.split(r"[<>=!~ ;\[(]", r, 1)[0] for r in importlib.metadata.requires("ansible-core")
                             if "extra ==" not in r]
# Listed ahead of the code that imports it.
PENDING_REQUIREMENTS = {"alibabacloud-resourcemanager20200331": "issue 9: the resource_directory inventory plugin"}


def requirement_lines():
    with open(os.path.join(REPO, "requirements.txt"), encoding="utf-8") as handle:
        return [line.strip() for line in handle if line.strip() and not line.startswith("#")]


def galaxy():
    with open(os.path.join(REPO, "galaxy.yml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The collection tarball and the directory it was installed into."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--output-path", str(out), REPO],
                   check=True, capture_output=True, text=True)
    meta = galaxy()
    tarball = out / ("%s-%s-%s.tar.gz" % (meta["namespace"], meta["name"], meta["version"]))
    installed = tmp_path_factory.mktemp("installed")
    # --force: the repository itself is already "installed" on ANSIBLE_COLLECTIONS_PATH (make test's link), and
    # ansible-galaxy would otherwise report nothing to do and install nothing
    subprocess.run([os.path.join(BIN, "ansible-galaxy"), "collection", "install", "--offline", "--force", "-p",
                    str(installed), str(tarball)], check=True, capture_output=True, text=True)
    return tarball, installed


def test_the_build_carries_what_awx_and_ansible_builder_read(built):
    tarball, _installed = built
    with tarfile.open(tarball) as archive:
        names = set(archive.getnames())
    for path in ("meta/execution-environment.yml", "requirements.txt", "meta/runtime.yml",
                 "extensions/awx/credential_types/alibaba_cloud_ram.yml",
                 "extensions/awx/credential_types/cloud_broker_marketplace.yml",
                 "extensions/awx/controller_credential_types.yml", "playbooks/onboard.yml",
                 "roles/onboarding/meta/argument_specs.yml"):
        assert path in names, path
    assert not any(n.startswith((".build/", ".venv/", ".sandbox/")) for n in names)


def test_fqcn_playbook_runs_from_the_installed_build(built, tmp_path):
    _tarball, installed = built
    sandbox = Sandbox(str(tmp_path / "state"))
    try:
        env = minimal_environment(str(installed))
        env.update(sandbox.env)
        cmd = [os.path.join(BIN, "ansible-playbook"), "-i", os.path.join(REPO, "examples", "inventory"),
               "cloudbroker.alibaba.onboard", "--limit", "alibaba-dev"]
        run = subprocess.run(cmd, env=env, cwd=str(tmp_path), capture_output=True, text=True, check=False,
                             timeout=600)
        assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-2000:]
        assert re.search(r"alibaba-dev\s*:\s*ok=\d+\s+changed=[1-9]", run.stdout), run.stdout[-2000:]
        listing = subprocess.run([os.path.join(BIN, "ansible-galaxy"), "collection", "list", "--format", "json"],
                                 env=env, capture_output=True, text=True, check=True)
        where = json.loads(listing.stdout)
        holders = [path for path, found in where.items() if "cloudbroker.alibaba" in found]
        assert holders == [str(installed / "ansible_collections")]  # the clone was not on the path
    finally:
        sandbox.stop()


def test_introspect_lists_exactly_the_runtime_requirements(tmp_path):
    collections = tmp_path / "collections"
    link = collections / "ansible_collections" / "cloudbroker" / "alibaba"
    link.parent.mkdir(parents=True)
    link.symlink_to(REPO)
    out = subprocess.run([os.path.join(BIN, "ansible-builder"), "introspect", str(collections)],
                         capture_output=True, text=True, check=True)
    data = yaml.safe_load(out.stdout.split("\n", 1)[1])  # first line: "# Dependency data for ..."
    listed = [re.sub(r"\s+#.*$", "", line) for line in data["python"]]
    assert listed == requirement_lines()
    assert data.get("system", []) == []


def test_requirements_name_every_package_the_plugins_import():
    imported = set()
    for directory, _dirs, files in os.walk(os.path.join(REPO, "plugins")):
        for name in files:
            if name.endswith(".py"):
                with open(os.path.join(directory, name), encoding="utf-8") as handle:
                    tree = ast.parse(handle.read())
                for node in ast.walk(tree):
                    if isinstance(node, ast.Import):
                        imported.update(alias.name.split(".")[0] for alias in node.names)
                    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                        imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - {"ansible", "ansible_collections", "__future__"}
    distributions = importlib.metadata.packages_distributions()
    needed = {dist.lower() for module in third_party for dist in distributions[module]}
    needed -= {dist.lower() for dist in ANSIBLE_CORE_DEPENDENCIES}  # controller-side code (yaml, jinja2, ...)
    listed = {re.split(r"[<>=!~ ;\[]", line, 1)[0].lower() for line in requirement_lines()}
    assert needed <= listed, "imported but not in requirements.txt: %s" % sorted(needed - listed)
    assert listed - needed <= set(PENDING_REQUIREMENTS), "listed but imported nowhere: %s" % sorted(
        listed - needed - set(PENDING_REQUIREMENTS))


def test_builder_creates_the_example_build_context_offline(tmp_path):
    context = tmp_path / "context"
    out = subprocess.run([os.path.join(BIN, "ansible-builder"), "create", "-f", EE_EXAMPLE, "-c", str(context)],
                         capture_output=True, text=True, check=False, cwd=str(tmp_path))
    assert out.returncode == 0, out.stdout + out.stderr
    containerfile = next(p for p in (context / "Containerfile", context / "Dockerfile") if p.exists())
    text = containerfile.read_text()
    assert 'ARG EE_BASE_IMAGE="quay.io/centos/centos:stream9"' in text
    assert "ansible-galaxy collection install" in text and "-r requirements.yml" in text
    assert "introspect" in text  # the collection's own Python requirements are read inside the build
    with open(context / "_build" / "requirements.yml", encoding="utf-8") as handle:
        assert yaml.safe_load(handle)["collections"][0]["name"] == "cloudbroker.alibaba"
    shutil.rmtree(context)
