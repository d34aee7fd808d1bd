"""RAM roles (minimal: no AssumeRole, no service-linked roles).

The ARN uses the lower-cased role name, as RAM does: ``acs:ram::<account>:role/<name in lower case>``.
"""

import json

from .api import action, paginate, wrap
from .errors import RamError, limit_exceeded
from .policies import parse_tags, tags_view
from .policy_eval import parse_trust_policy
from .store import now, random_digits

MAX_ROLES = 1000
SESSION_RANGE = (3600, 43200)


def role_view(store, role, *extra):
    view = {"RoleId": role["role_id"], "RoleName": role["name"], "Arn": store.role_arn(role),
            "Description": role["description"], "MaxSessionDuration": role["max_session_duration"],
            "CreateDate": role["create_date"]}
    optional = {
        "AssumeRolePolicyDocument": lambda: role["trust_policy"],
        "UpdateDate": lambda: role["update_date"],
        "IsServiceLinkedRole": lambda: False,
        "Tags": lambda: tags_view(role),
    }
    view.update((name, optional[name]()) for name in extra)
    return view


@action("CreateRole", resource=("role", "RoleName"))
def create_role(ctx):
    store = ctx.store
    name = ctx.params.name("RoleName")
    trust = ctx.params.required("AssumeRolePolicyDocument")
    parse_trust_policy(trust)
    description = ctx.params.text("Description", 1024, "")
    duration = ctx.params.number("MaxSessionDuration", SESSION_RANGE[0], *SESSION_RANGE)
    tags = parse_tags(ctx.params)
    if store.role(name, required=False):
        raise RamError("EntityAlreadyExists.Role")
    if store.scalar("SELECT COUNT(*) FROM roles") >= MAX_ROLES:
        raise limit_exceeded("LimitExceeded.Role", MAX_ROLES, "roles of the account")
    stamp = now()
    role_id = store.unique_id("roles", "role_id", lambda: random_digits(19))
    store.execute("INSERT INTO roles (role_id, name, description, trust_policy, max_session_duration, tags, "
                  "create_date, update_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                  (role_id, name, description, trust, duration, json.dumps(tags), stamp, stamp))
    return {"Role": role_view(store, store.role(name), "AssumeRolePolicyDocument")}


@action("GetRole", resource=("role", "RoleName"))
def get_role(ctx):
    role = ctx.store.role(ctx.params.name("RoleName"))
    return {"Role": role_view(ctx.store, role, "AssumeRolePolicyDocument", "UpdateDate", "IsServiceLinkedRole")}


@action("UpdateRole", resource=("role", "RoleName"))
def update_role(ctx):
    store = ctx.store
    name = ctx.params.name("RoleName")
    changes = {}
    if ctx.params.has("NewAssumeRolePolicyDocument"):
        changes["trust_policy"] = ctx.params.get("NewAssumeRolePolicyDocument")
        parse_trust_policy(changes["trust_policy"], "NewAssumeRolePolicyDocument")
    if ctx.params.get("NewDescription") is not None:
        changes["description"] = ctx.params.text("NewDescription", 1024)
    duration = ctx.params.number("NewMaxSessionDuration", None, *SESSION_RANGE)
    if duration is not None:
        changes["max_session_duration"] = duration
    role = store.role(name)
    changes["update_date"] = now()
    store.execute("UPDATE roles SET %s WHERE pk = ?" % ", ".join("%s = ?" % c for c in changes),
                  tuple(changes.values()) + (role["pk"],))
    return {"Role": role_view(store, store.role(name), "AssumeRolePolicyDocument", "UpdateDate")}


@action("DeleteRole", resource=("role", "RoleName"))
def delete_role(ctx):
    role = ctx.store.role(ctx.params.name("RoleName"))
    ctx.store.refuse_if_referenced(role["pk"], [
        ("DeleteConflict.Role.Policy",
         "SELECT COUNT(*) FROM attachments WHERE principal_type = 'Role' AND principal_pk = ?")])
    ctx.store.execute("DELETE FROM roles WHERE pk = ?", (role["pk"],))
    return {}


@action("ListRoles", resource=("role", None))
def list_roles(ctx):
    page, info = paginate(ctx.params, ctx.store.all("SELECT * FROM roles ORDER BY pk"))
    return dict(info, **wrap("Roles", "Role", (role_view(ctx.store, role, "UpdateDate", "Tags") for role in page)))
