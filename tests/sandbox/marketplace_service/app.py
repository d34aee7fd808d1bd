"""The routes of the local ``cb-credential-service`` (docs/marketplace-api.md is the specification)."""

import hmac
import json
import logging
import os
import random
import re

from flask import Flask, g, jsonify, request
from werkzeug.exceptions import HTTPException

from common import admin_blueprint, is_admin_path

from . import schema
from .errors import ApiError, Problems, ValidationFailed, not_found
from .provider import ProviderRejected, ProviderUnavailable, caller_identity
from .store import Store

V2 = "/cb-credential-service/api/v2.0"
V1 = "/cb-credential-service/api/v1.0"
SEED_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seed.json")
DEFAULT_LIMIT, MAX_LIMIT = 10, 1000
GATEWAY_ERRORS = {502: "BAD_GATEWAY", 503: "SERVICE_UNAVAILABLE", 504: "GATEWAY_TIMEOUT"}
HTML_ERROR = ("<html>\r\n<head><title>{code} {text}</title></head>\r\n<body>\r\n<center><h1>{code} {text}</h1></center>"
              "\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")

LOG = logging.getLogger(__name__)


def load_seed(path):
    with open(path, encoding="utf-8") as handle:
        seed = json.load(handle)
    entities = {kind: {item["id"]: item for item in seed[kind]}
                for kind in ("organizations", "teams", "customContexts")}
    return entities, seed["users"]


class Caller:
    """The authenticated user and what he may see (docs section 4)."""

    def __init__(self, user):
        self.username = user["username"]
        self.admin = bool(user.get("admin"))
        self.teams = set(user["teams"])
        self.organizations = set(user["organizations"])

    def _entities(self, context):
        for entry in context:
            yield from (("team", team) for team in entry.get("team", ()))
            yield from (("org", org) for org in entry.get("org", ()))

    def member(self, kind, ident):
        return ident in (self.teams if kind == "team" else self.organizations)

    def sees_credential(self, row):
        return self.admin or any(self.member(*item) for item in self._entities(json.loads(row["doc"])["context"]))

    def owns(self, account_row):
        return self.admin or account_row["created_by"] == self.username

    def sees_cref(self, cref_row):
        return cref_row is not None and (self.admin or cref_row["created_by"] == self.username)

    def context_problems(self, context, prop, problems):
        """Non-admins must scope to >= 1 team/org (400) and only to their own (returned, for a 403)."""
        if self.admin:
            return []
        named = list(self._entities(context))
        if not named:
            problems.add(prop, "a non-admin user must associate the credential with at least one of his teams"
                               " or organizations", context)
        return [ident for kind, ident in named if not self.member(kind, ident)]


def create_app(state_dir, faults, counters, ram_endpoint, seed_path=SEED_FILE, ram_ca=None):
    """The marketplace service on ``<state_dir>/marketplace.sqlite3``; STS calls go to ``ram_endpoint``.

    ``ram_ca``: the CA bundle that signs an ``https://`` ``ram_endpoint`` (the sandbox's ``ca.pem``).
    """
    app = Flask("marketplace_service")
    app.json.sort_keys = False
    store = Store(state_dir)
    entities, seed_users = load_seed(seed_path)
    keys = store.api_keys([user["username"] for user in seed_users])
    users = []
    for user in seed_users:
        admin = bool(user.get("admin"))
        member = {kind: sorted(entities[kind]) if admin else list(user.get(kind, []))
                  for kind in ("organizations", "teams")}
        users.append(dict(username=user["username"], apikey=keys[user["username"]], admin=admin, **member))
    if sum(user["admin"] for user in users) != 1:
        raise ValueError("the seed must define exactly one admin user")
    app.config["SANDBOX_USERS"] = users
    users_by_name = {user["username"]: user for user in users}
    app.register_blueprint(admin_blueprint("marketplace", faults, counters))
    rng = random.Random()

    # -- gate: count, faults, authentication --------------------------------------------------------------
    @app.before_request
    def gate():
        if is_admin_path(request.path):
            return None
        rule = request.url_rule.rule if request.url_rule else request.path
        operation = "%s %s" % (request.method, re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule))
        counters.add(operation)
        fault = faults.draw(operation)
        if fault == "throttle":
            raise ApiError(429, "TOO_MANY_REQUESTS", "Too many requests, retry later", headers={"Retry-After": "1"})
        if fault == "error":
            status = rng.choice(sorted(GATEWAY_ERRORS))
            word = GATEWAY_ERRORS[status]
            if rng.random() < 0.5:
                text = word.replace("_", " ").title()
                return HTML_ERROR.format(code=status, text=text), status, {"Content-Type": "text/html"}
            raise ApiError(status, word, "The gateway could not complete the request")
        user = users_by_name.get(request.headers.get("username", ""))
        if user is None or not hmac.compare_digest(user["apikey"].encode(), request.headers.get("apikey", "").encode()):
            raise ApiError(401, "UNAUTHORIZED", "Missing or invalid username/apikey headers")
        g.caller = Caller(user)
        return None

    @app.errorhandler(ApiError)
    @app.errorhandler(ValidationFailed)
    def api_error(exc):
        return exc.response()

    @app.errorhandler(HTTPException)
    def http_error(exc):
        return ApiError(exc.code, exc.name.upper().replace(" ", "_"), exc.description or exc.name).response()

    @app.errorhandler(Exception)
    def internal_error(exc):
        LOG.exception("unhandled error")
        return ApiError(500, "INTERNAL_ERROR", "Internal error: %s" % type(exc).__name__).response()

    # -- shared helpers: body, paging, visibility, rendering -------------------------------------------------
    def body():
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise ValidationFailed("body", [{"property": "", "messages": ["must be a JSON object"], "value": None}])
        return data

    def paged(items):
        """``[{"total_rows": N}, <items of the requested page>]``; limit/page validated (docs section 8)."""
        problems = Problems("query")
        numbers = {}
        for name, default, upper in (("limit", DEFAULT_LIMIT, MAX_LIMIT), ("page", 1, None)):
            raw = request.args.get(name, str(default))
            value = int(raw) if re.fullmatch(r"[+-]?\d+", raw.strip()) else None
            if value is None or value < 1 or (upper and value > upper):
                problems.add(name, "must be an integer from 1%s" % (" to %d" % upper if upper else ""), raw)
            numbers[name] = value
        problems.raise_if_any()
        start = (numbers["page"] - 1) * numbers["limit"]
        return jsonify([{"total_rows": len(items)}] + items[start:start + numbers["limit"]])

    def active_only():
        return request.args.get("manage", "").lower() == "false"

    def account_view(row):
        """The credentials of ``row`` the caller sees, or None when the account is invisible to him."""
        if row is None or (active_only() and json.loads(row["basic_info"])["isActive"] != "Active"):
            return None
        credentials = [cred for cred in store.credentials(row["account_id"]) if g.caller.sees_credential(cred)]
        if active_only():
            credentials = [cred for cred in credentials if json.loads(cred["doc"])["status"] == "Active"]
        return credentials if (g.caller.owns(row) or credentials) else None

    def load_account(account_id, write=False):
        row = store.account(account_id)
        credentials = account_view(row)
        if credentials is None:
            raise not_found("account", account_id)
        if write and not g.caller.owns(row):
            raise ApiError(403, "FORBIDDEN", "Only an admin or the account's creator may change it", [account_id])
        return row, credentials

    def load_credential(account_id, cred_id, write=False):
        row, credentials = load_account(account_id, write)
        for cred in credentials:
            if cred["id"] == cred_id:
                return row, cred
        raise not_found("credential", cred_id)

    def render_credential(row):
        out = {"id": row["id"]}
        out.update(json.loads(row["doc"]))
        if row["secret"] is not None:
            out["passwordFields"] = store.unseal(row["secret"])  # the real service's habit (docs 5.3)
        else:
            out["crefId"] = row["cref_id"]
        out.update(createdBy=row["created_by"], updatedTime=row["updated_time"])
        return out

    def render_account(row, credentials):
        return {"accountId": row["account_id"], "basicInfo": json.loads(row["basic_info"]),
                "advancedInfo": json.loads(row["advanced_info"]),
                "credentials": [render_credential(cred) for cred in credentials],
                "modelVersion": row["model_version"], "createdBy": row["created_by"],
                "createdTime": row["created_time"], "updatedTime": row["updated_time"]}

    def fresh_account(account_id):
        return render_account(*load_account(account_id))

    def fresh_credential(account_id, cred_id):
        return render_credential(load_credential(account_id, cred_id)[1])

    def done(word, message, params, **echo):
        return jsonify(message=message, translateCode="CO200_" + word, translateParameters=list(params), **echo)

    # -- validation that needs the database or the caller --------------------------------------------------
    def check_credential(cred, prefix, problems):
        """Vault reference and business-entity rules; returns forbidden entity ids (for a 403)."""
        if cred.get("crefId") and not g.caller.sees_cref(store.credentialref(cred["crefId"])):
            problems.add(schema.join(prefix, "crefId"), "unknown credential reference", cred["crefId"])
        if cred.get("context") is None:
            return []
        return g.caller.context_problems(cred["context"], schema.join(prefix, "context"), problems)

    def raise_for(problems, forbidden):
        problems.raise_if_any()
        if forbidden:
            raise ApiError(403, "CONTEXT_NOT_PERMITTED", "The caller may not associate credentials with: %s"
                           % ", ".join(sorted(set(forbidden))), sorted(set(forbidden)))

    def check_parent(account_id, basic, problems):
        parent_id = basic.get("parentAccountId")
        if not parent_id:
            return
        parent = store.account(parent_id)
        if parent_id == account_id:
            problems.add("basicInfo.parentAccountId", "an account cannot be its own parent", parent_id)
        elif account_view(parent) is None:
            problems.add("basicInfo.parentAccountId", "unknown account", parent_id)
        elif json.loads(parent["basic_info"])["accountType"] != "master":
            problems.add("basicInfo.parentAccountId", "must name a master account", parent_id)

    def account_payload(path_id=None):
        doc = body().get("account")
        problems = Problems()
        if not isinstance(doc, dict):
            problems.add("account", "is required and must be an object", doc)
            problems.raise_if_any()
        if path_id is not None:
            doc = dict(doc)
            if doc.setdefault("accountId", path_id) != path_id:
                problems.add("accountId", "must equal the accountId in the path", doc["accountId"])
        account_id, basic, advanced = schema.account(doc, problems)
        check_parent(account_id, basic, problems)
        return doc, problems, account_id, basic, advanced

    # -- business entities ---------------------------------------------------------------------------------
    @app.get(V2 + "/businessEntities")
    def business_entities():
        caller = g.caller

        def allowed(kind, ident):
            return caller.admin or kind == "customContexts" or caller.member(
                "team" if kind == "teams" else "org", ident)
        return jsonify({kind: [item for ident, item in items.items() if allowed(kind, ident)]
                        for kind, items in entities.items()})

    # -- accounts ------------------------------------------------------------------------------------------
    @app.post(V2 + "/accounts")
    def create_account():
        doc, problems, account_id, basic, advanced = account_payload()
        raw = doc.get("credentials", [])
        if not isinstance(raw, list):
            problems.add("credentials", "must be a list", None)
            raw = []
        credentials, forbidden = [], []
        for index, item in enumerate(raw):
            prefix = "credentials[%d]" % index
            cred = schema.credential(item, prefix, problems, entities)
            forbidden += check_credential(cred, prefix, problems)
            credentials.append(cred)
        names = [cred.get("credentialName") for cred in credentials]
        for index, name in enumerate(names):
            if name and names.index(name) != index:
                problems.add("credentials[%d].credentialName" % index, "duplicate credential name", name)
        raise_for(problems, forbidden)
        if not store.create_account(account_id, basic, advanced, credentials, g.caller.username):
            raise ApiError(409, "ACCOUNT_ALREADY_EXISTS", "Account %s already exists" % account_id, [account_id])
        return done("ACC_CREATED_SUCCESSFULLY", "Account created successfully", [account_id],
                    account=fresh_account(account_id))

    @app.get(V2 + "/accounts/<accountId>")
    def get_account(accountId):  # pylint: disable=invalid-name  # route variable names are the docs' names
        return jsonify(fresh_account(accountId))

    @app.put(V2 + "/accounts/<accountId>")
    def update_account(accountId):  # pylint: disable=invalid-name
        row, _credentials = load_account(accountId, write=True)
        doc, problems, _account_id, basic, advanced = account_payload(accountId)
        if basic.get("accountType") == "subaccount" and store.children(accountId):
            problems.add("basicInfo.accountType", "has sub-accounts, must stay master", basic["accountType"])
        problems.raise_if_any()
        if "modelVersion" in doc and doc["modelVersion"] != row["model_version"]:
            raise ApiError(409, "MODEL_VERSION_CONFLICT", "The account was changed meanwhile (modelVersion %s)"
                           % row["model_version"], [accountId, row["model_version"]])
        store.update_account(accountId, basic, advanced)
        return done("SUCCESSFULLY_UPDATE_ACC_AND_SUBACC", "Account updated successfully", [accountId],
                    account=fresh_account(accountId))

    @app.delete(V2 + "/accounts/<accountId>")
    def delete_account(accountId):  # pylint: disable=invalid-name
        load_account(accountId, write=True)
        children = store.children(accountId)
        if children:
            raise ApiError(409, "ACCOUNT_HAS_SUBACCOUNTS", "Sub-accounts still name this master account: %s"
                           % ", ".join(children), children)
        store.delete_account(accountId)
        return "", 204

    @app.get(V2 + "/accounts/type/<accountType>")
    def list_accounts(accountType):  # pylint: disable=invalid-name
        if accountType not in schema.USER_TYPES:
            raise ValidationFailed("params", [{"property": "type", "messages": [
                "must be one of: %s" % ", ".join(schema.USER_TYPES)], "value": accountType}])
        code = request.args.get("serviceProviderCode")
        items = []
        for row in store.accounts():
            basic = json.loads(row["basic_info"])
            if basic["userType"] != accountType or (code and basic["serviceProviderCode"] != code):
                continue
            credentials = account_view(row)
            if credentials is not None:
                items.append(render_account(row, credentials))
        return paged(items)

    # -- credentials ---------------------------------------------------------------------------------------
    @app.get(V2 + "/accounts/<accountId>/credentials")
    def list_credentials(accountId):  # pylint: disable=invalid-name
        _row, credentials = load_account(accountId)
        args = request.args
        items = []
        for cred in map(render_credential, credentials):
            named = {kind: {ident for entry in cred["context"] for ident in entry.get(kind, ())}
                     for kind in ("team", "org")}
            if ((args.get("credentialName") and cred["credentialName"] != args["credentialName"])
                    or (args.get("credentialId") and cred["id"] != args["credentialId"])
                    or (args.get("purpose") and args["purpose"] not in cred["purpose"])
                    or (args.get("team") and args["team"] not in named["team"])
                    or (args.get("organization") and args["organization"] not in named["org"])):
                continue
            items.append(cred)
        return paged(items)

    @app.post(V2 + "/accounts/<accountId>/credentials")
    def add_credential(accountId):  # pylint: disable=invalid-name
        load_account(accountId, write=True)
        problems = Problems()
        cred = schema.credential(body(), "", problems, entities)
        raise_for(problems, check_credential(cred, "", problems))
        cred_id = store.add_credential(accountId, cred, g.caller.username)
        if cred_id is None:
            raise ApiError(409, "CREDENTIAL_ALREADY_EXISTS", "Credential %s already exists in account %s"
                           % (cred["credentialName"], accountId), [cred["credentialName"], accountId])
        return done("CREDENTIAL_CREATED_SUCCESSFULLY", "Credential created successfully", [cred["credentialName"]],
                    credential=fresh_credential(accountId, cred_id))

    @app.get(V2 + "/accounts/<accountId>/credentials/<credId>")
    def get_credential(accountId, credId):  # pylint: disable=invalid-name
        return jsonify(fresh_credential(accountId, credId))

    def change_credential(account_id, row, changes):
        if not store.update_credential(row, changes):
            raise ApiError(409, "CREDENTIAL_ALREADY_EXISTS", "Credential %s already exists in account %s"
                           % (changes.get("credentialName"), account_id), [changes.get("credentialName"), account_id])
        return done("CREDENTIAL_UPDATED_SUCCESSFULLY", "Credential updated successfully", [row["id"]],
                    credential=fresh_credential(account_id, row["id"]))

    @app.patch(V2 + "/accounts/<accountId>/credentials/<credId>")
    def patch_credential(accountId, credId):  # pylint: disable=invalid-name
        _account, row = load_credential(accountId, credId, write=True)
        problems = Problems()
        changes = schema.credential(body(), "", problems, entities, partial=True)
        raise_for(problems, check_credential(changes, "", problems))
        return change_credential(accountId, row, changes)

    @app.patch(V2 + "/accounts/<accountId>/credentials/<credId>/context/<contextId>")
    def patch_context(accountId, credId, contextId):  # pylint: disable=invalid-name
        _account, row = load_credential(accountId, credId, write=True)
        context = json.loads(row["doc"])["context"]
        index = next((i for i, entry in enumerate(context) if entry["contextId"] == contextId), None)
        if index is None:
            raise not_found("context", contextId)
        problems = Problems()
        entry = schema.context_entry(body(), "", problems, entities)
        problems.raise_if_any()
        context[index] = dict(contextId=contextId, **entry)
        raise_for(problems, check_credential({"context": context}, "", problems))
        return change_credential(accountId, row, {"context": context})

    @app.delete(V2 + "/accounts/<accountId>/credentials/<credId>")
    def delete_credential(accountId, credId):  # pylint: disable=invalid-name
        _account, row = load_credential(accountId, credId, write=True)
        store.delete_credential(row)
        return "", 204

    # -- test connection -----------------------------------------------------------------------------------
    def secret_to_test(data):
        """(serviceProviderCode, {"accessKey", "secretKey"}) named by the request (docs section 7)."""
        problems = Problems()
        if "accountId" in data or "credentialId" in data:
            for key in ("accountId", "credentialId"):
                schema.string(data, key, "", problems, max_len=128)
            problems.raise_if_any()
            account, cred = load_credential(data["accountId"], data["credentialId"])
            code = json.loads(account["basic_info"])["serviceProviderCode"]
            secret = store.unseal(cred["secret"] if cred["secret"] is not None
                                  else store.credentialref(cred["cref_id"])["secret"])
        else:
            code = schema.string(schema.section(data, "basicInfo", "", problems), "serviceProviderCode",
                                 "basicInfo", problems)
            creds = schema.section(data, "credentials", "", problems)
            secret = None
            if creds.get("passwordFields") is not None:
                secret = schema.password_fields(creds["passwordFields"], "credentials.passwordFields", problems)
            elif creds.get("crefId"):
                cref = store.credentialref(str(creds["crefId"]))
                if g.caller.sees_cref(cref):
                    secret = store.unseal(cref["secret"])
                else:
                    problems.add("credentials.crefId", "unknown credential reference", creds["crefId"])
            else:
                problems.add("credentials", "one of passwordFields or crefId is required", None)
        if secret is not None and not all(isinstance(secret.get(key), str) and secret.get(key)
                                          for key in schema.PASSWORD_KEYS):
            problems.add("credentials", "the secret must hold accessKey and secretKey", "<redacted>")
        problems.raise_if_any()
        return code, secret

    @app.post(V2 + "/credentialsValidator")
    def test_connection():
        code, secret = secret_to_test(body())
        if code != "alibaba":
            raise ApiError(400, "UNSUPPORTED_PROVIDER", "Test connection is not supported for provider %s" % code,
                           [code])
        try:
            identity = caller_identity(ram_endpoint, secret["accessKey"], secret["secretKey"], ca=ram_ca)
        except ProviderRejected as exc:
            raise ApiError(400, "TEST_CONNECTION_FAILED", "Test connection failed: %s" % exc, [exc.code],
                           extra={"status": "failure", "errorCode": exc.code}) from exc
        except ProviderUnavailable as exc:
            raise ApiError(502, "PROVIDER_UNREACHABLE", "The provider could not be reached: %s" % exc, [exc.code],
                           extra={"status": "failure", "errorCode": exc.code}) from exc
        return jsonify(message="Test connection successful", translateCode="CO200_TEST_CONNECTION_SUCCESSFUL",
                       status="success", identity=identity)

    # -- vault references (v1.0) ---------------------------------------------------------------------------
    @app.post(V1 + "/credentialrefs")
    def create_credentialref():
        data = body()
        problems = Problems()
        cref_id = schema.string(data, "crefId", "", problems, pattern=schema.ID_RE, max_len=128,
                                message="must be 1-128 characters of A-Z a-z 0-9 _ . -")
        value = schema.vault_value(schema.section(schema.section(data, "credential", "", problems), "value",
                                                  "credential", problems), "credential.value", problems)
        problems.raise_if_any()
        if not store.create_credentialref(cref_id, value, g.caller.username):
            raise ApiError(409, "CREDENTIAL_REF_ALREADY_EXISTS", "Credential reference %s already exists" % cref_id,
                           [cref_id])
        return done("CREDENTIAL_REF_CREATED", "Credential reference created successfully", [cref_id], crefId=cref_id)

    def load_cref(cref_id):
        row = store.credentialref(cref_id)
        if not g.caller.sees_cref(row):
            raise not_found("credential ref", cref_id)
        return row

    @app.get(V1 + "/credentialrefs/<crefId>")
    def get_credentialref(crefId):  # pylint: disable=invalid-name
        row = load_cref(crefId)
        return jsonify(crefId=crefId, keys=sorted(store.unseal(row["secret"])), createdBy=row["created_by"],
                       createdTime=row["created_time"], updatedTime=row["updated_time"])

    @app.delete(V1 + "/credentialrefs/<crefId>")
    def delete_credentialref(crefId):  # pylint: disable=invalid-name
        load_cref(crefId)
        if not store.delete_credentialref(crefId):
            raise ApiError(409, "CREDENTIAL_REF_IN_USE", "Credential reference %s is used by a credential" % crefId,
                           [crefId])
        return "", 204

    return app
