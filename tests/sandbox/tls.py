"""A throw-away certificate authority and a server certificate for the local services (``--tls``).

Generated at every start with ``cryptography``: an EC P-256 CA (``ca.pem``, public, what clients
trust: ``ALIBABA_CLOUD_CA_BUNDLE`` / ``CLOUDBROKER_CA_BUNDLE`` in ``sandbox.env``) and a certificate
for ``127.0.0.1``, ``::1`` and ``localhost`` signed by it (``server.pem`` + ``server-key.pem``, 0600).
Nothing is reused across starts, so a CA from an earlier run is an *unknown* CA.
"""

import datetime
import ipaddress
import os
import ssl

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from common import write_private_file

VALIDITY = datetime.timedelta(days=7)


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "cloudbroker.alibaba sandbox"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _pem_key(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode("ascii")


def make_ca(common_name="cloudbroker sandbox CA"):
    """``(key, certificate)`` of a new self-signed CA."""
    key = ec.generate_private_key(ec.SECP256R1())
    start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
    cert = (x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(_name(common_name))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + VALIDITY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return key, cert


def make_server_cert(ca_key, ca_cert, hosts=("127.0.0.1", "::1", "localhost")):
    """``(key, certificate)`` for ``hosts`` (IP addresses and DNS names), signed by the CA."""
    key = ec.generate_private_key(ec.SECP256R1())
    names = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
    cert = (x509.CertificateBuilder().subject_name(_name(hosts[0])).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + VALIDITY)
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    return key, cert


def prepare(state_dir, host):
    """Write ``ca.pem``, ``server.pem``, ``server-key.pem``; returns ``(ca_path, server ssl.SSLContext)``."""
    ca_key, ca_cert = make_ca()
    key, cert = make_server_cert(ca_key, ca_cert, hosts=tuple(dict.fromkeys((host, "127.0.0.1", "::1", "localhost"))))
    ca_path = os.path.join(state_dir, "ca.pem")
    cert_path = os.path.join(state_dir, "server.pem")
    key_path = os.path.join(state_dir, "server-key.pem")
    with open(ca_path, "w", encoding="ascii") as handle:
        handle.write(ca_cert.public_bytes(serialization.Encoding.PEM).decode("ascii"))
    with open(cert_path, "w", encoding="ascii") as handle:
        handle.write(cert.public_bytes(serialization.Encoding.PEM).decode("ascii"))
    write_private_file(key_path, _pem_key(key))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_path, key_path)
    return ca_path, context
