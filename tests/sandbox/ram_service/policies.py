"""Policies, their versions, and attaching them to users, groups and roles.

System policies only accept the read actions and attachment; the actions without a ``PolicyType``
parameter (DeletePolicy, UpdatePolicyDescription, *PolicyVersion writes) work on custom policies
only, so a system name there is ``EntityNotExist.Policy``. Names are case-sensitive. A custom policy
may not take the name of a system policy (``EntityAlreadyExists.Policy``).
"""

import json
import re
from functools import partial

from .api import action, paginate, wrap
from .errors import RamError, invalid_parameter, limit_exceeded
from .policy_eval import parse_policy
from .store import PRINCIPALS, now

POLICY_TYPES = ("System", "Custom")
MAX_CUSTOM_POLICIES = 1500
MAX_VERSIONS = 5
MAX_TAGS = 20
ROTATE_STRATEGIES = ("None", "DeleteOldestNonDefaultVersionWhenLimitExceeded")
VERSION_RE = re.compile(r"^v[1-9][0-9]{0,5}$")
# principal type -> {policy type: max attached}
ATTACH_LIMITS = {"User": {"System": 20, "Custom": 10}, "Group": {"System": 20, "Custom": 5},
                 "Role": {"System": 20, "Custom": 5}}


def tags_view(row):
    """The ``{"Tag": [{"TagKey", "TagValue"}]}`` wrapper of a policy or role row."""
    return {"Tag": [{"TagKey": key, "TagValue": value} for key, value in json.loads(row["tags"])]}


def policy_view(store, policy, *extra):
    """The common policy fields plus any of ``UpdateDate``, ``AttachmentCount``, ``PolicyDocument``, ``Tags``."""
    view = {"PolicyName": policy["name"], "PolicyType": policy["type"], "Description": policy["description"],
            "DefaultVersion": policy["default_version"], "CreateDate": policy["create_date"]}
    optional = {
        "UpdateDate": lambda: policy["update_date"],
        "AttachmentCount": lambda: store.scalar("SELECT COUNT(*) FROM attachments WHERE policy_pk = ?",
                                                (policy["pk"],)),
        "PolicyDocument": lambda: store.default_document(policy),
        "Tags": lambda: tags_view(policy),
    }
    view.update((name, optional[name]()) for name in extra)
    return view


def version_view(policy, version):
    version_id = "v%d" % version["number"]
    return {"VersionId": version_id, "IsDefaultVersion": version_id == policy["default_version"],
            "PolicyDocument": version["document"], "CreateDate": version["create_date"]}


def parse_tags(params):
    """``Tag`` arrives as a JSON list string ``[{"Key": .., "Value": ..}]``; returns ``[(key, value)]``."""
    raw = params.get("Tag")
    if not raw:
        return []
    try:
        tags = [(tag["Key"], tag.get("Value", "")) for tag in json.loads(raw)]
    except (ValueError, TypeError, KeyError, AttributeError):
        raise invalid_parameter("Tag", "Format") from None
    if len(tags) > MAX_TAGS or not all(isinstance(k, str) and k and isinstance(v, str) for k, v in tags):
        raise invalid_parameter("Tag", "Format")
    return tags


def policy_type(params):
    return params.choice("PolicyType", POLICY_TYPES, required=True)


def named_policy(ctx):
    """The policy named by PolicyName/PolicyType (both required)."""
    name = ctx.params.name("PolicyName")
    return ctx.store.policy(name, policy_type(ctx.params))


def custom_policy(ctx):
    return ctx.store.policy(ctx.params.name("PolicyName"), "Custom")


def version_id(params):
    value = params.required("VersionId")
    if not VERSION_RE.match(value):
        raise invalid_parameter("VersionId", "Format")
    return value


# -- policies -----------------------------------------------------------------------------------------
@action("CreatePolicy", resource=("policy", "PolicyName"))
def create_policy(ctx):
    store = ctx.store
    name = ctx.params.name("PolicyName")
    description = ctx.params.text("Description", 1024, "")
    document = ctx.params.required("PolicyDocument")
    parse_policy(document)
    tags = parse_tags(ctx.params)
    if store.one("SELECT 1 FROM policies WHERE name = ?", (name,)):
        raise RamError("EntityAlreadyExists.Policy")
    if store.scalar("SELECT COUNT(*) FROM policies WHERE type = 'Custom'") >= MAX_CUSTOM_POLICIES:
        raise limit_exceeded("LimitExceeded.Policy", MAX_CUSTOM_POLICIES, "custom policies of the account")
    stamp = now()
    cursor = store.execute("INSERT INTO policies (name, type, description, default_version, next_version, tags, "
                           "create_date, update_date) VALUES (?, 'Custom', ?, 'v1', 2, ?, ?, ?)",
                           (name, description, json.dumps(tags), stamp, stamp))
    store.execute("INSERT INTO policy_versions VALUES (?, 1, ?, ?)", (cursor.lastrowid, document, stamp))
    return {"Policy": policy_view(store, store.policy(name, "Custom"))}


@action("GetPolicy", resource=("policy", "PolicyName"))
def get_policy(ctx):
    policy = named_policy(ctx)
    default = ctx.store.policy_version(policy, policy["default_version"])
    return {"Policy": policy_view(ctx.store, policy, "UpdateDate", "AttachmentCount", "PolicyDocument"),
            "DefaultPolicyVersion": version_view(policy, default)}


@action("UpdatePolicyDescription", resource=("policy", "PolicyName"))
def update_policy_description(ctx):
    description = ctx.params.text("NewDescription", 1024, "")
    policy = custom_policy(ctx)
    ctx.store.execute("UPDATE policies SET description = ?, update_date = ? WHERE pk = ?",
                      (description, now(), policy["pk"]))
    return {"Policy": policy_view(ctx.store, ctx.store.policy(policy["name"], "Custom"), "UpdateDate")}


@action("DeletePolicy", resource=("policy", "PolicyName"))
def delete_policy(ctx):
    store = ctx.store
    cascade = ctx.params.flag("CascadingDelete", False)
    policy = custom_policy(ctx)
    if not cascade:
        store.refuse_if_referenced(policy["pk"], [
            ("DeleteConflict.Policy.%s" % kind,
             "SELECT COUNT(*) FROM attachments WHERE principal_type = '%s' AND policy_pk = ?" % kind)
            for kind in PRINCIPALS] + [
            ("DeleteConflict.Policy.Version",
             "SELECT COUNT(*) - 1 FROM policy_versions WHERE policy_pk = ?")])
    store.execute("DELETE FROM policies WHERE pk = ?", (policy["pk"],))   # versions, attachments: ON DELETE CASCADE
    return {}


@action("ListPolicies", resource=("policy", None))
def list_policies(ctx):
    kind = ctx.params.choice("PolicyType", POLICY_TYPES)
    wanted = set(parse_tags(ctx.params))
    rows = ctx.store.all("SELECT * FROM policies WHERE ? IS NULL OR type = ? ORDER BY pk", (kind, kind))
    if wanted:
        rows = [row for row in rows if wanted <= {tuple(tag) for tag in json.loads(row["tags"])}]
    page, info = paginate(ctx.params, rows)
    return dict(info, **wrap("Policies", "Policy", (
        policy_view(ctx.store, row, "UpdateDate", "AttachmentCount", "Tags") for row in page)))


# -- versions -----------------------------------------------------------------------------------------
@action("CreatePolicyVersion", resource=("policy", "PolicyName"))
def create_policy_version(ctx):
    store = ctx.store
    document = ctx.params.required("PolicyDocument")
    parse_policy(document)
    set_default = ctx.params.flag("SetAsDefault", False)
    rotate = ctx.params.choice("RotateStrategy", ROTATE_STRATEGIES, "None")
    policy = custom_policy(ctx)
    versions = store.all("SELECT number FROM policy_versions WHERE policy_pk = ? ORDER BY number", (policy["pk"],))
    if len(versions) >= MAX_VERSIONS:
        oldest = next(v["number"] for v in versions if "v%d" % v["number"] != policy["default_version"])
        if rotate == "None":
            raise RamError("LimitExceeded.Policy.Version")
        store.execute("DELETE FROM policy_versions WHERE policy_pk = ? AND number = ?", (policy["pk"], oldest))
    number, stamp = policy["next_version"], now()
    store.execute("INSERT INTO policy_versions VALUES (?, ?, ?, ?)", (policy["pk"], number, document, stamp))
    store.execute("UPDATE policies SET next_version = ?, default_version = ?, update_date = ? WHERE pk = ?",
                  (number + 1, "v%d" % number if set_default else policy["default_version"], stamp, policy["pk"]))
    policy = store.policy(policy["name"], "Custom")
    return {"PolicyVersion": version_view(policy, store.policy_version(policy, "v%d" % number))}


@action("GetPolicyVersion", resource=("policy", "PolicyName"))
def get_policy_version(ctx):
    wanted = version_id(ctx.params)
    policy = named_policy(ctx)
    return {"PolicyVersion": version_view(policy, ctx.store.policy_version(policy, wanted))}


@action("ListPolicyVersions", resource=("policy", "PolicyName"))
def list_policy_versions(ctx):
    policy = named_policy(ctx)
    rows = ctx.store.all("SELECT * FROM policy_versions WHERE policy_pk = ? ORDER BY number", (policy["pk"],))
    return wrap("PolicyVersions", "PolicyVersion", (version_view(policy, row) for row in rows))


@action("DeletePolicyVersion", resource=("policy", "PolicyName"))
def delete_policy_version(ctx):
    wanted = version_id(ctx.params)
    policy = custom_policy(ctx)
    version = ctx.store.policy_version(policy, wanted)
    if wanted == policy["default_version"]:
        raise RamError("DeleteConflict.Policy.Version.Default")
    ctx.store.execute("DELETE FROM policy_versions WHERE policy_pk = ? AND number = ?",
                      (policy["pk"], version["number"]))
    return {}


@action("SetDefaultPolicyVersion", resource=("policy", "PolicyName"))
def set_default_policy_version(ctx):
    wanted = version_id(ctx.params)
    policy = custom_policy(ctx)
    ctx.store.policy_version(policy, wanted)
    ctx.store.execute("UPDATE policies SET default_version = ?, update_date = ? WHERE pk = ?",
                      (wanted, now(), policy["pk"]))
    return {}


# -- attachments: one implementation for users, groups and roles ------------------------------------------
def attachment(ctx, kind):
    """``(principal, policy)`` of an Attach/Detach request; the principal is looked up first."""
    _table, param, _missing = PRINCIPALS[kind]
    name = ctx.params.name(param)
    policy_name = ctx.params.name("PolicyName")
    kind_of_policy = policy_type(ctx.params)
    principal = ctx.store.principal(kind, name)
    return principal, ctx.store.policy(policy_name, kind_of_policy)


def attach_policy(kind, ctx):
    store = ctx.store
    principal, policy = attachment(ctx, kind)
    if store.one("SELECT 1 FROM attachments WHERE policy_pk = ? AND principal_type = ? AND principal_pk = ?",
                 (policy["pk"], kind, principal["pk"])):
        raise RamError("EntityAlreadyExists.%s.Policy" % kind)
    limit = ATTACH_LIMITS[kind][policy["type"]]
    attached = store.scalar("SELECT COUNT(*) FROM attachments a JOIN policies p ON p.pk = a.policy_pk "
                            "WHERE a.principal_type = ? AND a.principal_pk = ? AND p.type = ?",
                            (kind, principal["pk"], policy["type"]))
    if attached >= limit:
        raise limit_exceeded("LimitExceeded.%s.Policy" % kind, limit,
                             "%s policies attached to the %s" % (policy["type"].lower(), kind.lower()))
    store.execute("INSERT INTO attachments VALUES (?, ?, ?, ?)", (policy["pk"], kind, principal["pk"], now()))
    return {}


def detach_policy(kind, ctx):
    principal, policy = attachment(ctx, kind)
    cursor = ctx.store.execute(
        "DELETE FROM attachments WHERE policy_pk = ? AND principal_type = ? AND principal_pk = ?",
        (policy["pk"], kind, principal["pk"]))
    if not cursor.rowcount:
        raise RamError("EntityNotExist.%s.Policy" % kind)
    return {}


def list_policies_for(kind, ctx):
    _table, param, _missing = PRINCIPALS[kind]
    principal = ctx.store.principal(kind, ctx.params.name(param))
    return wrap("Policies", "Policy", (
        {"PolicyName": p["name"], "PolicyType": p["type"], "Description": p["description"],
         "DefaultVersion": p["default_version"], "AttachDate": p["attach_date"]}
        for p in ctx.store.attached_policies(kind, principal["pk"])))


for _kind, (_table, _param, _missing) in PRINCIPALS.items():
    _resource = (_kind.lower(), _param)
    action("AttachPolicyTo" + _kind, resource=_resource)(partial(attach_policy, _kind))
    action("DetachPolicyFrom" + _kind, resource=_resource)(partial(detach_policy, _kind))
    action("ListPoliciesFor" + _kind, resource=_resource)(partial(list_policies_for, _kind))


@action("ListEntitiesForPolicy", resource=("policy", "PolicyName"))
def list_entities_for_policy(ctx):
    store = ctx.store
    policy = named_policy(ctx)

    def attached(kind):
        table = PRINCIPALS[kind][0]
        return store.all("SELECT e.*, a.attach_date FROM attachments a JOIN %s e ON e.pk = a.principal_pk "
                         "WHERE a.policy_pk = ? AND a.principal_type = ? ORDER BY a.rowid" % table,
                         (policy["pk"], kind))

    users = [{"UserId": u["user_id"], "UserName": u["name"], "DisplayName": u["display_name"],
              "AttachDate": u["attach_date"]} for u in attached("User")]
    groups = [{"GroupName": g["name"], "Comments": g["comments"], "AttachDate": g["attach_date"]}
              for g in attached("Group")]
    roles = [{"RoleId": r["role_id"], "RoleName": r["name"], "Arn": store.role_arn(r), "Description": r["description"],
              "AttachDate": r["attach_date"]} for r in attached("Role")]
    body = wrap("Users", "User", users)
    body.update(wrap("Groups", "Group", groups))
    body.update(wrap("Roles", "Role", roles))
    return body
