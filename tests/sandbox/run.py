"""Run the local RAM and marketplace services on 127.0.0.1 (``make sandbox``, the tests and the demo).

Writes into the state directory (created if needed):

* ``ram.sqlite3`` / ``marketplace.sqlite3`` - the services' state, kept across restarts;
* ``root-credentials.json`` (0600) - the root account's AccessKey the RAM service accepts;
* ``marketplace-users.json`` (0600) - the marketplace users, their API keys and business entities;
* ``sandbox.env`` (0600) - ``export`` lines for the collection's environment variables (root key,
  endpoints, the marketplace admin user), to ``source`` before running a playbook;
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


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--state-dir", default=".sandbox", help="where state and credentials files go")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback only)")
    parser.add_argument("--ram-port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--marketplace-port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--ram-faults", default="", help='e.g. "throttle_rate=0.5,latency_ms=20"')
    parser.add_argument("--marketplace-faults", default="", help='e.g. "error_rate=0.2"')
    parser.add_argument("--quiet", action="store_true", help="no request log")
    return parser.parse_args(argv)


class ServiceThread(threading.Thread):
    def __init__(self, name, app, host, port):
        super().__init__(name=name, daemon=True)
        self.server = make_server(host, port, app, threaded=True)
        self.url = "http://%s:%d" % (host, self.server.server_port)

    def run(self):
        self.server.serve_forever()

    def stop(self):
        self.server.shutdown()


def env_file_text(ram_url, marketplace_url, root, admin):
    values = {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": root["access_key_id"],
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": root["access_key_secret"],
        "ALIBABA_CLOUD_RAM_ENDPOINT": ram_url,
        "ALIBABA_CLOUD_STS_ENDPOINT": ram_url,
        "CLOUDBROKER_URL": marketplace_url,
        "CLOUDBROKER_USERNAME": admin["username"],
        "CLOUDBROKER_API_KEY": admin["apikey"],
    }
    lines = ["# Written by tests/sandbox/run.py: credentials of the LOCAL services only."]
    lines += ["export %s=%s" % (key, shlex.quote(value)) for key, value in values.items()]
    return "\n".join(lines) + "\n"


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

    ram_app = ram_service.create_app(state_dir, FaultInjector.from_spec(args.ram_faults), RequestCounters())
    ram_thread = ServiceThread("ram", ram_app, args.host, args.ram_port)
    market_app = marketplace_service.create_app(
        state_dir, FaultInjector.from_spec(args.marketplace_faults), RequestCounters(), ram_endpoint=ram_thread.url)
    market_thread = ServiceThread("marketplace", market_app, args.host, args.marketplace_port)

    root = ram_app.config["SANDBOX_ROOT_CREDENTIALS"]
    users = market_app.config["SANDBOX_USERS"]
    admin = next(user for user in users if user.get("admin"))
    write_private_file(os.path.join(state_dir, "root-credentials.json"), root)
    write_private_file(os.path.join(state_dir, "marketplace-users.json"), users)
    env_file = os.path.join(state_dir, "sandbox.env")
    write_private_file(env_file, env_file_text(ram_thread.url, market_thread.url, root, admin))

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    ram_thread.start()
    market_thread.start()
    endpoints = {"ram": ram_thread.url, "sts": ram_thread.url, "marketplace": market_thread.url,
                 "env_file": env_file, "pid": os.getpid()}
    write_private_file(endpoints_file, json.dumps(endpoints, indent=2))
    print("RAM service (and STS):  %s" % ram_thread.url)
    print("Marketplace service:    %s" % market_thread.url)
    print("Root credentials file:  %s" % os.path.join(state_dir, "root-credentials.json"))
    print("Environment for playbooks: source %s" % env_file)
    print("SANDBOX READY", flush=True)
    stop.wait()
    market_thread.stop()
    ram_thread.stop()
    os.unlink(endpoints_file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
