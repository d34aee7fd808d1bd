"""Users, their AccessKeys and login profiles (console passwords)."""

import hashlib
import hmac
import re
import secrets

from .api import action, drop_none, paginate, wrap
from .errors import RamError, invalid_parameter, limit_exceeded
from .store import new_access_key, now, random_digits

MAX_USERS = 1000
MAX_ACCESS_KEYS = 2
PHONE_RE = re.compile(r"^\d{1,6}-\d{4,20}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# request parameter (without the "New" prefix of UpdateUser) -> (column, max length, format check)
PROFILE_FIELDS = (
    ("DisplayName", "display_name", 128, None),
    ("MobilePhone", "mobile_phone", 32, PHONE_RE),
    ("Email", "email", 128, EMAIL_RE),
    ("Comments", "comments", 128, None),
)


def user_view(user, detail=False):
    view = {"UserId": user["user_id"], "UserName": user["name"], "DisplayName": user["display_name"],
            "MobilePhone": user["mobile_phone"], "Email": user["email"], "Comments": user["comments"],
            "CreateDate": user["create_date"]}
    if detail:
        view["UpdateDate"] = user["update_date"]
        if user["last_login_date"]:
            view["LastLoginDate"] = user["last_login_date"]
    return view


def profile_fields(params, prefix=""):
    """``{column: value}`` for the profile parameters present, validated (``prefix`` "New" for UpdateUser)."""
    values = {}
    for name, column, limit, pattern in PROFILE_FIELDS:
        param = prefix + name
        value = params.text(param, limit)
        if value is None:
            continue
        if value and pattern and not pattern.match(value):
            raise invalid_parameter(param, "Format")
        values[column] = value
    return values


@action("CreateUser", resource=("user", "UserName"))
def create_user(ctx):
    store = ctx.store
    name = ctx.params.name("UserName")
    fields = profile_fields(ctx.params)
    if store.user(name, required=False):
        raise RamError("EntityAlreadyExists.User")
    if store.scalar("SELECT COUNT(*) FROM users") >= MAX_USERS:
        raise limit_exceeded("LimitExceeded.User", MAX_USERS, "users of the account")
    stamp = now()
    fields.update(user_id=store.unique_id("users", "user_id", lambda: random_digits(16)), name=name,
                  create_date=stamp, update_date=stamp)
    store.execute("INSERT INTO users (%s) VALUES (%s)" % (", ".join(fields), ", ".join("?" * len(fields))),
                  tuple(fields.values()))
    return {"User": user_view(store.user(name))}


@action("GetUser", resource=("user", "UserName"))
def get_user(ctx):
    return {"User": user_view(ctx.store.user(ctx.params.name("UserName")), detail=True)}


@action("UpdateUser", resource=("user", "UserName"))
def update_user(ctx):
    store = ctx.store
    name = ctx.params.name("UserName")
    new_name = ctx.params.name("NewUserName", required=False)
    fields = profile_fields(ctx.params, "New")
    user = store.user(name)
    if new_name and new_name != name:
        if store.user(new_name, required=False):
            raise RamError("EntityAlreadyExists.User")
        fields["name"] = new_name
    fields["update_date"] = now()
    store.execute("UPDATE users SET %s WHERE pk = ?" % ", ".join("%s = ?" % column for column in fields),
                  tuple(fields.values()) + (user["pk"],))
    return {"User": user_view(store.user(new_name or name), detail=True)}


@action("DeleteUser", resource=("user", "UserName"))
def delete_user(ctx):
    store = ctx.store
    user = store.user(ctx.params.name("UserName"))
    store.refuse_if_referenced(user["pk"], [
        ("DeleteConflict.User.AccessKey", "SELECT COUNT(*) FROM access_keys WHERE user_pk = ?"),
        ("DeleteConflict.User.Policy",
         "SELECT COUNT(*) FROM attachments WHERE principal_type = 'User' AND principal_pk = ?"),
        ("DeleteConflict.User.Group", "SELECT COUNT(*) FROM memberships WHERE user_pk = ?"),
        ("DeleteConflict.User.LoginProfile", "SELECT COUNT(*) FROM login_profiles WHERE user_pk = ?"),
        ("DeleteConflict.User.MFADevice", "SELECT COUNT(*) FROM mfa_devices WHERE user_pk = ?"),
    ])
    store.execute("DELETE FROM users WHERE pk = ?", (user["pk"],))
    return {}


@action("ListUsers", resource=("user", None))
def list_users(ctx):
    page, info = paginate(ctx.params, ctx.store.all("SELECT * FROM users ORDER BY pk"))
    return dict(info, **wrap("Users", "User", (user_view(user, detail=True) for user in page)))


# -- AccessKeys: UserName absent means the caller itself (the account's own keys for root) ----------
def key_owner(ctx):
    """The user named by UserName; absent: the calling user, the root account, or (a role session) an error."""
    name = ctx.params.name("UserName", required=ctx.caller.session is not None)
    return ctx.caller.user if name is None else ctx.store.user(name)


def owned_key(ctx, owner):
    key = ctx.store.access_key(ctx.params.required("UserAccessKeyId"))
    if key is None or key["user_pk"] != (owner["pk"] if owner else None):
        raise RamError("EntityNotExist.User.AccessKey")
    return key


def owner_keys(store, owner):
    if owner is None:
        return store.all("SELECT * FROM access_keys WHERE user_pk IS NULL ORDER BY rowid")
    return store.all("SELECT * FROM access_keys WHERE user_pk = ? ORDER BY rowid", (owner["pk"],))


def key_view(key, with_secret=False):
    view = {"AccessKeyId": key["access_key_id"], "Status": key["status"], "CreateDate": key["create_date"]}
    if with_secret:
        view["AccessKeySecret"] = key["secret"]
    return view


@action("CreateAccessKey", resource=("user", "UserName"), self_service="AllowUserToManageAccessKeys")
def create_access_key(ctx):
    owner = key_owner(ctx)
    if len(owner_keys(ctx.store, owner)) >= MAX_ACCESS_KEYS:
        raise RamError("LimitExceeded.User.AccessKey")
    key_id, secret = new_access_key()
    ctx.store.execute("INSERT INTO access_keys (access_key_id, secret, user_pk, status, create_date) "
                      "VALUES (?, ?, ?, 'Active', ?)", (key_id, secret, owner["pk"] if owner else None, now()))
    ctx.env.accounts.remember_key(key_id, ctx.store.account_id)
    return {"AccessKey": key_view(ctx.store.access_key(key_id), with_secret=True)}


@action("UpdateAccessKey", resource=("user", "UserName"), self_service="AllowUserToManageAccessKeys")
def update_access_key(ctx):
    status = ctx.params.choice("Status", ("Active", "Inactive"), required=True)
    key = owned_key(ctx, key_owner(ctx))
    ctx.store.execute("UPDATE access_keys SET status = ? WHERE access_key_id = ?", (status, key["access_key_id"]))
    return {}


@action("DeleteAccessKey", resource=("user", "UserName"), self_service="AllowUserToManageAccessKeys")
def delete_access_key(ctx):
    key = owned_key(ctx, key_owner(ctx))
    ctx.store.execute("DELETE FROM access_keys WHERE access_key_id = ?", (key["access_key_id"],))
    return {}


@action("ListAccessKeys", resource=("user", "UserName"), self_service="AllowUserToManageAccessKeys")
def list_access_keys(ctx):
    return wrap("AccessKeys", "AccessKey", (key_view(key) for key in owner_keys(ctx.store, key_owner(ctx))))


@action("GetAccessKeyLastUsed", resource=("user", "UserName"))
def get_access_key_last_used(ctx):
    key = owned_key(ctx, key_owner(ctx))
    return {"AccessKeyLastUsed": drop_none({"LastUsedDate": key["last_used_date"]})}


# -- login profiles ---------------------------------------------------------------------------------
def hash_password(password, salt=None):
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt.encode("ascii"), 20000).hex()
    return "pbkdf2-sha256$%s$%s" % (salt, digest)


def password_matches(password, stored):
    _scheme, salt, _digest = stored.split("$")
    return hmac.compare_digest(hash_password(password, salt), stored)


def checked_password(ctx, param):
    """The password parameter, refused (``InvalidParameter.<Param>.TooWeak``) unless it fits the policy."""
    password = ctx.params.required(param)
    policy = ctx.store.account()["password_policy"]
    problems = []
    if len(password) < policy["MinimumPasswordLength"]:
        problems.append("at least %d characters" % policy["MinimumPasswordLength"])
    for rule, pattern, what in (("RequireLowercaseCharacters", "[a-z]", "a lowercase letter"),
                                ("RequireUppercaseCharacters", "[A-Z]", "an uppercase letter"),
                                ("RequireNumbers", "[0-9]", "a digit"),
                                ("RequireSymbols", "[^A-Za-z0-9]", "a symbol")):
        if policy[rule] and not re.search(pattern, password):
            problems.append(what)
    if problems:
        raise RamError("InvalidParameter.%s.TooWeak" % param,
                       'The parameter - "%s" does not meet the password policy: it needs %s.'
                       % (param, ", ".join(problems)))
    return password


def login_profile(store, user):
    row = store.one("SELECT * FROM login_profiles WHERE user_pk = ?", (user["pk"],))
    if row is None:
        raise RamError("EntityNotExist.User.LoginProfile")
    return row


def login_profile_view(user, row):
    return {"UserName": user["name"], "PasswordResetRequired": bool(row["password_reset_required"]),
            "MFABindRequired": bool(row["mfa_bind_required"]), "CreateDate": row["create_date"]}


@action("CreateLoginProfile", resource=("user", "UserName"))
def create_login_profile(ctx):
    store = ctx.store
    name = ctx.params.name("UserName")
    password = checked_password(ctx, "Password")
    reset = ctx.params.flag("PasswordResetRequired", False)
    mfa = ctx.params.flag("MFABindRequired", False)
    user = store.user(name)
    if store.one("SELECT 1 FROM login_profiles WHERE user_pk = ?", (user["pk"],)):
        raise RamError("EntityAlreadyExists.User.LoginProfile")
    store.execute("INSERT INTO login_profiles VALUES (?, ?, ?, ?, ?)",
                  (user["pk"], hash_password(password), int(reset), int(mfa), now()))
    return {"LoginProfile": login_profile_view(user, login_profile(store, user))}


@action("GetLoginProfile", resource=("user", "UserName"))
def get_login_profile(ctx):
    user = ctx.store.user(ctx.params.name("UserName"))
    return {"LoginProfile": login_profile_view(user, login_profile(ctx.store, user))}


@action("UpdateLoginProfile", resource=("user", "UserName"))
def update_login_profile(ctx):
    store = ctx.store
    user = store.user(ctx.params.name("UserName"))
    changes = {}
    if ctx.params.has("Password"):
        changes["password_hash"] = hash_password(checked_password(ctx, "Password"))
    for param, column in (("PasswordResetRequired", "password_reset_required"),
                          ("MFABindRequired", "mfa_bind_required")):
        value = ctx.params.flag(param)
        if value is not None:
            changes[column] = int(value)
    login_profile(store, user)
    if changes:
        store.execute("UPDATE login_profiles SET %s WHERE user_pk = ?" % ", ".join("%s = ?" % c for c in changes),
                      tuple(changes.values()) + (user["pk"],))
    return {}


@action("DeleteLoginProfile", resource=("user", "UserName"))
def delete_login_profile(ctx):
    user = ctx.store.user(ctx.params.name("UserName"))
    login_profile(ctx.store, user)
    ctx.store.execute("DELETE FROM login_profiles WHERE user_pk = ?", (user["pk"],))
    return {}


@action("ChangePassword", resource=("user", None), self_service="AllowUserToChangePassword")
def change_password(ctx):
    """The caller's own password; the root account has no RAM login profile."""
    old = ctx.params.required("OldPassword")
    new = checked_password(ctx, "NewPassword")
    user = ctx.caller.user
    if user is None:
        raise RamError("EntityNotExist.User.LoginProfile")
    profile = login_profile(ctx.store, user)
    if not password_matches(old, profile["password_hash"]):
        raise invalid_parameter("OldPassword", message='The parameter - "OldPassword" is not correct.')
    ctx.store.execute("UPDATE login_profiles SET password_hash = ?, password_reset_required = 0 WHERE user_pk = ?",
                      (hash_password(new), user["pk"]))
    return {}
