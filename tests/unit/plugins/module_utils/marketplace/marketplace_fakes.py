"""Shared fakes of the marketplace unit tests: broker objects, a scripted session, a scripted loopback server."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.transport import MarketplaceClient
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.services import argument_spec_for

SECRET = "s3cr3t-Abcdefghijklmnopqrstuvwxyz012"
SECRET2 = "an0ther-Secret-ZYXWVUTSRQPONMLKJIH"
KEY_ID = "LTAI5tKeyIdExample0001"
API_KEY = "apikey-0123456789abcdef"


def credential(secret=SECRET, key_id=KEY_ID, **extra):
    cred = {"id": "c-1", "credentialName": "prov", "purpose": ["provisioning"], "status": "Active",
            "context": [{"contextId": "x1", "team": ["team-a"]}, {"contextId": "x2", "org": ["org-engineering"]}],
            "passwordFields": {"accessKey": key_id, "secretKey": secret}, "createdBy": "alice"}
    cred.update(extra)
    return cred


def account(*credentials, account_id="alibaba-prod"):
    return {"accountId": account_id,
            "basicInfo": {"accountName": "Prod", "serviceProviderType": "alibaba", "serviceProviderCode": "alibaba",
                          "accountType": "subaccount", "isActive": "InActive", "userType": "asset"},
            "advancedInfo": {"accountNumber": "12345678"}, "credentials": list(credentials), "modelVersion": 3}


def dumps(data):
    return json.dumps(data, sort_keys=True)


class FakeRaw:
    def __init__(self, retries):
        self.retries = type("R", (), {"history": tuple(range(retries))})()


class FakeResponse:
    def __init__(self, status, body, retries=0):
        self.status_code = status
        if body is None:
            self.content = b""
        elif isinstance(body, str):
            self.content = body.encode()
        else:
            self.content = json.dumps(body).encode()
        self.text = self.content.decode()
        self.raw = FakeRaw(retries)

    def json(self):
        return json.loads(self.text)


class FakeSession:
    """Stands in for ``requests.Session``: answers from a script of (status, body), records the calls."""

    def __init__(self, answers, retries=0):
        self.answers = list(answers)
        self.retries = retries
        self.calls = []

    def request(self, method, url, **kwargs):
        self.calls.append(dict(method=method, url=url, **kwargs))
        status, body = self.answers.pop(0)
        return FakeResponse(status, body, self.retries)


def make_client(session, on_secret=None):
    return MarketplaceClient("https://broker.example.com", "cbadmin", API_KEY, session=session, on_secret=on_secret)


class ScriptedServer:
    """A loopback HTTP server answering from a script of (status, headers, body); records the requests."""

    def __init__(self, script):
        self.script = list(script)
        self.requests = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                outer.requests.append((self.command, self.path, self.rfile.read(length), time.monotonic(),
                                       dict(self.headers)))
                status, headers, body = outer.script.pop(0) if outer.script else (500, {}, {"message": "no script"})
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html" if isinstance(body, str) else "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def live_client(server, max_retries=3, retry_timeout=120):
    return MarketplaceClient(server.url, "cbadmin", API_KEY, max_retries=max_retries, timeout=5,
                             retry_timeout=retry_timeout)


def validated(resource, **args):
    """The task's arguments as both shells validate them (the resource's spec and the connection options)."""
    args.setdefault("username", "cbadmin")
    args.setdefault("api_key", "apikey-0123456789abcdef")
    result = ArgumentSpecValidator(**argument_spec_for(resource)).validate(args)
    assert not result.error_messages, result.error_messages
    return result.validated_parameters
