"""User groups and memberships."""

from .api import action, paginate, wrap
from .errors import RamError, limit_exceeded
from .store import now, random_string

MAX_GROUPS = 50
MAX_GROUPS_PER_USER = 5


def group_view(group, detail=False):
    view = {"GroupId": group["group_id"], "GroupName": group["name"], "Comments": group["comments"],
            "CreateDate": group["create_date"]}
    if detail:
        view["UpdateDate"] = group["update_date"]
    return view


def membership(ctx):
    """``(group, user)`` named by GroupName/UserName; both must exist."""
    group_name = ctx.params.name("GroupName")
    user_name = ctx.params.name("UserName")
    return ctx.store.group(group_name), ctx.store.user(user_name)


@action("CreateGroup", resource=("group", "GroupName"))
def create_group(ctx):
    store = ctx.store
    name = ctx.params.name("GroupName")
    comments = ctx.params.text("Comments", 128, "")
    if store.group(name, required=False):
        raise RamError("EntityAlreadyExists.Group")
    if store.scalar("SELECT COUNT(*) FROM user_groups") >= MAX_GROUPS:
        raise limit_exceeded("LimitExceeded.Group", MAX_GROUPS, "groups of the account")
    stamp = now()
    group_id = store.unique_id("user_groups", "group_id", lambda: "g-" + random_string(16))
    store.execute("INSERT INTO user_groups (group_id, name, comments, create_date, update_date) VALUES (?, ?, ?, ?, ?)",
                  (group_id, name, comments, stamp, stamp))
    return {"Group": group_view(store.group(name))}


@action("GetGroup", resource=("group", "GroupName"))
def get_group(ctx):
    return {"Group": group_view(ctx.store.group(ctx.params.name("GroupName")), detail=True)}


@action("UpdateGroup", resource=("group", "GroupName"))
def update_group(ctx):
    store = ctx.store
    name = ctx.params.name("GroupName")
    new_name = ctx.params.name("NewGroupName", required=False)
    comments = ctx.params.text("NewComments", 128)
    group = store.group(name)
    if new_name and new_name != name and store.group(new_name, required=False):
        raise RamError("EntityAlreadyExists.Group")
    store.execute("UPDATE user_groups SET name = ?, comments = ?, update_date = ? WHERE pk = ?",
                  (new_name or name, group["comments"] if comments is None else comments, now(), group["pk"]))
    return {"Group": group_view(store.group(new_name or name), detail=True)}


@action("DeleteGroup", resource=("group", "GroupName"))
def delete_group(ctx):
    group = ctx.store.group(ctx.params.name("GroupName"))
    ctx.store.refuse_if_referenced(group["pk"], [
        ("DeleteConflict.Group.User", "SELECT COUNT(*) FROM memberships WHERE group_pk = ?"),
        ("DeleteConflict.Group.Policy",
         "SELECT COUNT(*) FROM attachments WHERE principal_type = 'Group' AND principal_pk = ?"),
    ])
    ctx.store.execute("DELETE FROM user_groups WHERE pk = ?", (group["pk"],))
    return {}


@action("ListGroups", resource=("group", None))
def list_groups(ctx):
    page, info = paginate(ctx.params, ctx.store.all("SELECT * FROM user_groups ORDER BY pk"))
    return dict(info, **wrap("Groups", "Group", (group_view(group, detail=True) for group in page)))


@action("AddUserToGroup", resource=("group", "GroupName"))
def add_user_to_group(ctx):
    group, user = membership(ctx)
    store = ctx.store
    if store.one("SELECT 1 FROM memberships WHERE group_pk = ? AND user_pk = ?", (group["pk"], user["pk"])):
        raise RamError("EntityAlreadyExists.User.Group")
    if store.scalar("SELECT COUNT(*) FROM memberships WHERE user_pk = ?", (user["pk"],)) >= MAX_GROUPS_PER_USER:
        raise RamError("LimitExceeded.User.Group")
    store.execute("INSERT INTO memberships VALUES (?, ?, ?)", (group["pk"], user["pk"], now()))
    return {}


@action("RemoveUserFromGroup", resource=("group", "GroupName"))
def remove_user_from_group(ctx):
    group, user = membership(ctx)
    cursor = ctx.store.execute("DELETE FROM memberships WHERE group_pk = ? AND user_pk = ?", (group["pk"], user["pk"]))
    if not cursor.rowcount:
        raise RamError("EntityNotExist.User.Group")
    return {}


@action("ListGroupsForUser", resource=("user", "UserName"))
def list_groups_for_user(ctx):
    user = ctx.store.user(ctx.params.name("UserName"))
    rows = ctx.store.all("SELECT g.*, m.join_date FROM memberships m JOIN user_groups g ON g.pk = m.group_pk "
                         "WHERE m.user_pk = ? ORDER BY m.rowid", (user["pk"],))
    return wrap("Groups", "Group", ({"GroupId": g["group_id"], "GroupName": g["name"], "Comments": g["comments"],
                                     "JoinDate": g["join_date"]} for g in rows))


@action("ListUsersForGroup", resource=("group", "GroupName"))
def list_users_for_group(ctx):
    group = ctx.store.group(ctx.params.name("GroupName"))
    rows = ctx.store.all("SELECT u.*, m.join_date, m.rowid AS position FROM memberships m "
                         "JOIN users u ON u.pk = m.user_pk WHERE m.group_pk = ? ORDER BY m.rowid", (group["pk"],))
    page, info = paginate(ctx.params, rows, position=lambda row: row["position"])
    users = ({"UserName": u["name"], "DisplayName": u["display_name"], "JoinDate": u["join_date"]} for u in page)
    return dict(info, **wrap("Users", "User", users))
