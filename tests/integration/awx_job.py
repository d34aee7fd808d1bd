"""What AWX / Automation Platform does around a job, re-created without a controller.

Three pieces, each following the controller's behaviour as its source describes it (facts taken from the AWX
sources, https://github.com/ansible/awx, re-implemented here):

* ``inject_credential``: a custom credential type's injectors rendered as ``CredentialType.inject_credential``
  renders them (awx/main/models/credential.py): Jinja2 ``ImmutableSandboxedEnvironment``; the namespace holds
  only the inputs that have a value (an empty field renders as ``""``), boolean fields default to ``False``,
  secret fields are shown as ``**********`` in the job's stored environment; each ``file`` injector is written
  0600 into ``<private data dir>/env`` and its path is ``tower.filename`` (``tower.filename.<name>`` for
  ``template.<name>``); ``extra_vars`` injectors are rendered recursively into a file passed as ``-e @file``.
  Environment variable names starting with ``ANSIBLE_`` and the controller's reserved names are refused
  (awx/main/fields.py ``CredentialTypeInjectorField.validate_env_var_allowed``).
* ``inventory_script``: the inventory of a job as ``build_inventory`` (awx/main/tasks/jobs.py) writes it - an
  executable ``inventory/hosts`` that prints the JSON of ``Inventory.get_script_data`` (awx/main/models/
  inventory.py): hosts ordered by name, and for slice ``n`` of a sliced job of ``k`` slices the hosts
  ``[n-1::k]`` of that order, with the groups keeping only those hosts.
* ``PrivateDataDir``: the directory ansible-runner gets for a job - ``project/`` (the synced project),
  ``inventory/``, ``env/extravars``, ``env/envvars``, ``env/cmdline``, ``requirements_collections/`` (where the
  controller installs the project's ``collections/requirements.yml``) and, after the run, ``artifacts/<job>/``.
"""

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

import yaml
from jinja2 import meta
from jinja2.sandbox import ImmutableSandboxedEnvironment

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CREDENTIAL_TYPES = os.path.join(REPO, "extensions", "awx", "credential_types")
VENV_BIN = os.path.dirname(sys.executable)

SECRET_MASK = "**********"
ENV_NAME_RE = re.compile(r"^[a-zA-Z_]+[a-zA-Z0-9_]*$")
FIELD_ID_RE = re.compile(r"^[a-zA-Z_]+[a-zA-Z0-9_]*$")
# Names the controller sets itself for every job (awx/main/constants.py ENV_BLOCKLIST).
RESERVED_ENV = frozenset(["VIRTUAL_ENV", "PATH", "PYTHONPATH", "JOB_ID", "INVENTORY_ID", "INVENTORY_SOURCE_ID",
                          "INVENTORY_UPDATE_ID", "AD_HOC_COMMAND_ID", "REST_API_URL", "REST_API_TOKEN",
                          "MAX_EVENT_RES", "CALLBACK_QUEUE", "CALLBACK_CONNECTION", "CACHE", "JOB_CALLBACK_DEBUG",
                          "INVENTORY_HOSTVARS", "AWX_HOST", "PROJECT_REVISION", "SUPERVISOR_CONFIG_PATH"])


# -- credential types ----------------------------------------------------------------------------

def load_credential_type(name):
    with open(os.path.join(CREDENTIAL_TYPES, name + ".yml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def credential_type_names():
    return sorted(f[:-4] for f in os.listdir(CREDENTIAL_TYPES) if f.endswith(".yml"))


def _templates(injectors):
    """Every template string of the injectors, with where it is."""
    for label, text in (injectors.get("file") or {}).items():
        yield "file." + label, text
    for name, text in (injectors.get("env") or {}).items():
        yield "env." + name, text

    def walk(node, where):
        if isinstance(node, dict):
            for key, value in node.items():
                yield from walk(value, "%s.%s" % (where, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from walk(value, "%s[%d]" % (where, index))
        else:
            yield where, node

    yield from walk(injectors.get("extra_vars") or {}, "extra_vars")


def check_credential_type(definition):
    """The controller's own checks of a credential type (inputs schema, injector names and templates)."""
    problems = []
    if definition.get("kind") not in ("cloud", "net"):
        problems.append("kind %r: custom types are 'cloud' or 'net'" % definition.get("kind"))
    fields = definition["inputs"]["fields"]
    ids = [field["id"] for field in fields]
    for field in fields:
        if not FIELD_ID_RE.match(field["id"]):
            problems.append("field id %r is not an identifier" % field["id"])
        if field.get("type", "string") not in ("string", "boolean"):
            problems.append("field %s: type %r" % (field["id"], field.get("type")))
        if not field.get("label"):
            problems.append("field %s has no label" % field["id"])
    if len(set(ids)) != len(ids):
        problems.append("duplicate field ids")
    problems += ["required %r is not a field" % r for r in definition["inputs"].get("required", []) if r not in ids]
    injectors = definition.get("injectors") or {}
    problems += ["injector kind %r" % kind for kind in injectors if kind not in ("file", "env", "extra_vars")]
    for label in injectors.get("file") or {}:
        if not re.match(r"^template(\.[a-zA-Z_]+[a-zA-Z0-9_]*)?$", label):
            problems.append("file injector %r" % label)
    for name, text in (injectors.get("env") or {}).items():
        if not ENV_NAME_RE.match(name) or name.startswith("ANSIBLE_") or name in RESERVED_ENV:
            problems.append("env %s is not allowed in a credential" % name)
        if not all(ord(char) < 128 for char in text):
            problems.append("env %s: non-ASCII template" % name)
    environment = ImmutableSandboxedEnvironment()
    for where, text in _templates(injectors):
        unknown = meta.find_undeclared_variables(environment.parse(text)) - set(ids) - {"tower"}
        if unknown:
            problems.append("%s uses %s, which are not fields" % (where, sorted(unknown)))
    return problems


def inject_credential(definition, inputs, private_data_dir):
    """Render a credential type's injectors for one credential: ``(env, safe_env, cmdline_args)``."""
    secret_ids = {field["id"] for field in definition["inputs"]["fields"] if field.get("secret")}
    namespace, safe_namespace = {}, {}
    tower = type("TowerNamespace", (), {})()
    namespace["tower"] = safe_namespace["tower"] = tower
    for name, value in inputs.items():
        if isinstance(value, bool):
            namespace[name] = safe_namespace[name] = value
            continue
        if name in secret_ids:
            safe_namespace[name] = SECRET_MASK
        elif len(value):
            safe_namespace[name] = value
        if len(value):
            namespace[name] = value
    for field in definition["inputs"]["fields"]:
        if field.get("type") == "boolean" and field["id"] not in inputs:
            namespace[field["id"]] = safe_namespace[field["id"]] = False

    injectors = definition.get("injectors") or {}
    sandbox = ImmutableSandboxedEnvironment()
    env_dir = os.path.join(private_data_dir, "env")
    os.makedirs(env_dir, exist_ok=True)
    for label, template in (injectors.get("file") or {}).items():
        handle, path = tempfile.mkstemp(dir=env_dir)
        with os.fdopen(handle, "w") as out:
            out.write(sandbox.from_string(template).render(**namespace))
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        if "." not in label:
            tower.filename = path
        else:
            if not hasattr(tower, "filename"):
                tower.filename = type("TowerNamespace", (), {})()
            setattr(tower.filename, label.split(".", 1)[1], path)

    env, safe_env = {}, {}
    for name, template in (injectors.get("env") or {}).items():
        env[name] = sandbox.from_string(template).render(**namespace)
        safe_env[name] = sandbox.from_string(template).render(**safe_namespace)

    def render_vars(node):
        if isinstance(node, dict):
            return {render_vars(k): render_vars(v) for k, v in node.items()}
        if isinstance(node, list):
            return [render_vars(item) for item in node]
        return sandbox.from_string(node).render(**namespace)

    cmdline = []
    extra_vars = render_vars(injectors.get("extra_vars") or {})
    if extra_vars:
        handle, path = tempfile.mkstemp(dir=env_dir)
        with os.fdopen(handle, "w") as out:
            yaml.safe_dump(extra_vars, out)
        os.chmod(path, stat.S_IRUSR)
        cmdline += ["-e", "@" + path]
    return env, safe_env, cmdline


def minimal_environment(collections_path):
    """The environment of a job before any credential: no cloud or broker variable, no proxy."""
    env = {"PATH": VENV_BIN + os.pathsep + "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/root"),
           "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "ANSIBLE_COLLECTIONS_PATH": collections_path,
           "ANSIBLE_NOCOLOR": "1", "ANSIBLE_DEPRECATION_WARNINGS": "0"}
    return env


# -- inventory -----------------------------------------------------------------------------------

def inventory_data(source, env):
    """The inventory as the controller stores it after an inventory sync of ``source`` (hosts with their vars)."""
    out = subprocess.run([os.path.join(VENV_BIN, "ansible-inventory"), "-i", source, "--list", "--export"],
                         env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def slice_inventory(data, slice_number=1, slice_count=1):
    """``Inventory.get_script_data(slice_number, slice_count)``: hosts by name, every ``slice_count``-th one."""
    hostvars = data.get("_meta", {}).get("hostvars", {})
    hosts = sorted(hostvars) if hostvars else sorted(_all_hosts(data))
    if slice_count > 1:
        hosts = hosts[slice_number - 1::slice_count]
    keep = set(hosts)
    sliced = {"_meta": {"hostvars": {h: hostvars.get(h, {}) for h in hosts}}}
    for group, body in data.items():
        if group == "_meta":
            continue
        entry = {k: v for k, v in body.items() if k != "hosts"}
        if "hosts" in body:
            entry["hosts"] = [h for h in body["hosts"] if h in keep]
        sliced[group] = entry
    return sliced


def _all_hosts(data):
    return {host for group, body in data.items() if group != "_meta" for host in body.get("hosts", [])}


def write_inventory_script(private_data_dir, data):
    """``inventory/hosts``: an executable that prints the inventory JSON (as ``build_inventory`` writes it)."""
    directory = os.path.join(private_data_dir, "inventory")
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, "hosts")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("#! %s\n# -*- coding: utf-8 -*-\nprint(%r)\n" % (sys.executable, json.dumps(data)))
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR | stat.S_IXUSR)
    return path


# -- the private data directory of one job ---------------------------------------------------------

class PrivateDataDir:
    """One job's private data directory, run with ``ansible-runner run`` (process isolation, no container)."""

    def __init__(self, root, job_id, project_source, playbook, collection_source=REPO):
        self.root, self.job_id, self.playbook = root, job_id, playbook
        shutil.copytree(project_source, os.path.join(root, "project"))
        self.collections = os.path.join(root, "requirements_collections")
        link = os.path.join(self.collections, "ansible_collections", "cloudbroker", "alibaba")
        os.makedirs(os.path.dirname(link))
        os.symlink(collection_source, link)
        os.makedirs(os.path.join(root, "env"), exist_ok=True)
        self.envvars, self.safe_env, self.cmdline = {}, {}, []

    def add_credential(self, definition, inputs):
        env, safe_env, cmdline = inject_credential(definition, inputs, self.root)
        self.envvars.update(env)
        self.safe_env.update(safe_env)
        self.cmdline += cmdline

    def write(self, inventory, extra_vars, forks=5):
        write_inventory_script(self.root, inventory)
        job_vars = {"awx_job_id": self.job_id, "tower_job_id": self.job_id, "awx_job_launch_type": "manual"}
        job_vars.update(extra_vars)
        self._dump("extravars", job_vars)
        envvars = {"ANSIBLE_COLLECTIONS_PATH": self.collections, "JOB_ID": str(self.job_id),
                   "ANSIBLE_RETRY_FILES_ENABLED": "False", "ANSIBLE_DEPRECATION_WARNINGS": "0"}
        envvars.update(self.envvars)
        self._dump("envvars", envvars)
        with open(os.path.join(self.root, "env", "cmdline"), "w", encoding="utf-8") as handle:
            handle.write(" ".join(["--forks", str(forks)] + self.cmdline))

    def _dump(self, name, data):
        path = os.path.join(self.root, "env", name)
        with open(path, "w", encoding="utf-8") as handle:
            yaml.safe_dump(data, handle)
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)

    def run(self, base_env, timeout=600):
        """``ansible-runner run``; returns the ``JobArtifacts`` of the run."""
        cmd = [os.path.join(VENV_BIN, "ansible-runner"), "run", self.root, "-p", self.playbook,
               "--ident", str(self.job_id)]
        proc = subprocess.run(cmd, env=base_env, capture_output=True, text=True, timeout=timeout, check=False)
        return JobArtifacts(os.path.join(self.root, "artifacts", str(self.job_id)), proc)


class JobArtifacts:
    """``artifacts/<job id>/``: rc, status, stdout, job_events (what the controller reads back)."""

    def __init__(self, path, proc):
        self.path, self.proc = path, proc

    def read(self, name):
        with open(os.path.join(self.path, name), encoding="utf-8") as handle:
            return handle.read()

    @property
    def rc(self):
        return int(self.read("rc"))

    @property
    def status(self):
        return self.read("status")

    @property
    def stdout(self):
        return self.read("stdout")

    def events(self):
        directory = os.path.join(self.path, "job_events")
        found = []
        for name in os.listdir(directory):
            with open(os.path.join(directory, name), encoding="utf-8") as handle:
                found.append(json.load(handle))
        return sorted(found, key=lambda event: event["counter"])

    def stats(self):
        """The ``playbook_on_stats`` event data: per-host counters and ``artifact_data`` (set_stats)."""
        return next(e for e in self.events() if e.get("event") == "playbook_on_stats")["event_data"]

    def changed_hosts(self):
        return {host for host, count in self.stats().get("changed", {}).items() if count}

    def describe(self):
        return "rc=%s\n%s\n%s" % (self.proc.returncode, self.proc.stdout[-6000:], self.proc.stderr[-3000:])
