"""The Flask application: one endpoint that authenticates, authorises and dispatches every action."""

import json
import logging
import threading
import uuid
from urllib.parse import parse_qsl

from flask import Flask, abort, current_app, request

from common import admin_blueprint, is_admin_path

# Importing the action modules registers their actions in ACTIONS.
from . import account, groups, mfa, policies, roles, users  # noqa: F401  pylint: disable=unused-import
from .api import ACTIONS, RAM_VERSION, STS_VERSION, Caller, Context, Params
from .errors import RamError, missing_parameter
from .policy_eval import evaluate
from .signature import NonceCache, SignedRequest
from .store import Store, now, open_database

LOG = logging.getLogger("ram_service")

# version -> (HostId of error bodies, product name of the Recommend link and of GetAccessKeyLastUsed)
SERVICES = {RAM_VERSION: ("ram.aliyuncs.com", "Ram"), STS_VERSION: ("sts.aliyuncs.com", "Sts")}


class FaultErrors:
    """Injected server errors alternate between the two 5xx answers RAM gives."""

    CODES = ("ServiceUnavailable", "InternalError")

    def __init__(self):
        self._lock = threading.Lock()
        self._next = 0

    def next(self):
        with self._lock:
            code = self.CODES[self._next % len(self.CODES)]
            self._next += 1
        return RamError(code)


def decoded(raw):
    return dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))


class RamService:
    def __init__(self, state_dir, faults, counters):
        self.database, self.root = open_database(state_dir)
        self.faults = faults
        self.counters = counters
        self.nonces = NonceCache()
        self.fault_errors = FaultErrors()

    def handle(self):
        request_id = str(uuid.uuid4()).upper()
        query = decoded(request.query_string)
        form = decoded(request.get_data()) if request.mimetype == "application/x-www-form-urlencoded" else {}
        params = dict(form, **query)
        name = request.headers.get("x-acs-action") or params.get("Action") or ""
        version = request.headers.get("x-acs-version") or params.get("Version") or ""
        host_id, product = SERVICES.get(version, SERVICES[RAM_VERSION])
        self.counters.add(name or "(no action)")
        try:
            fault = self.faults.draw(name or "(no action)")
            if fault == "throttle":
                raise RamError("Throttling.User")
            if fault == "error":
                raise self.fault_errors.next()
            api = self.resolve(name, version)
            signed = SignedRequest(request.method, request.path, query, form, request.headers, request.get_data())
            caller = self.authenticate(signed, product)
            with self.database.transaction() as conn:
                ctx = Context(Store(conn, self.root["account_id"]), Params(params), caller, product)
                self.authorize(api, ctx)
                body = api.handler(ctx)
            status = 200
            body = dict({"RequestId": request_id}, **body)
        except RamError as exc:
            status, body = exc.status, exc.body(request_id, host_id, product)
        except Exception:  # pylint: disable=broad-except  # a bug here must still look like RAM to the client
            LOG.exception("unhandled error in %s", name)
            error = RamError("InternalError")
            status, body = error.status, error.body(request_id, host_id, product)
        response = app_response(status, body)
        response.headers["x-acs-request-id"] = request_id
        return response

    @staticmethod
    def resolve(name, version):
        if not name:
            raise missing_parameter("Action")
        if not version:
            raise missing_parameter("Version")
        if version not in SERVICES:
            raise RamError("InvalidVersion")
        if request.path != "/" or (version, name) not in ACTIONS:
            raise RamError("InvalidAction.NotFound")
        return ACTIONS[(version, name)]

    def authenticate(self, signed, product):
        """Check the key and the signature; record the key's last use. Returns the ``Caller``."""
        key_id = signed.access_key_id()
        with self.database.transaction() as conn:
            key = Store(conn, self.root["account_id"]).access_key(key_id)
        if key is None:
            raise RamError("InvalidAccessKeyId.NotFound")
        signed.verify(key["secret"], self.nonces)
        if key["status"] != "Active":
            raise RamError("InvalidAccessKeyId.Inactive")
        with self.database.transaction() as conn:
            conn.execute("UPDATE access_keys SET last_used_date = ?, last_used_service = ? WHERE access_key_id = ?",
                         (now(), product, key_id))
            user = None
            if key["user_pk"] is not None:
                user = dict(conn.execute("SELECT * FROM users WHERE pk = ?", (key["user_pk"],)).fetchone())
        return Caller(key_id, user)

    @staticmethod
    def authorize(api, ctx):
        """Root and public actions pass; a RAM user needs an Allow (and no Deny) for ``ram:<Action>``."""
        caller, store = ctx.caller, ctx.store
        if caller.is_root or api.public:
            return
        if api.self_service and ctx.params.get("UserName", caller.user["name"]) == caller.user["name"] \
                and store.account()["security_preference"][api.self_service]:
            return
        decision = evaluate(store.user_policy_documents(caller.user["pk"]), "ram:" + api.name,
                            resource_arn(api, ctx))
        if decision != "Allow":
            raise RamError("NoPermission", extra={"AccessDeniedDetail": {
                "AuthAction": "ram:" + api.name, "AuthPrincipalType": "SubUser",
                "AuthPrincipalOwnerId": ctx.account_id, "AuthPrincipalDisplayName": caller.user["user_id"],
                "PolicyType": "AccountLevelIdentityBasedPolicy", "NoPermissionType": decision}})


def resource_arn(api, ctx):
    """``acs:ram:*:<account>:<kind>/<name|*>``, or ``acs:ram:*:<account>:*`` for account-level actions."""
    if api.resource is None:
        return "acs:ram:*:%s:*" % ctx.account_id
    kind, param = api.resource
    return "acs:ram:*:%s:%s/%s" % (ctx.account_id, kind, (ctx.params.get(param) if param else None) or "*")


def app_response(status, body):
    return current_app.response_class(json.dumps(body, ensure_ascii=False), status=status,
                                      mimetype="application/json")


def create_app(state_dir, faults, counters):
    """The RAM (and STS) service on one Flask app; see the package docstring."""
    service = RamService(state_dir, faults, counters)
    app = Flask("ram_service")
    app.config["SANDBOX_ROOT_CREDENTIALS"] = dict(service.root)
    app.register_blueprint(admin_blueprint("ram", faults, counters))

    @app.route("/", defaults={"path": ""}, methods=["GET", "POST"])
    @app.route("/<path:path>", methods=["GET", "POST"])
    def api(path):
        if is_admin_path("/" + path):
            abort(404)
        return service.handle()

    return app
