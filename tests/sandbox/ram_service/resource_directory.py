"""Resource Directory (Resource Manager API 2020-03-31) over the accounts of this service.

One directory, managed by the first account (the one of ``root-credentials.json``), seeded on first
start from a JSON file (``load_seed``; ``tests/sandbox/seeds/resource_directory.json``): nested
folders, member accounts (each a full account of this service with its own root key) and RAM users
of the management account for automation. A member *created* in the directory gets the role
``ResourceDirectoryAccountAccessRole`` (``AdministratorAccess``, trusting
``acs:ram::<management>:root``,
https://www.alibabacloud.com/help/en/resource-management/resource-directory/user-guide/
access-a-member-by-using-the-resourcedirectoryaccountaccessrole-role);
an *invited* member has no such role until someone creates it with the member's own credentials.

APIs (shapes of the SDK models ``alibabacloud_resourcemanager20200331`` and the API reference,
https://www.alibabacloud.com/help/en/resource-management/resource-directory/developer-reference/api-resourcemanager-2020-03-31-listaccounts):
``GetResourceDirectory`` (management account and members; an account in no directory 404
``ResourceDirectoryNotInUse``), ``ListAccounts`` (every member, the management account included,
``PageNumber``/``PageSize`` 1-100 default 10, ``TotalCount``, ``QueryKeyword``), ``GetAccount``,
``ListFoldersForParent`` (root when ``ParentFolderId`` is absent) and ``ListAccountsForParent``
(direct children only). Only the management account may call the last four: a member is refused
with 403 ``MemberAccountAccessDenied`` "The member account is not allowed to perform the
operation." and an account in no directory with 404 ``EntityNotExists.ResourceDirectory``
(error codes of https://www.alibabacloud.com/help/en/resource-management/developer-reference/
api-resourcedirectorymaster-2022-04-19-setmemberdeletionpermission).
RAM users and role sessions need ``resourcemanager:<Action>``.

Choices: the management account is listed as Type ``CloudAccount``, JoinMethod ``invited``, like any
cloud account that joined; created members are ``ResourceAccount``/``created``/``CreateSuccess``,
invited ones ``CloudAccount``/``invited``/``InviteSuccess``; ``Location`` is the folder path by
names (``root/Engineering/Development``). Tags are not kept (``IncludeTags`` gives empty lists).
"""

import datetime
import json
import os

from common import Database

from .api import RM_VERSION, action, wrap
from .errors import RamError, invalid_parameter
from .store import now, random_digits, random_string

ACCESS_ROLE = "ResourceDirectoryAccountAccessRole"
SCHEMA = """
CREATE TABLE IF NOT EXISTS directory (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    directory_id TEXT NOT NULL,
    root_folder_id TEXT NOT NULL,
    master_account_id TEXT NOT NULL,
    master_account_name TEXT NOT NULL,
    create_time TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS folders (
    pk INTEGER PRIMARY KEY AUTOINCREMENT,
    folder_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    parent_id TEXT,                                 -- NULL: the root folder
    create_time TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS members (
    pk INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    account_name TEXT NOT NULL,
    folder_id TEXT NOT NULL,
    join_method TEXT NOT NULL,                      -- created | invited
    type TEXT NOT NULL,                             -- ResourceAccount | CloudAccount
    status TEXT NOT NULL,
    join_time TEXT NOT NULL,
    modify_time TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS seeded_users (
    account_id TEXT NOT NULL,
    user_name TEXT NOT NULL,
    access_key_id TEXT NOT NULL,
    access_key_secret TEXT NOT NULL,
    PRIMARY KEY (account_id, user_name)
);
"""


def rd_time():
    """Resource Manager times carry milliseconds: ``2021-01-18T08:01:50.522Z``."""
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def load_seed(path):
    """Read and check a seed file; returns the parsed document (see ``seeds/resource_directory.json``)."""
    with open(path, encoding="utf-8") as handle:
        seed = json.load(handle)
    folders = set()

    def walk(items, prefix):
        for item in items:
            path = prefix + item["name"]
            folders.add(path)
            walk(item.get("folders", []), path + "/")
    walk(seed.get("folders", []), "")
    for member in seed.get("members", []):
        if member.get("folder", "") not in folders | {""}:
            raise ValueError("seed member %s: unknown folder %r" % (member["display_name"], member["folder"]))
        if member.get("join_method", "created") not in ("created", "invited"):
            raise ValueError("seed member %s: join_method is created or invited" % member["display_name"])
    return seed


def access_role_trust(management_id):
    return json.dumps({"Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow",
                                      "Principal": {"RAM": ["acs:ram::%s:root" % management_id]}}],
                       "Version": "1"})


def attach_system_policy(store, principal_type, principal_pk, policy_name):
    policy = store.policy(policy_name, "System")
    store.execute("INSERT OR IGNORE INTO attachments VALUES (?, ?, ?, ?)",
                  (policy["pk"], principal_type, principal_pk, now()))


def create_access_role(store, management_id):
    """``ResourceDirectoryAccountAccessRole`` with AdministratorAccess in a member account."""
    stamp = now()
    role_id = store.unique_id("roles", "role_id", lambda: random_digits(19))
    store.execute("INSERT INTO roles (role_id, name, description, trust_policy, max_session_duration, create_date, "
                  "update_date) VALUES (?, ?, ?, ?, 3600, ?, ?)",
                  (role_id, ACCESS_ROLE, "Resource Directory access role, trusted by the management account.",
                   access_role_trust(management_id), stamp, stamp))
    attach_system_policy(store, "Role", store.role(ACCESS_ROLE)["pk"], "AdministratorAccess")


def create_user_with_key(store, name, policy_names):
    stamp = now()
    store.execute("INSERT INTO users (user_id, name, display_name, create_date, update_date) VALUES (?, ?, ?, ?, ?)",
                  (store.unique_id("users", "user_id", lambda: random_digits(16)), name, name, stamp, stamp))
    user = store.user(name)
    for policy_name in policy_names:
        attach_system_policy(store, "User", user["pk"], policy_name)
    key_id, secret = "LTAI" + random_string(20), random_string(30)
    store.execute("INSERT INTO access_keys (access_key_id, secret, user_pk, status, create_date) "
                  "VALUES (?, ?, ?, 'Active', ?)", (key_id, secret, user["pk"], stamp))
    return key_id, secret


class DirectoryStore:
    """The directory's own SQLite file (``resource-directory.sqlite3``), beside the accounts."""

    def __init__(self, state_dir, accounts):
        self.accounts = accounts
        self.database = Database(os.path.join(state_dir, "resource-directory.sqlite3"), SCHEMA, accounts.write_lock)

    def _all(self, sql, args=()):
        return [dict(row) for row in self.database.read().execute(sql, args)]

    def _one(self, sql, args=()):
        rows = self._all(sql, args)
        return rows[0] if rows else None

    def directory(self):
        return self._one("SELECT * FROM directory")

    def member(self, account_id):
        return self._one("SELECT * FROM members WHERE account_id = ?", (account_id,))

    def members(self, folder_id=None):
        if folder_id is None:
            return self._all("SELECT * FROM members ORDER BY pk")
        return self._all("SELECT * FROM members WHERE folder_id = ? ORDER BY pk", (folder_id,))

    def folder(self, folder_id):
        return self._one("SELECT * FROM folders WHERE folder_id = ?", (folder_id,))

    def subfolders(self, parent_id):
        return self._all("SELECT * FROM folders WHERE parent_id = ? ORDER BY pk", (parent_id,))

    def folder_chain(self, folder_id):
        """Folders from the root down to ``folder_id``."""
        chain = []
        while folder_id:
            folder = self.folder(folder_id)
            chain.insert(0, folder)
            folder_id = folder["parent_id"]
        return chain

    def seeded_users(self):
        return self._all("SELECT * FROM seeded_users ORDER BY rowid")

    # -- seeding ---------------------------------------------------------------------------------------
    def apply_seed(self, seed):
        """Build the directory from ``seed`` unless one exists already (restarts keep the first one)."""
        if self.directory() is not None:
            return False
        management = self.accounts.default
        with self.database.transaction() as conn:
            stamp = rd_time()
            root_id = "r-" + random_string(6)
            directory_id = "rd-" + random_string(6)
            manager = seed.get("management", {})
            conn.execute("INSERT INTO directory VALUES (1, ?, ?, ?, ?, ?)",
                         (directory_id, root_id, management.account_id,
                          manager.get("account_name", "management@example.com"), stamp))
            conn.execute("INSERT INTO folders (folder_id, name, parent_id, create_time) VALUES (?, 'Root', NULL, ?)",
                         (root_id, stamp))
            paths = {"": root_id}

            def add_folders(items, parent_path):
                for item in items:
                    folder_id = "fd-" + random_string(10)
                    conn.execute("INSERT INTO folders (folder_id, name, parent_id, create_time) VALUES (?, ?, ?, ?)",
                                 (folder_id, item["name"], paths[parent_path], rd_time()))
                    path = parent_path + ("/" if parent_path else "") + item["name"]
                    paths[path] = folder_id
                    add_folders(item.get("folders", []), path)
            add_folders(seed.get("folders", []), "")
            conn.execute("INSERT INTO members (account_id, display_name, account_name, folder_id, join_method, type, "
                         "status, join_time, modify_time) VALUES (?, ?, ?, ?, 'invited', 'CloudAccount', "
                         "'InviteSuccess', ?, ?)",
                         (management.account_id, manager.get("display_name", "management"),
                          manager.get("account_name", "management@example.com"), root_id, stamp, stamp))
            for member in seed.get("members", []):
                account = self.accounts.create(member.get("account_id"))
                created = member.get("join_method", "created") == "created"
                name = member["display_name"]
                account_name = ("%s@%s.aliyunid.com" % (name.lower(), directory_id) if created
                                else member.get("account_name", "%s@example.com" % name.lower()))
                conn.execute("INSERT INTO members (account_id, display_name, account_name, folder_id, join_method, "
                             "type, status, join_time, modify_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             (account.account_id, name, account_name, paths[member.get("folder", "")],
                              "created" if created else "invited", "ResourceAccount" if created else "CloudAccount",
                              "CreateSuccess" if created else "InviteSuccess", rd_time(), rd_time()))
                if created:
                    with account.transaction() as store:
                        create_access_role(store, management.account_id)
            for user in manager.get("users", []):
                with management.transaction() as store:
                    key_id, secret = create_user_with_key(store, user["name"], user.get("policies", []))
                conn.execute("INSERT INTO seeded_users VALUES (?, ?, ?, ?)",
                             (management.account_id, user["name"], key_id, secret))
        return True


# -- API ----------------------------------------------------------------------------------------------------
def directory_for(ctx, management_only=True):
    """The directory the caller's account belongs to; refuses members when ``management_only``."""
    store = ctx.env.directory
    directory = store.directory()
    member = store.member(ctx.account_id) if directory else None
    if member is None:
        if management_only:
            raise RamError("EntityNotExists.ResourceDirectory",
                           "The resource directory for the account is not enabled.")
        raise RamError("ResourceDirectoryNotInUse", "The specified account is not an Alibaba Cloud account or a "
                       "member account of the resource directory.", status=404)
    if management_only and directory["master_account_id"] != ctx.account_id:
        raise RamError("MemberAccountAccessDenied", "The member account is not allowed to perform the operation.")
    return directory


def page(ctx, items):
    number = ctx.params.number("PageNumber", 1, 1, 100000)
    size = ctx.params.number("PageSize", 10, 1, 100)
    start = (number - 1) * size
    return items[start:start + size], {"TotalCount": len(items), "PageNumber": number, "PageSize": size}


def keyword_filter(ctx, items, *fields):
    keyword = (ctx.params.get("QueryKeyword") or "").lower()
    if not keyword:
        return items
    return [item for item in items if any(keyword in str(item[field]).lower() for field in fields)]


def rd_path(ctx, directory, member):
    chain = ctx.env.directory.folder_chain(member["folder_id"])
    return "/".join([directory["directory_id"]] + [f["folder_id"] for f in chain] + [member["account_id"]])


def account_view(ctx, directory, member, with_path=True):
    view = {"AccountId": member["account_id"], "DisplayName": member["display_name"],
            "FolderId": member["folder_id"], "JoinMethod": member["join_method"], "JoinTime": member["join_time"],
            "ModifyTime": member["modify_time"], "ResourceDirectoryId": directory["directory_id"],
            "Status": member["status"], "Type": member["type"]}
    if with_path:
        view["ResourceDirectoryPath"] = rd_path(ctx, directory, member)
    if ctx.params.flag("IncludeTags", False):
        view["Tags"] = {"Tag": []}
    return view


@action("GetResourceDirectory", version=RM_VERSION)
def get_resource_directory(ctx):
    directory = directory_for(ctx, management_only=False)
    return {"ResourceDirectory": {
        "ResourceDirectoryId": directory["directory_id"], "RootFolderId": directory["root_folder_id"],
        "MasterAccountId": directory["master_account_id"], "MasterAccountName": directory["master_account_name"],
        "CreateTime": directory["create_time"], "ControlPolicyStatus": "Disabled",
        "MemberDeletionStatus": "Disabled", "IdentityInformation": ""}}


@action("ListAccounts", version=RM_VERSION)
def list_accounts(ctx):
    directory = directory_for(ctx)
    members = keyword_filter(ctx, ctx.env.directory.members(), "display_name", "account_id")
    chunk, info = page(ctx, members)
    return dict(info, **wrap("Accounts", "Account", (account_view(ctx, directory, m) for m in chunk)))


@action("ListAccountsForParent", version=RM_VERSION)
def list_accounts_for_parent(ctx):
    directory = directory_for(ctx)
    parent = parent_folder(ctx, required=True)
    members = keyword_filter(ctx, ctx.env.directory.members(parent["folder_id"]), "display_name", "account_id")
    chunk, info = page(ctx, members)
    views = (account_view(ctx, directory, m, with_path=False) for m in chunk)
    return dict(info, **wrap("Accounts", "Account", views))


def parent_folder(ctx, required):
    folder_id = ctx.params.required("ParentFolderId") if required else ctx.params.get("ParentFolderId")
    folder = ctx.env.directory.folder(folder_id or ctx.env.directory.directory()["root_folder_id"])
    if folder is None:
        raise RamError("EntityNotExists.Folder", "The specified folder does not exist.")
    return folder


@action("ListFoldersForParent", version=RM_VERSION)
def list_folders_for_parent(ctx):
    directory_for(ctx)
    parent = parent_folder(ctx, required=False)
    folders = keyword_filter(ctx, ctx.env.directory.subfolders(parent["folder_id"]), "name")
    chunk, info = page(ctx, folders)
    return dict(info, **wrap("Folders", "Folder", ({"FolderId": f["folder_id"], "FolderName": f["name"],
                                                   "CreateTime": f["create_time"]} for f in chunk)))


@action("GetAccount", version=RM_VERSION)
def get_account(ctx):
    directory = directory_for(ctx)
    account_id = ctx.params.required("AccountId")
    if not account_id.isdigit():
        raise invalid_parameter("AccountId", message='The parameter - "AccountId" is invalid.')
    member = ctx.env.directory.member(account_id)
    if member is None:
        raise RamError("EntityNotExists.Account", "The specified account does not exist.")
    view = account_view(ctx, directory, member)
    view.pop("Tags", None)
    names = ["root"] + [f["name"] for f in ctx.env.directory.folder_chain(member["folder_id"])[1:]]
    view.update({"AccountName": member["account_name"], "Location": "/".join(names), "EmailStatus": "",
                 "IdentityInformation": "", "Tags": []})
    return {"Account": view}
