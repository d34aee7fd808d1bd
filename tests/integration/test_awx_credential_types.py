"""The AWX / AAP custom credential types of extensions/awx: valid for the controller, and sufficient.

Each injector is rendered as the controller renders it (awx_job.inject_credential) and a module then runs with
that environment and nothing else: no ALIBABA_CLOUD_* / CLOUDBROKER_* of the test process, no extra variables.
"""

import ast
import json
import os
import stat
import subprocess

import pytest
import yaml
from awx_job import (CREDENTIAL_TYPES, REPO, SECRET_MASK, VENV_BIN, check_credential_type, credential_type_names,
                     inject_credential, load_credential_type, minimal_environment)
from conftest import ensure_collection_link

pytestmark = pytest.mark.integration

RAM_TYPE = "alibaba_cloud_ram"
MARKETPLACE_TYPE = "cloud_broker_marketplace"
CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIBsynthetic\n-----END CERTIFICATE-----\n"

# What each injected variable must set in the modules (option of ram/connection.py RAM_OPTIONS /
# marketplace/options.py MARKETPLACE_OPTIONS).
EXPECTED_OPTIONS = {
    RAM_TYPE: {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "access_key_id",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "access_key_secret",
        "ALIBABA_CLOUD_SECURITY_TOKEN": "security_token",
        "ALICLOUD_ASSUME_ROLE_ARN": "assume_role_arn",
        "ALIBABA_CLOUD_ROLE_EXTERNAL_ID": "assume_role_external_id",
        "ALICLOUD_ASSUME_ROLE_SESSION_NAME": "assume_role_session_name",
        "ALIBABA_CLOUD_RAM_ENDPOINT": "ram_endpoint",
        "ALIBABA_CLOUD_STS_ENDPOINT": "sts_endpoint",
        "ALIBABA_CLOUD_CA_BUNDLE": "ca_path",
    },
    MARKETPLACE_TYPE: {
        "CLOUDBROKER_URL": "url",
        "CLOUDBROKER_USERNAME": "username",
        "CLOUDBROKER_API_KEY": "api_key",
        "CLOUDBROKER_CA_BUNDLE": "ca_path",
    },
}

# Options another change adds; until they exist, their variable is injected but nothing reads it yet.
PENDING_OPTIONS = {}

MODULE_UTILS = os.path.join(REPO, "plugins", "module_utils")


def _env_names(fallback):
    """``(env_fallback, ["A", "B"])`` or ``_env("A", "B")`` -> ``["A", "B"]``."""
    if isinstance(fallback, ast.Tuple) and len(fallback.elts) == 2 and isinstance(fallback.elts[1], ast.List):
        return [e.value for e in fallback.elts[1].elts if isinstance(e, ast.Constant)]
    if isinstance(fallback, ast.Call):
        return [a.value for a in fallback.args if isinstance(a, ast.Constant)]
    return []


def option_env_names():
    """``{file: {option: [env names]}}`` for every option with an environment fallback in plugins/module_utils.

    Read from the source (every ``name=dict(..., fallback=...)``), so that every place that defines an option
    is held to the same names, whatever the layout of module_utils."""
    found = {}
    for directory, _dirs, files in os.walk(MODULE_UTILS):
        for name in files:
            if not name.endswith(".py"):
                continue
            path = os.path.join(directory, name)
            with open(path, encoding="utf-8") as handle:
                tree = ast.parse(handle.read())
            for node in ast.walk(tree):
                if not (isinstance(node, ast.keyword) and isinstance(node.value, ast.Call)):
                    continue
                fallback = next((k.value for k in node.value.keywords if k.arg == "fallback"), None)
                if node.arg and fallback is not None:
                    found.setdefault(os.path.relpath(path, REPO), {})[node.arg] = _env_names(fallback)
    return found


def test_both_types_are_shipped_and_valid_for_the_controller():
    assert credential_type_names() == [RAM_TYPE, MARKETPLACE_TYPE]
    for name in credential_type_names():
        definition = load_credential_type(name)
        assert check_credential_type(definition) == [], name
        secret = {f["id"] for f in definition["inputs"]["fields"] if f.get("secret")}
        assert secret == ({"access_key_secret", "security_token"} if name == RAM_TYPE else {"api_key"})


@pytest.mark.parametrize("type_name", [RAM_TYPE, MARKETPLACE_TYPE])
def test_every_injected_variable_is_one_the_modules_read(type_name):
    injected = set(load_credential_type(type_name)["injectors"]["env"])
    assert injected == set(EXPECTED_OPTIONS[type_name])
    definitions = option_env_names()
    pending = []
    for env_name, option in EXPECTED_OPTIONS[type_name].items():
        # the same option name may exist for the other service (ca_path of RAM and of the marketplace)
        where = {path: options[option] for path, options in definitions.items()
                 if option in options and ("marketplace" in path) == (type_name == MARKETPLACE_TYPE)}
        if not where and option in PENDING_OPTIONS:
            pending.append(option)
            continue
        assert where, "no option %s in plugins/module_utils" % option
        for path, env_names in where.items():
            assert env_name in env_names, "%s: option %s does not read %s (it reads %s)" % (
                path, option, env_name, env_names)
    if pending:
        pytest.skip("not an option of the modules yet: %s" % ", ".join(pending))


def sandbox_ca(sandbox):
    """The PEM text of the local services' CA (what a user pastes into the credential's CA bundle field)."""
    if not sandbox.ca_bundle:
        return ""
    with open(sandbox.ca_bundle, encoding="utf-8") as handle:
        return handle.read()


def test_ram_credential_alone_lets_a_module_act_as_its_key(sandbox, tmp_path):
    definition = load_credential_type(RAM_TYPE)
    inputs = {"access_key_id": sandbox.root["access_key_id"], "access_key_secret": sandbox.root["access_key_secret"],
              "security_token": "", "assume_role_arn": "", "assume_role_external_id": "",
              "ram_endpoint": sandbox.ram_url, "sts_endpoint": sandbox.ram_url, "ca_bundle": sandbox_ca(sandbox)}
    env, safe_env, cmdline = inject_credential(definition, inputs, str(tmp_path))
    assert cmdline == []  # env only: job templates need no extra variables
    assert safe_env["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] == SECRET_MASK
    assert safe_env["ALIBABA_CLOUD_ACCESS_KEY_ID"] == sandbox.root["access_key_id"]
    assert env["ALIBABA_CLOUD_SECURITY_TOKEN"] == env["ALICLOUD_ASSUME_ROLE_ARN"] == ""  # empty fields stay empty
    assert env["ALICLOUD_ASSUME_ROLE_SESSION_NAME"] == "ansible-cloudbroker"

    result = run_module("cloudbroker.alibaba.ram_caller_identity_info", {}, env, tmp_path)
    assert result["rc"] == 0, result["output"]
    identity = result["result"]["caller_identity"]
    assert identity["account_id"] == sandbox.root["account_id"]
    assert sandbox.root["access_key_secret"] not in result["output"]
    # a module of the resource layer (action plugin + module) reads the same environment
    users = run_module("cloudbroker.alibaba.ram_user_info", {"name": "nobody-%s" % tmp_path.name[-6:]}, env,
                       tmp_path)
    assert users["rc"] == 0 and users["result"]["users"] == [], users["output"]


def test_ram_credential_with_a_wrong_secret_is_what_the_module_uses(sandbox, tmp_path):
    inputs = {"access_key_id": sandbox.root["access_key_id"], "access_key_secret": "not-the-secret-0000",
              "ram_endpoint": sandbox.ram_url, "sts_endpoint": sandbox.ram_url, "ca_bundle": sandbox_ca(sandbox)}
    env, _safe, _cmd = inject_credential(load_credential_type(RAM_TYPE), inputs, str(tmp_path))
    result = run_module("cloudbroker.alibaba.ram_user_info", {"name": "nobody"}, env, tmp_path)
    assert result["rc"] != 0
    assert "SignatureDoesNotMatch" in result["result"]["msg"], result["output"]


@pytest.mark.parametrize("with_ca_bundle", [False, True])
def test_marketplace_credential_alone_lets_a_module_call_the_broker(sandbox, tmp_path, with_ca_bundle):
    definition = load_credential_type(MARKETPLACE_TYPE)
    ca_pem = sandbox_ca(sandbox) or CA_PEM
    inputs = {"url": sandbox.marketplace_url, "username": sandbox.admin["username"],
              "api_key": sandbox.admin["apikey"], "ca_bundle": ca_pem if with_ca_bundle else ""}
    env, safe_env, cmdline = inject_credential(definition, inputs, str(tmp_path))
    assert cmdline == []
    assert safe_env["CLOUDBROKER_API_KEY"] == SECRET_MASK
    if with_ca_bundle:
        bundle = env["CLOUDBROKER_CA_BUNDLE"]
        assert os.path.dirname(bundle) == str(tmp_path / "env")
        assert stat.S_IMODE(os.stat(bundle).st_mode) == 0o600
        with open(bundle, encoding="utf-8") as handle:
            assert handle.read() == ca_pem
    else:
        assert env["CLOUDBROKER_CA_BUNDLE"] == ""  # no bundle: the system's CAs, not an empty file

    result = run_module("cloudbroker.alibaba.marketplace_asset_account_info", {}, env, tmp_path)
    if sandbox.ca_bundle and not with_ca_bundle:  # the services' private CA is not one of the system's
        assert result["rc"] != 0 and "TLS verification of %s failed" % sandbox.marketplace_url in result["output"]
        return
    assert result["rc"] == 0, result["output"]
    assert isinstance(result["result"]["accounts"], list)
    assert sandbox.admin["apikey"] not in result["output"]


def test_configuration_as_code_sends_the_files_unrendered(tmp_path):
    """extensions/awx/controller_credential_types.yml hands the types to awx.awx.credential_type as they are."""
    stub_root = tmp_path / "stub"
    modules = stub_root / "ansible_collections" / "awx" / "awx" / "plugins" / "modules"
    modules.mkdir(parents=True)
    (stub_root / "ansible_collections" / "awx" / "awx" / "galaxy.yml").write_text(
        "namespace: awx\nname: awx\nversion: 0.0.0\n")
    (modules / "credential_type.py").write_text(STUB_MODULE)
    received = tmp_path / "received.jsonl"
    env = minimal_environment("%s:%s" % (stub_root, ensure_collection_link()))
    env["STUB_RECEIVED"] = str(received)
    playbook = os.path.join(REPO, "extensions", "awx", "controller_credential_types.yml")
    proc = subprocess.run([os.path.join(VENV_BIN, "ansible-playbook"), playbook], env=env, capture_output=True,
                          text=True, check=False, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    sent = [json.loads(line) for line in received.read_text().splitlines()]
    expected = [load_credential_type(name) for name in sorted(credential_type_names())]
    assert [{k: s[k] for k in ("name", "description", "kind", "inputs", "injectors", "state")} for s in sent] == [
        dict(e, state="present") for e in expected]
    assert len(os.listdir(CREDENTIAL_TYPES)) == len(sent)


STUB_MODULE = '''#!/usr/bin/python
# A stand-in for awx.awx.credential_type that records what it was given.
import json, os
from ansible.module_utils.basic import AnsibleModule
module = AnsibleModule(argument_spec=dict(name=dict(), description=dict(), kind=dict(), inputs=dict(type="dict"),
                                          injectors=dict(type="dict"), state=dict(default="present")))
with open(os.environ["STUB_RECEIVED"], "a") as handle:
    handle.write(json.dumps(module.params) + "\\n")
module.exit_json(changed=True)
'''


def run_module(name, args, injected_env, workdir):
    """One task on localhost with the given environment only; returns rc, the task result and the output."""
    play = [{"name": "one module", "hosts": "localhost", "gather_facts": False,
             "tasks": [{"name": "the module", name: args, "register": "result", "ignore_errors": True},
                       {"name": "show", "ansible.builtin.copy": {"content": "{{ result | to_json }}",
                                                                 "dest": str(workdir / "result.json")}},
                       {"name": "fail like the module", "ansible.builtin.fail": {"msg": "module failed"},
                        "when": "result is failed"}]}]
    playbook = workdir / "play.yml"
    playbook.write_text(yaml.safe_dump(play, sort_keys=False))
    env = minimal_environment(ensure_collection_link())
    env.update(injected_env)
    proc = subprocess.run([os.path.join(VENV_BIN, "ansible-playbook"), str(playbook)], env=env, capture_output=True,
                          text=True, check=False, cwd=str(workdir), timeout=300)
    result = json.loads((workdir / "result.json").read_text())
    return {"rc": proc.returncode, "result": result, "output": proc.stdout + proc.stderr}
