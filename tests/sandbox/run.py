"""Run the local RAM/STS/Resource Manager and marketplace services on 127.0.0.1 (``make sandbox``, tests, demo).

Options: ``--seed FILE`` builds a Resource Directory on first start (folders, member accounts, users
of the management account; ``seeds/resource_directory.json``), ``--tls`` serves HTTPS with a
certificate from a CA generated at start. See docs/sandbox.md.

Writes into the state directory (created if needed):

* ``ram.sqlite3`` (first account), ``accounts/<uid>.sqlite3`` (other accounts),
  ``resource-directory.sqlite3``, ``marketplace.sqlite3`` - the services' state, kept across restarts;
* ``root-credentials.json`` (0600) - the first account's root AccessKey (the management account of
  a seeded directory);
* ``credentials/<uid>.json`` (0600) - each account's root AccessKey, ``credentials/<uid>-<user>.json``
  (0600) - seeded RAM users' keys; ``accounts.json`` (0600) - all of them in one list;
* ``marketplace-users.json`` (0600) - the marketplace users, their API keys and business entities;
* ``ca.pem`` (with ``--tls``) - the CA to trust, ``server.pem``/``server-key.pem`` its server certificate;
* ``sandbox.env`` (0600) - ``export`` lines for the collection's environment variables (root key,
  endpoints, CA bundle, the marketplace admin user), to ``source`` before running a playbook;
* ``endpoints.json`` - written last, once both services accept connections (readiness signal).
"""

import argparse
import json
import os
import shlex
import signal
import sys
import threading

from werkzeug.serving import make_server

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import FaultInjector, RequestCounters, write_private_file  # noqa: E402  pylint: disable=wrong-import-position
import marketplace_service  # noqa: E402  pylint: disable=wrong-import-position
import ram_service  # noqa: E402  pylint: disable=wrong-import-position
import tls  # noqa: E402  pylint: disable=wrong-import-position
from ram_service.resource_directory import load_seed  # noqa: E402  pylint: disable=wrong-import-position

DEFAULT_SEED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seeds", "resource_directory.json")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--state-dir", default=".sandbox", help="where state and credentials files go")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback only)")
    parser.add_argument("--ram-port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--marketplace-port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--ram-faults", default="", help='e.g. "throttle_rate=0.5,latency_ms=20"')
    parser.add_argument("--marketplace-faults", default="", help='e.g. "error_rate=0.2"')
    parser.add_argument("--seed", nargs="?", const=DEFAULT_SEED, default=None, metavar="FILE",
                        help="build a Resource Directory from FILE on first start (no FILE: %s)"
                             % os.path.relpath(DEFAULT_SEED))
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a certificate from a new CA (ca.pem)")
    parser.add_argument("--quiet", action="store_true", help="no request log")
    return parser.parse_args(argv)


class ServiceThread(threading.Thread):
    def __init__(self, name, app, host, port, ssl_context=None):
        super().__init__(name=name, daemon=True)
        self.server = make_server(host, port, app, threaded=True, ssl_context=ssl_context)
        scheme = "https" if ssl_context else "http"
        self.url = "%s://%s:%d" % (scheme, "[%s]" % host if ":" in host else host, self.server.server_port)

    def run(self):
        self.server.serve_forever()

    def stop(self):
        self.server.shutdown()


def env_file_text(ram_url, marketplace_url, root, admin, ca_path=None):
    values = {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": root["access_key_id"],
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": root["access_key_secret"],
        "ALIBABA_CLOUD_RAM_ENDPOINT": ram_url,
        "ALIBABA_CLOUD_STS_ENDPOINT": ram_url,
        "ALIBABA_CLOUD_RESOURCEMANAGER_ENDPOINT": ram_url,
        "CLOUDBROKER_URL": marketplace_url,
        "CLOUDBROKER_USERNAME": admin["username"],
        "CLOUDBROKER_API_KEY": admin["apikey"],
    }
    if ca_path:
        values["ALIBABA_CLOUD_CA_BUNDLE"] = ca_path
        values["CLOUDBROKER_CA_BUNDLE"] = ca_path
    lines = ["# Written by tests/sandbox/run.py: credentials of the LOCAL services only."]
    lines += ["export %s=%s" % (key, shlex.quote(value)) for key, value in values.items()]
    return "\n".join(lines) + "\n"


def write_account_credentials(state_dir, service):
    """One 0600 file per account root key and per seeded user key, and ``accounts.json`` listing them."""
    directory = service.directory
    rd = directory.directory()
    members = {m["account_id"]: m for m in directory.members()} if rd else {}
    listing = []
    for account in service.accounts.all():
        path = os.path.join(state_dir, "credentials", "%s.json" % account.account_id)
        write_private_file(path, account.root)
        member = members.get(account.account_id)
        entry = {"account_id": account.account_id, "identity": "root", "credentials_file": path,
                 "access_key_id": account.root["access_key_id"],
                 "access_key_secret": account.root["access_key_secret"]}
        if member:
            entry.update(display_name=member["display_name"], join_method=member["join_method"],
                         management=member["account_id"] == rd["master_account_id"])
        listing.append(entry)
    for user in directory.seeded_users():
        path = os.path.join(state_dir, "credentials", "%s-%s.json" % (user["account_id"], user["user_name"]))
        creds = {"account_id": user["account_id"], "user_name": user["user_name"],
                 "access_key_id": user["access_key_id"], "access_key_secret": user["access_key_secret"]}
        write_private_file(path, creds)
        listing.append(dict(creds, identity="user", credentials_file=path))
    accounts_file = os.path.join(state_dir, "accounts.json")
    write_private_file(accounts_file, listing)
    return accounts_file, [{key: entry[key] for key in entry if key != "access_key_secret"} for entry in listing]


def main(argv=None):
    args = parse_args(argv)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("the sandbox listens on loopback only")
    state_dir = os.path.abspath(args.state_dir)
    os.makedirs(state_dir, exist_ok=True)
    endpoints_file = os.path.join(state_dir, "endpoints.json")
    if os.path.exists(endpoints_file):
        os.unlink(endpoints_file)
    if args.quiet:
        import logging
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
    seed = load_seed(args.seed) if args.seed else None
    ca_path, ssl_context = tls.prepare(state_dir, args.host) if args.tls else (None, None)

    ram_app = ram_service.create_app(state_dir, FaultInjector.from_spec(args.ram_faults), RequestCounters(), seed=seed)
    ram_thread = ServiceThread("ram", ram_app, args.host, args.ram_port, ssl_context)
    market_app = marketplace_service.create_app(
        state_dir, FaultInjector.from_spec(args.marketplace_faults), RequestCounters(), ram_endpoint=ram_thread.url,
        ram_ca=ca_path)
    market_thread = ServiceThread("marketplace", market_app, args.host, args.marketplace_port, ssl_context)

    root = ram_app.config["SANDBOX_ROOT_CREDENTIALS"]
    users = market_app.config["SANDBOX_USERS"]
    admin = next(user for user in users if user.get("admin"))
    write_private_file(os.path.join(state_dir, "root-credentials.json"), root)
    accounts_file, accounts = write_account_credentials(state_dir, ram_app.config["SANDBOX_SERVICE"])
    write_private_file(os.path.join(state_dir, "marketplace-users.json"), users)
    env_file = os.path.join(state_dir, "sandbox.env")
    write_private_file(env_file, env_file_text(ram_thread.url, market_thread.url, root, admin, ca_path))

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    ram_thread.start()
    market_thread.start()
    endpoints = {"ram": ram_thread.url, "sts": ram_thread.url, "resourcemanager": ram_thread.url,
                 "marketplace": market_thread.url, "ca_bundle": ca_path, "env_file": env_file,
                 "accounts_file": accounts_file, "accounts": accounts, "pid": os.getpid()}
    write_private_file(endpoints_file, json.dumps(endpoints, indent=2))
    print("RAM, STS and Resource Manager:  %s" % ram_thread.url)
    print("Marketplace service:            %s" % market_thread.url)
    if ca_path:
        print("CA to trust (TLS):              %s" % ca_path)
    print("Root credentials file:          %s" % os.path.join(state_dir, "root-credentials.json"))
    for entry in accounts:
        label = entry.get("display_name") or ""
        if entry["identity"] == "user":
            label = "RAM user %s" % entry["user_name"]
        elif entry.get("management"):
            label += " (management account)"
        print("  account %s %-40s %s" % (entry["account_id"], label, entry["credentials_file"]))
    print("Environment for playbooks: source %s" % env_file)
    print("SANDBOX READY", flush=True)
    stop.wait()
    market_thread.stop()
    ram_thread.stop()
    os.unlink(endpoints_file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
