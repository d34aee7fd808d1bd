"""TLS through ansible-playbook: the shared sandbox serves HTTPS with a CA generated at its start, given to the
playbooks as a user gives a corporate CA (ALIBABA_CLOUD_CA_BUNDLE / CLOUDBROKER_CA_BUNDLE, or the ca_path
options). Here: an unknown CA is refused with a clear error before anything is sent (request counters),
ca_path as an option, validate_certs=false, the STS CA of marketplace_credential's key check, and plain HTTP
endpoints (a local test gateway) still working."""

import datetime
import os
import shutil
import tempfile
import uuid

import pytest
from alibabacloud_ram20150501 import models as ram_models
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from Tea.exceptions import TeaException

from conftest import AnsibleRunner, Sandbox
from test_marketplace_modules import account_task

pytestmark = pytest.mark.integration

NO_CA = {"ALIBABA_CLOUD_CA_BUNDLE": None, "CLOUDBROKER_CA_BUNDLE": None}
UNKNOWN_ISSUER = "certificate verify failed: unable to get local issuer certificate (no request was sent)"


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


@pytest.fixture(scope="module")
def other_ca(tmp_path_factory):
    """A valid CA certificate that did not sign the sandbox's certificate (PEM file)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Some corporate CA")])
    start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(start + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True).sign(key, hashes.SHA256()))
    path = tmp_path_factory.mktemp("other-ca") / "corporate-ca.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(path)


def user_exists(ram, name):
    try:
        ram.get_user(ram_models.GetUserRequest(user_name=name))
    except TeaException as exc:
        assert exc.code == "EntityNotExist.User", exc
        return False
    return True


def account_status(sandbox, name):
    """HTTP status of reading the asset account ``name`` (its derived id) back as the admin."""
    admin = sandbox.admin
    return sandbox.http.get("%s/cb-credential-service/api/v2.0/accounts/alibaba-%s" % (
        sandbox.marketplace_url, name.lower()), headers={"username": admin["username"], "apikey": admin["apikey"]},
        timeout=30).status_code


def ca_cases(other_ca):
    """No CA given (the system's and certifi's CAs only), and a CA that is not the one that signed the service."""
    return {"no CA given": NO_CA,
            "another CA": {"ALIBABA_CLOUD_CA_BUNDLE": other_ca, "CLOUDBROKER_CA_BUNDLE": other_ca}}


# -- RAM ---------------------------------------------------------------------------------------------------------

def test_ram_modules_refuse_an_unknown_ca_and_send_nothing(ansible, sandbox, ram, other_ca):
    assert sandbox.ram_url.startswith("https://")
    name = unique("tls")
    for case, env in ca_cases(other_ca).items():
        sandbox.reset_counters("ram")
        run = ansible.run_tasks([{"cloudbroker.alibaba.ram_user": {"name": name, "max_retries": 3}}], extra_env=env)
        assert run.rc != 0, case
        assert "TLS verification of %s failed: %s" % (sandbox.ram_url, UNKNOWN_ISSUER) in run.output, case
        assert "with ca_path or ALIBABA_CLOUD_CA_BUNDLE" in run.output, case
        assert sandbox.counters("ram") == {}, case  # the handshake failed: no request, and no retry of it
    assert not user_exists(ram, name)


def test_ram_ca_path_option_is_trusted(ansible, sandbox, ram, tmp_path):
    name = unique("tls-ca")
    task = {"cloudbroker.alibaba.ram_user": {"name": name, "ca_path": sandbox.ca_bundle}}
    created = ansible.run_tasks([task], extra_env=NO_CA).assert_ok()
    assert created.recap()["localhost"]["changed"] == 1 and user_exists(ram, name)

    sandbox.reset_counters("ram")
    missing = str(tmp_path / "missing.pem")
    bad = ansible.run_tasks([{"cloudbroker.alibaba.ram_user": {"name": name, "state": "absent", "ca_path": missing}}])
    assert bad.rc != 0 and "ca_path %r is not a readable file" % missing in bad.output
    assert sandbox.counters("ram") == {} and user_exists(ram, name)


def test_assume_role_refuses_an_unknown_ca_and_sends_nothing(ansible, sandbox, other_ca):
    """The AssumeRole call of the credential library verifies the STS certificate with ca_path too."""
    sandbox.reset_counters("ram")
    run = ansible.run_tasks([{"cloudbroker.alibaba.ram_caller_identity_info": {
        "assume_role_arn": "acs:ram::%s:role/AnyRole" % sandbox.root["account_id"], "ca_path": other_ca}}],
        extra_env=NO_CA)
    assert run.rc != 0
    assert "TLS verification of %s failed: %s" % (sandbox.ram_url, UNKNOWN_ISSUER) in run.output
    assert sandbox.counters("ram") == {}


# -- marketplace -------------------------------------------------------------------------------------------------

def test_marketplace_modules_refuse_an_unknown_ca_and_send_nothing(ansible, sandbox, other_ca):
    assert sandbox.marketplace_url.startswith("https://")
    name = unique("TLS")
    for case, env in ca_cases(other_ca).items():
        sandbox.reset_counters("marketplace")
        run = ansible.run_tasks([account_task(name)], extra_env=env)
        assert run.rc != 0, case
        assert ("TLS verification of %s failed: %s" % (sandbox.marketplace_url, UNKNOWN_ISSUER)) in run.output, case
        assert "with ca_path or CLOUDBROKER_CA_BUNDLE, or validate_certs=false" in run.output, case
        assert sandbox.counters("marketplace") == {}, case
    assert account_status(sandbox, name) == 404


def test_marketplace_ca_path_option_and_validate_certs_false(ansible, sandbox, tmp_path):
    name = unique("TLS")
    created = ansible.run_tasks([account_task(name, **{"ca_path": sandbox.ca_bundle})], extra_env=NO_CA).assert_ok()
    assert created.recap()["localhost"]["changed"] == 1
    assert account_status(sandbox, name) == 200

    # validate_certs=false: no CA at all, the request goes through, with a warning (and no urllib3 noise)
    sandbox.reset_counters("marketplace")
    unverified = ansible.run_tasks([account_task(name, **{"validate_certs": False})], extra_env=NO_CA).assert_ok()
    assert unverified.recap()["localhost"]["changed"] == 0
    assert "validate_certs is false: the certificate of %s is not verified" % sandbox.marketplace_url in \
        unverified.output
    assert "InsecureRequestWarning" not in unverified.output
    assert sum(sandbox.counters("marketplace").values()) >= 1

    sandbox.reset_counters("marketplace")
    missing = str(tmp_path / "missing.pem")
    bad = ansible.run_tasks([account_task(name, **{"ca_path": missing, "state": "absent"})])
    assert bad.rc != 0 and "ca_path %r does not exist" % missing in bad.output
    assert sandbox.counters("marketplace") == {}


def test_key_check_of_marketplace_credential_trusts_sts_ca_path(ansible, sandbox, other_ca):
    """The root key is recognised (and refused) only when STS's certificate is verified with sts_ca_path."""
    name, root = unique("TLS"), sandbox.root
    ansible.run_tasks([account_task(name)]).assert_ok()
    args = {"account": name, "name": "prov", "purpose": ["Provisioning"], "access_key_id": root["access_key_id"],
            "access_key_secret": "{{ lookup('ansible.builtin.env', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET') }}"}
    env = {"ALIBABA_CLOUD_CA_BUNDLE": None}
    refused = ansible.run_tasks([{"cloudbroker.alibaba.marketplace_credential": dict(
        args, **{"sts_ca_path": sandbox.ca_bundle})}], extra_env=env)
    assert refused.rc != 0
    assert "belongs to the root (billing) account %s" % root["account_id"] in refused.output

    sandbox.reset_counters("ram")
    unverified = ansible.run_tasks([{"cloudbroker.alibaba.marketplace_credential": dict(
        args, **{"sts_ca_path": other_ca})}], extra_env=env).assert_ok()
    assert "Could not verify who access key %s belongs to" % root["access_key_id"] in unverified.output
    assert "TLS verification of %s failed" % sandbox.ram_url in unverified.output
    assert sandbox.counters("ram") == {}
    assert root["access_key_secret"] not in refused.output + unverified.output


# -- plain HTTP --------------------------------------------------------------------------------------------------

def test_plain_http_endpoints_work_without_a_ca():
    """A plain-HTTP gateway and RAM endpoint (a local test setup): no CA involved, the modules work as over TLS."""
    state = tempfile.mkdtemp(prefix="cb-plain-http-")
    services = Sandbox(os.path.join(state, "state"), tls=False)
    try:
        assert services.ram_url.startswith("http://") and services.ca_bundle is None
        runner = AnsibleRunner(services, os.path.join(state, "ansible"))
        os.makedirs(os.path.join(runner.workdir, "tmp"))
        name = unique("plain")
        runner.run_tasks([{"cloudbroker.alibaba.ram_user": {"name": name}},
                          account_task(name)]).assert_ok()
        assert services.counters("ram").get("CreateUser") == 1
        assert services.counters("marketplace").get("POST /cb-credential-service/api/v2.0/accounts") == 1
    finally:
        services.stop()
        shutil.rmtree(state, ignore_errors=True)
