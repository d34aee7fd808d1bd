"""The tests on every ansible-core the collection claims (meta/runtime.yml: requires_ansible >= 2.17).

    nox                      # both sessions: the oldest supported and the newest released ansible-core
    nox -s "cores(core='2.17')"
    nox -R -s "cores(core='2.17')" -- tests/integration/test_awx_credential_types.py   # another subset
    make cores-smoke         # make test's stage: the oldest ansible-core, units + one integration file, JUnit

Each session is a Python 3.11 virtualenv with that ansible-core, the collection's requirements and the test
tools; it runs the unit tests and a fast integration subset (the modules through ansible-playbook against the
local services, credential injection as AWX renders it, the configuration-as-code playbook's templating).
The full suite runs on the development ansible-core (make test).
"""

import os

import nox

REPO = os.path.dirname(os.path.abspath(__file__))
COLLECTIONS_ROOT = os.path.join(REPO, ".build", "collections")
# The oldest ansible-core requires_ansible admits and the newest on PyPI (pip index versions ansible-core).
CORES = ["2.17", "2.19"]
FAST_INTEGRATION = [
    "tests/integration/test_awx_credential_types.py",
    "tests/integration/test_ram_modules.py",
]
TEST_TOOLS = ["pytest", "pytest-xdist", "pytest-ansible", "flask", "cryptography", "pyyaml"]
PROXY_VARS = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")

nox.options.sessions = ["cores"]
nox.options.reuse_existing_virtualenvs = False


@nox.session(python="3.11")
@nox.parametrize("core", CORES)
def cores(session, core):
    """Units + the fast integration subset on one ansible-core line."""
    session.install("ansible-core~=%s.0" % core, "-r", "requirements.txt", *TEST_TOOLS)
    version = session.run("ansible", "--version", silent=True).splitlines()[0]
    session.log(version)
    link = os.path.join(COLLECTIONS_ROOT, "ansible_collections", "cloudbroker", "alibaba")
    if not os.path.exists(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(REPO, link)
    env = {"ANSIBLE_COLLECTIONS_PATH": COLLECTIONS_ROOT,
           "ANSIBLE_PYTHON_INTERPRETER": os.path.join(session.bin, "python")}
    env.update({var: "" for var in PROXY_VARS})  # the SDK would send loopback traffic to a proxy
    junit_dir = os.environ.get("CORES_JUNIT_DIR")  # set by make cores-smoke: one JUnit file per pytest run

    def junit(name):
        return ["--junitxml=%s" % os.path.join(junit_dir, "%s-%s.xml" % (name, core))] if junit_dir else []

    session.run("python", "-m", "pytest", "tests/unit", "-q", "-p", "no:cacheprovider", *junit("units"), env=env)
    session.run("python", "-m", "pytest", *(session.posargs or FAST_INTEGRATION), "-q", "-p", "no:cacheprovider",
                "-n", "2", "--dist", "loadfile", *junit("integration"), env=env)
