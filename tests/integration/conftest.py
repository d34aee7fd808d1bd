"""Integration tests: the local services over HTTP, the modules through ``ansible-playbook``.

Fixtures:

* ``sandbox`` (session): both local services on free 127.0.0.1 ports, in a temporary state directory, over
  HTTPS with a CA generated at start (``SANDBOX_TLS=0``: plain HTTP, for debugging with a packet dump). The
  playbooks get the CA as a user gives a corporate CA: ``ALIBABA_CLOUD_CA_BUNDLE`` / ``CLOUDBROKER_CA_BUNDLE``
  (``Sandbox.env``). ``Sandbox(state_dir, tls=..., seed=...)`` for own instances (HTTPS unless ``tls=False``).
* ``ansible`` (session): runs playbooks/targets with the sandbox's environment, returns parsed results.
* ``ram`` : a real-SDK RAM client logged in as the root account, to read state back.
* ``recording_proxy``: a loopback reverse proxy to the RAM service that records each request's headers
  (what a module sends on the wire, e.g. the STS security token).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SANDBOX_RUNNER = os.path.join(REPO, "tests", "sandbox", "run.py")
TARGETS = os.path.join(REPO, "tests", "integration", "targets")
COLLECTIONS_ROOT = os.path.join(REPO, ".build", "collections")

# The SDK honours HTTP(S)_PROXY itself and ignores NO_PROXY: never let a caller's proxy see loopback traffic.
PROXY_VARS = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")


def clean_environ():
    env = {k: v for k, v in os.environ.items() if k not in PROXY_VARS}
    for key in list(env):
        if key.startswith(("ALIBABA_CLOUD_", "ALICLOUD_", "CLOUDBROKER_")):
            del env[key]
    return env


def ensure_collection_link():
    """Expose the repository as ansible_collections/cloudbroker/alibaba for Ansible."""
    link = os.path.join(COLLECTIONS_ROOT, "ansible_collections", "cloudbroker", "alibaba")
    if not os.path.exists(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(REPO, link)
    return COLLECTIONS_ROOT


class Sandbox:
    """A running pair of local services."""

    def __init__(self, state_dir, ram_faults="", marketplace_faults="", seed=None, tls=None):
        """``seed``: a Resource Directory seed file (True: the default one); ``tls``: serve HTTPS (the default
        unless ``SANDBOX_TLS=0``; ``False`` only where a test is about plain HTTP)."""
        if tls is None:
            tls = os.environ.get("SANDBOX_TLS", "1") != "0"
        self.state_dir = state_dir
        os.makedirs(state_dir, exist_ok=True)
        self.log = open(os.path.join(state_dir, "sandbox.log"), "ab")
        cmd = [sys.executable, SANDBOX_RUNNER, "--state-dir", state_dir, "--quiet"]
        if seed:
            cmd += ["--seed"] + ([] if seed is True else [seed])
        if tls:
            cmd.append("--tls")
        if ram_faults:
            cmd += ["--ram-faults", ram_faults]
        if marketplace_faults:
            cmd += ["--marketplace-faults", marketplace_faults]
        endpoints_file = os.path.join(state_dir, "endpoints.json")
        if os.path.exists(endpoints_file):
            os.unlink(endpoints_file)
        self.process = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env=clean_environ())
        deadline = time.monotonic() + 60
        while not os.path.exists(endpoints_file):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                with open(os.path.join(state_dir, "sandbox.log"), encoding="utf-8", errors="replace") as handle:
                    raise RuntimeError("sandbox did not start:\n" + handle.read()[-4000:])
            time.sleep(0.05)
        with open(endpoints_file, encoding="utf-8") as handle:
            self.endpoints = json.load(handle)
        with open(os.path.join(state_dir, "root-credentials.json"), encoding="utf-8") as handle:
            self.root = json.load(handle)
        with open(os.path.join(state_dir, "marketplace-users.json"), encoding="utf-8") as handle:
            self.users = json.load(handle)
        with open(self.endpoints["accounts_file"], encoding="utf-8") as handle:
            self.accounts = json.load(handle)
        self.ram_url = self.endpoints["ram"]
        self.rm_url = self.endpoints["resourcemanager"]
        self.marketplace_url = self.endpoints["marketplace"]
        self.ca_bundle = self.endpoints.get("ca_bundle")
        self.admin = next(user for user in self.users if user.get("admin"))
        # What a test reads state back with: trusts the sandbox's CA, never a caller's proxy.
        self.http = requests.Session()
        self.http.trust_env = False
        self.http.verify = self.ca_bundle or True

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()

    # -- environment handed to ansible-playbook (what an AAP credential would inject) --------
    @property
    def env(self):
        return {
            "ALIBABA_CLOUD_ACCESS_KEY_ID": self.root["access_key_id"],
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": self.root["access_key_secret"],
            "ALIBABA_CLOUD_RAM_ENDPOINT": self.ram_url,
            "ALIBABA_CLOUD_STS_ENDPOINT": self.ram_url,
            "ALIBABA_CLOUD_RESOURCEMANAGER_ENDPOINT": self.rm_url,
            "CLOUDBROKER_URL": self.marketplace_url,
            "CLOUDBROKER_USERNAME": self.admin["username"],
            "CLOUDBROKER_API_KEY": self.admin["apikey"],
            **({"ALIBABA_CLOUD_CA_BUNDLE": self.ca_bundle, "CLOUDBROKER_CA_BUNDLE": self.ca_bundle}
               if self.ca_bundle else {}),
        }

    def user(self, username):
        return next(user for user in self.users if user["username"] == username)

    # -- admin API -------------------------------------------------------------------------
    def _admin(self, service):
        return (self.ram_url if service == "ram" else self.marketplace_url) + "/__sandbox__"

    def admin_request(self, service, method, path, **kwargs):
        response = self.http.request(method, self._admin(service) + path, timeout=10, **kwargs)
        response.raise_for_status()
        return response.json()

    def counters(self, service, account=None):
        """Request counters by operation; ``account``: only the requests that acted in that account."""
        return self.admin_request(service, "GET", "/counters", params={"account": account} if account else None)

    def reset_counters(self, service):
        self.admin_request(service, "DELETE", "/counters")

    def set_clock_offset(self, seconds):
        """Move the RAM/STS service's clock (STS token expiry) by ``seconds``; 0 restores real time."""
        return self.admin_request("ram", "PUT", "/clock", json={"offset_seconds": seconds})

    def create_account(self):
        """A new, empty account in the RAM service; returns its root credentials (with ``account_id``)."""
        return self.admin_request("ram", "POST", "/accounts")

    def injected_faults(self, service):
        """``{operation: requests answered with an injected fault}`` since the last ``reset_counters``."""
        return self.http.get(self._admin(service) + "/faults/injected", timeout=10).json()

    def assert_faults_retried(self, service):
        """Faults were injected (since the last ``reset_counters``), and every operation that got one was
        requested more often than it was faulted: the client tried again, however many requests the work needs."""
        injected, requested = self.injected_faults(service), self.counters(service)
        assert sum(injected.values()) > 0, "no fault was injected into %s (requests: %s)" % (service, requested)
        not_retried = {operation: {"faulted": count, "requested": requested.get(operation, 0)}
                       for operation, count in injected.items() if requested.get(operation, 0) <= count}
        assert not not_retried, "%s: operations not retried after a fault: %s" % (service, not_retried)
        return injected

    def set_faults(self, service, **settings):
        response = self.http.put(self._admin(service) + "/faults", json=settings, timeout=10)
        response.raise_for_status()
        return response.json()

    def clear_faults(self, service=None):
        for name in ([service] if service else ["ram", "marketplace"]):
            self.set_faults(name, throttle_rate=0.0, error_rate=0.0, latency_ms=0)


class AnsibleRunner:
    """Runs ``ansible-playbook`` as a user would, with the sandbox's credentials in the environment."""

    def __init__(self, sandbox, workdir):
        self.sandbox = sandbox
        self.workdir = workdir
        self.collections = ensure_collection_link()

    def environment(self, extra_env=None):
        """The sandbox's environment plus ``extra_env`` (a ``None`` value removes that variable)."""
        env = clean_environ()
        env.update(self.sandbox.env)
        env.update({
            "ANSIBLE_COLLECTIONS_PATH": self.collections,
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_HOST_KEY_CHECKING": "0",
            "ANSIBLE_LOCAL_TEMP": os.path.join(self.workdir, "tmp"),
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "ANSIBLE_DEPRECATION_WARNINGS": "0",
        })
        for name, value in (extra_env or {}).items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        return env

    def run(self, playbook, *args, extra_vars=None, extra_env=None, inventory=None, check=False, diff=False,
            verbosity=0, timeout=600):
        """Run a playbook; returns ``PlaybookRun`` (rc, output, recap)."""
        cmd = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), playbook]
        if inventory:
            cmd += ["-i", inventory]
        else:
            cmd += ["-i", "localhost,", "-c", "local"]
        if extra_vars:
            cmd += ["-e", json.dumps(extra_vars)]
        if check:
            cmd.append("--check")
        if diff:
            cmd.append("--diff")
        if verbosity:
            cmd.append("-" + "v" * verbosity)
        cmd += list(args)
        proc = subprocess.run(cmd, cwd=REPO, env=self.environment(extra_env), capture_output=True, text=True,
                              timeout=timeout, check=False)
        return PlaybookRun(cmd, proc.returncode, proc.stdout, proc.stderr)

    def run_tasks(self, tasks, module_defaults=None, extra_vars=None, **kwargs):
        """Run a list of tasks (Python dicts) as a one-play playbook on localhost."""
        import yaml

        play = {"name": "ad hoc", "hosts": "localhost", "gather_facts": False, "tasks": tasks}
        if module_defaults:
            play["module_defaults"] = module_defaults
        playbook = os.path.join(self.workdir, "tasks-%s.yml" % uuid.uuid4().hex[:8])
        with open(playbook, "w", encoding="utf-8") as handle:
            yaml.safe_dump([play], handle, sort_keys=False)
        return self.run(playbook, extra_vars=extra_vars, **kwargs)

    def run_target(self, target, extra_vars=None, connection="local", **kwargs):
        """Run ``tests/integration/targets/<target>`` (its tasks/main.yml) on localhost."""
        playbook = os.path.join(self.workdir, "run-%s-%s.yml" % (target, uuid.uuid4().hex[:6]))
        with open(playbook, "w", encoding="utf-8") as handle:
            handle.write(
                "- name: Integration target %s\n"
                "  hosts: localhost\n"
                "  connection: %s\n"
                "  gather_facts: false\n"
                "  roles:\n"
                "    - role: %s\n" % (target, connection, os.path.join(TARGETS, target)))
        variables = {"resource_prefix": "t%s" % uuid.uuid4().hex[:8]}
        variables.update(extra_vars or {})
        return self.run(playbook, extra_vars=variables, **kwargs)


class PlaybookRun:
    def __init__(self, cmd, rc, stdout, stderr):
        self.cmd, self.rc, self.stdout, self.stderr = cmd, rc, stdout, stderr

    @property
    def output(self):
        return self.stdout + self.stderr

    def recap(self):
        """``{host: {"ok": n, "changed": n, "failed": n, ...}}`` from the PLAY RECAP."""
        result = {}
        in_recap = False
        for line in self.stdout.splitlines():
            if line.startswith("PLAY RECAP"):
                in_recap = True
                continue
            if in_recap and ":" in line and "=" in line:
                host, _sep, counts = line.partition(":")
                result[host.strip()] = {k: int(v) for k, v in (item.split("=") for item in counts.split())}
        return result

    def assert_ok(self):
        assert self.rc == 0, "playbook failed (rc=%s): %s\n%s" % (self.rc, " ".join(self.cmd), self.output[-6000:])
        return self


@pytest.fixture(scope="session")
def sandbox_dir():
    path = tempfile.mkdtemp(prefix="cb-sandbox-")
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def sandbox(sandbox_dir):
    services = Sandbox(os.path.join(sandbox_dir, "state"))
    yield services
    services.stop()


@pytest.fixture(autouse=True)
def _no_faults_left_over(request):
    """Faults switched on by one test never leak into the next."""
    yield
    if "sandbox" in request.fixturenames:
        request.getfixturevalue("sandbox").clear_faults()


@pytest.fixture(scope="session")
def ansible(sandbox, sandbox_dir):
    workdir = os.path.join(sandbox_dir, "ansible")
    os.makedirs(os.path.join(workdir, "tmp"), exist_ok=True)
    return AnsibleRunner(sandbox, workdir)


def ram_client(endpoint, access_key_id, access_key_secret, ca_bundle=None):
    """A real-SDK RAM client for reading state back (as an operator's script would)."""
    from alibabacloud_ram20150501.client import Client
    from alibabacloud_tea_openapi import models as open_api_models

    host = endpoint.split("://", 1)[-1]
    protocol = endpoint.split("://", 1)[0] if "://" in endpoint else "https"
    config = open_api_models.Config(access_key_id=access_key_id, access_key_secret=access_key_secret,
                                    endpoint=host, protocol=protocol, ca=ca_bundle)
    return Client(config)


@pytest.fixture(scope="session")
def ram(sandbox):
    for var in PROXY_VARS:
        os.environ.pop(var, None)
    return ram_client(sandbox.ram_url, sandbox.root["access_key_id"], sandbox.root["access_key_secret"],
                      sandbox.ca_bundle)


class RecordingProxy:
    """Forwards every request to ``target`` and records ``(method, path, {lower-case header: value})``.

    It listens on plain HTTP (what it records must be readable), and reaches ``target`` over HTTPS trusting
    ``ca_bundle`` when the target serves TLS."""

    def __init__(self, target, ca_bundle=None):
        self.requests = []
        outer = self
        session = requests.Session()
        session.trust_env = False
        session.verify = ca_bundle or True

        class Handler(BaseHTTPRequestHandler):
            def _forward(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                outer.requests.append((self.command, self.path, headers))
                # every header as sent, Host included: the request is signed over it
                answer = session.request(self.command, target + self.path, data=body, timeout=60,
                                         headers=dict(self.headers.items()))
                self.send_response(answer.status_code)
                for key, value in answer.headers.items():
                    if key.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _forward

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recording_proxy(sandbox):
    proxy = RecordingProxy(sandbox.ram_url, sandbox.ca_bundle)
    yield proxy
    proxy.close()
