"""The Flask application: one endpoint that authenticates, authorises and dispatches every action."""

import hmac
import logging
import threading
import uuid
from urllib.parse import parse_qsl

from flask import Blueprint, Flask, abort, current_app, jsonify, request

from common import ADMIN_PREFIX, admin_blueprint, is_admin_path

# Importing the action modules registers their actions in ACTIONS.
from . import account, groups, mfa, policies, roles, sts, users  # noqa: F401  pylint: disable=unused-import
from . import resource_directory  # noqa: F401  pylint: disable=unused-import
from .accounts import Accounts
from .api import ACTIONS, RAM_VERSION, RM_VERSION, STS_VERSION, Caller, Context, Params
from .clock import Clock
from .errors import RamError, missing_parameter
from .response_format import render
from .signature import NonceCache, SignedRequest
from .store import now

LOG = logging.getLogger("ram_service")

# version -> (HostId of error bodies, product name of the Recommend link and of GetAccessKeyLastUsed)
SERVICES = {RAM_VERSION: ("ram.aliyuncs.com", "Ram"), STS_VERSION: ("sts.aliyuncs.com", "Sts"),
            RM_VERSION: ("resourcemanager.aliyuncs.com", "ResourceManager")}


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
        self.accounts = Accounts(state_dir)
        self.directory = resource_directory.DirectoryStore(state_dir, self.accounts)
        self.clock = Clock()
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
        signed = SignedRequest(request.method, request.path, query, form, request.headers, request.get_data())
        claimed = self.claimed_key(signed)
        self.counters.add(name or "(no action)", claimed[0].account_id if claimed[0] else None)
        try:
            fault = self.faults.draw(name or "(no action)")
            if fault == "throttle":
                raise RamError("Throttling.User")
            if fault == "error":
                raise self.fault_errors.next()
            api = self.resolve(name, version)
            owner, caller = self.authenticate(signed, claimed, product)
            with owner.transaction() as store:
                ctx = Context(store, Params(params), caller, product, env=self)
                self.authorize(api, ctx)
                body = api.handler(ctx)
            # committed above; the client never learns it (an ambiguous failure)
            if self.faults.lose_answer(name):
                raise RamError("ServiceUnavailable")
            status = 200
            body = dict({"RequestId": request_id}, **body)
        except RamError as exc:
            status, body = exc.status, exc.body(request_id, host_id, product)
        except Exception:  # pylint: disable=broad-except  # a bug here must still look like RAM to the client
            LOG.exception("unhandled error in %s", name)
            error = RamError("InternalError")
            status, body = error.status, error.body(request_id, host_id, product)
        text, mimetype = render(name, body, status, params, request.headers)
        response = current_app.response_class(text, status=status, content_type=mimetype)
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

    def claimed_key(self, signed):
        """``(account, key, token)`` of the AccessKey the request claims, before any check; Nones if none."""
        try:
            key_id = signed.access_key_id()
        except RamError:
            return None, None, None
        return self.accounts.find_key(key_id)

    def authenticate(self, signed, claimed, product):
        """Check the key (or STS token) and the signature; returns ``(account, Caller)``."""
        account, key, token = claimed
        key_id = signed.access_key_id()
        if account is None:
            raise RamError("InvalidAccessKeyId.NotFound")
        given_token = signed.security_token()
        if token is not None:
            if not given_token:
                raise RamError("MissingSecurityToken")
            if not hmac.compare_digest(given_token.encode(), token["security_token"].encode()):
                raise RamError("InvalidSecurityToken.MismatchWithAccessKey")
            signed.verify(token["secret"], self.nonces)
            if self.clock.time() >= token["expires_at"]:
                raise RamError("InvalidSecurityToken.Expired")
            return account, Caller(key_id, None, token)
        if given_token:
            raise RamError("InvalidSecurityToken.MismatchWithAccessKey")
        signed.verify(key["secret"], self.nonces)
        if key["status"] != "Active":
            raise RamError("InvalidAccessKeyId.Inactive")
        with account.transaction() as store:
            store.execute("UPDATE access_keys SET last_used_date = ?, last_used_service = ? WHERE access_key_id = ?",
                          (now(), product, key_id))
            user = None
            if key["user_pk"] is not None:
                user = store.one("SELECT * FROM users WHERE pk = ?", (key["user_pk"],))
        return account, Caller(key_id, user)

    @staticmethod
    def authorize(api, ctx):
        """Root and public actions pass; others need an Allow (and no Deny) for the action's permission."""
        caller, store = ctx.caller, ctx.store
        if caller.is_root or api.public:
            return
        if api.self_service and caller.user is not None \
                and ctx.params.get("UserName", caller.user["name"]) == caller.user["name"] \
                and store.account()["security_preference"][api.self_service]:
            return
        decision = ctx.decide(api.permission, resource_arn(api, ctx))
        if decision != "Allow":
            raise ctx.denied(api.permission, decision)


def resource_arn(api, ctx):
    """``acs:ram:*:<account>:<kind>/<name|*>``, or ``acs:<service>:*:<account>:*`` for account-level actions."""
    if api.resource is None:
        return "acs:%s:*:%s:*" % (api.permission.split(":", 1)[0], ctx.account_id)
    kind, param = api.resource
    return "acs:ram:*:%s:%s/%s" % (ctx.account_id, kind, (ctx.params.get(param) if param else None) or "*")


def sandbox_blueprint(service):
    """Admin routes of the RAM service only: accounts and the STS clock (see the package docstring)."""
    admin = Blueprint("ram_sandbox_admin", __name__, url_prefix=ADMIN_PREFIX)

    @admin.get("/accounts")
    def list_accounts():
        return jsonify([{"account_id": account.account_id, "access_key_id": account.root["access_key_id"]}
                        for account in service.accounts.all()])

    @admin.post("/accounts")
    def create_account():
        wanted = (request.get_json(silent=True) or {}).get("account_id")
        try:
            account = service.accounts.create(wanted)
        except ValueError as exc:
            return jsonify(error=str(exc)), 400
        return jsonify(account.root), 201

    @admin.get("/clock")
    def get_clock():
        return jsonify(offset_seconds=service.clock.offset_seconds, now=service.clock.iso(service.clock.time()))

    @admin.put("/clock")
    def put_clock():
        try:
            service.clock.set_offset((request.get_json(force=True) or {}).get("offset_seconds", 0))
        except (TypeError, ValueError) as exc:
            return jsonify(error=str(exc)), 400
        return get_clock()

    return admin


def create_app(state_dir, faults, counters, seed=None):
    """The RAM, STS and Resource Manager service on one Flask app; see the package docstring.

    ``seed``: a Resource Directory seed (``resource_directory.load_seed``), applied on first start only.
    """
    service = RamService(state_dir, faults, counters)
    if seed is not None:
        service.directory.apply_seed(seed)
    app = Flask("ram_service")
    app.config["SANDBOX_ROOT_CREDENTIALS"] = dict(service.accounts.default.root)
    app.config["SANDBOX_SERVICE"] = service
    app.register_blueprint(admin_blueprint("ram", faults, counters))
    app.register_blueprint(sandbox_blueprint(service))

    @app.route("/", defaults={"path": ""}, methods=["GET", "POST"])
    @app.route("/<path:path>", methods=["GET", "POST"])
    def api(path):
        if is_admin_path("/" + path):
            abort(404)
        return service.handle()

    return app
