"""SQLite state of one account of the local RAM service, kept across restarts.

One database file per account (``accounts.py`` keeps the list: the first account is
``<state_dir>/ram.sqlite3``, the others ``<state_dir>/accounts/<uid>.sqlite3``), so nothing of one
account can leak into another. Entities have an internal integer key (``pk``) so renames keep
their memberships and attachments. ``Store`` wraps one connection inside one transaction and offers
the lookups every action needs, raising the RAM ``EntityNotExist.*`` errors itself.
"""

import datetime
import json
import secrets
import string

from common import Database

from .errors import RamError
from .system_policies import SYSTEM_POLICIES

SCHEMA = """
CREATE TABLE IF NOT EXISTS account (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    account_id TEXT NOT NULL,
    alias TEXT,
    password_policy TEXT NOT NULL,
    security_preference TEXT NOT NULL,
    create_date TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
    pk INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL DEFAULT '',
    mobile_phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    comments TEXT NOT NULL DEFAULT '',
    create_date TEXT NOT NULL,
    update_date TEXT NOT NULL,
    last_login_date TEXT
);
CREATE TABLE IF NOT EXISTS access_keys (
    access_key_id TEXT PRIMARY KEY,
    secret TEXT NOT NULL,
    user_pk INTEGER REFERENCES users(pk),           -- NULL: a key of the root account
    status TEXT NOT NULL,
    create_date TEXT NOT NULL,
    last_used_date TEXT,
    last_used_service TEXT
);
CREATE TABLE IF NOT EXISTS login_profiles (
    user_pk INTEGER PRIMARY KEY REFERENCES users(pk),
    password_hash TEXT NOT NULL,
    password_reset_required INTEGER NOT NULL,
    mfa_bind_required INTEGER NOT NULL,
    create_date TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS user_groups (
    pk INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    comments TEXT NOT NULL DEFAULT '',
    create_date TEXT NOT NULL,
    update_date TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS memberships (
    group_pk INTEGER NOT NULL REFERENCES user_groups(pk),
    user_pk INTEGER NOT NULL REFERENCES users(pk),
    join_date TEXT NOT NULL,
    PRIMARY KEY (group_pk, user_pk)
);
CREATE TABLE IF NOT EXISTS roles (
    pk INTEGER PRIMARY KEY AUTOINCREMENT,
    role_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    trust_policy TEXT NOT NULL,
    max_session_duration INTEGER NOT NULL,
    tags TEXT NOT NULL DEFAULT '[]',
    create_date TEXT NOT NULL,
    update_date TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS policies (
    pk INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    type TEXT NOT NULL,                             -- System | Custom
    description TEXT NOT NULL DEFAULT '',
    default_version TEXT NOT NULL,
    next_version INTEGER NOT NULL,
    tags TEXT NOT NULL DEFAULT '[]',
    create_date TEXT NOT NULL,
    update_date TEXT NOT NULL,
    UNIQUE (name, type)
);
CREATE TABLE IF NOT EXISTS policy_versions (
    policy_pk INTEGER NOT NULL REFERENCES policies(pk) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    document TEXT NOT NULL,
    create_date TEXT NOT NULL,
    PRIMARY KEY (policy_pk, number)
);
CREATE TABLE IF NOT EXISTS attachments (
    policy_pk INTEGER NOT NULL REFERENCES policies(pk) ON DELETE CASCADE,
    principal_type TEXT NOT NULL,                   -- User | Group | Role
    principal_pk INTEGER NOT NULL,
    attach_date TEXT NOT NULL,
    PRIMARY KEY (policy_pk, principal_type, principal_pk)
);
CREATE TABLE IF NOT EXISTS sts_tokens (
    access_key_id TEXT PRIMARY KEY,                 -- "STS." + 28 alphanumerics
    secret TEXT NOT NULL,
    security_token TEXT NOT NULL,
    role_pk INTEGER NOT NULL,                       -- the role assumed (a deleted role leaves no permissions)
    role_name TEXT NOT NULL,
    role_id TEXT NOT NULL,
    session_name TEXT NOT NULL,
    policy TEXT,                                    -- the inline Policy of AssumeRole, NULL when none
    caller_arn TEXT NOT NULL,                       -- who called AssumeRole (audit)
    expires_at REAL NOT NULL,                       -- epoch seconds, compared with the service clock
    create_date TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS mfa_devices (
    pk INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    seed TEXT NOT NULL,
    user_pk INTEGER UNIQUE REFERENCES users(pk),
    activate_date TEXT,
    create_date TEXT NOT NULL
);
"""

DEFAULT_PASSWORD_POLICY = {
    "MinimumPasswordLength": 8,
    "RequireLowercaseCharacters": True,
    "RequireUppercaseCharacters": True,
    "RequireNumbers": True,
    "RequireSymbols": False,
    "HardExpiry": False,
    "MaxPasswordAge": 0,
    "PasswordReusePrevention": 0,
    "MaxLoginAttemps": 5,
}
DEFAULT_SECURITY_PREFERENCE = {
    "AllowUserToChangePassword": True,
    "AllowUserToManageAccessKeys": False,
    "AllowUserToManageMFADevices": True,
    "AllowUserToManagePublicKeys": False,
    "EnableSaveMFATicket": False,
    "LoginNetworkMasks": "",
    "LoginSessionDuration": 6,
}

ALNUM = string.ascii_letters + string.digits


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def random_string(length, alphabet=ALNUM):
    return "".join(secrets.choice(alphabet) for _position in range(length))


def random_digits(length):
    return secrets.choice("123456789") + random_string(length - 1, string.digits)


def new_access_key():
    """``LTAI`` + 20 alphanumerics, secret of 30 alphanumerics (the documented formats)."""
    return "LTAI" + random_string(20), random_string(30)


def open_account_database(path, write_lock=None, account_id=None):
    """Open (and on first start initialise) one account's state; returns ``(database, root_credentials)``.

    A new account gets ``account_id`` (16 digits, random when not given) and one root AccessKey.
    """
    database = Database(path, SCHEMA, write_lock)
    with database.transaction() as conn:
        account = conn.execute("SELECT account_id FROM account").fetchone()
        if account is None:
            account_id = account_id or random_digits(16)
            conn.execute("INSERT INTO account (id, account_id, password_policy, security_preference, create_date) "
                         "VALUES (1, ?, ?, ?, ?)", (account_id, json.dumps(DEFAULT_PASSWORD_POLICY),
                                                    json.dumps(DEFAULT_SECURITY_PREFERENCE), now()))
            key_id, secret = new_access_key()
            conn.execute("INSERT INTO access_keys (access_key_id, secret, user_pk, status, create_date) "
                         "VALUES (?, ?, NULL, 'Active', ?)", (key_id, secret, now()))
        else:
            account_id = account["account_id"]
        for name, (description, created, document) in SYSTEM_POLICIES.items():
            cursor = conn.execute(
                "INSERT OR IGNORE INTO policies (name, type, description, default_version, next_version, "
                "create_date, update_date) VALUES (?, 'System', ?, 'v1', 2, ?, ?)",
                (name, description, created, created))
            if cursor.rowcount:
                conn.execute("INSERT INTO policy_versions VALUES (?, 1, ?, ?)", (cursor.lastrowid, document, created))
        root_key = conn.execute("SELECT access_key_id, secret FROM access_keys WHERE user_pk IS NULL "
                                "ORDER BY create_date, rowid LIMIT 1").fetchone()
    root = {"access_key_id": root_key["access_key_id"] if root_key else "",
            "access_key_secret": root_key["secret"] if root_key else "",
            "account_id": account_id}
    return database, root


PRINCIPALS = {
    # principal type -> (table, name parameter, not-found code)
    "User": ("users", "UserName", "EntityNotExist.User"),
    "Group": ("user_groups", "GroupName", "EntityNotExist.Group"),
    "Role": ("roles", "RoleName", "EntityNotExist.Role"),
}


class Store:
    """Lookups and small helpers over one connection, inside the request's transaction."""

    def __init__(self, conn, account_id):
        self.conn = conn
        self.account_id = account_id

    # -- generic -----------------------------------------------------------------------------
    def all(self, sql, args=()):
        return [dict(row) for row in self.conn.execute(sql, args)]

    def one(self, sql, args=()):
        row = self.conn.execute(sql, args).fetchone()
        return dict(row) if row is not None else None

    def scalar(self, sql, args=()):
        return self.conn.execute(sql, args).fetchone()[0]

    def execute(self, sql, args=()):
        return self.conn.execute(sql, args)

    def refuse_if_referenced(self, pk, checks):
        """Raise the first ``(DeleteConflict code, COUNT query on pk)`` whose count is not zero."""
        for code, sql in checks:
            if self.scalar(sql, (pk,)):
                raise RamError(code)

    def unique_id(self, table, column, make):
        while True:
            value = make()
            if not self.scalar("SELECT COUNT(*) FROM %s WHERE %s = ?" % (table, column), (value,)):
                return value

    # -- account -----------------------------------------------------------------------------
    def account(self):
        row = self.one("SELECT * FROM account")
        row["password_policy"] = json.loads(row["password_policy"])
        row["security_preference"] = json.loads(row["security_preference"])
        return row

    def set_account(self, column, value):
        self.execute("UPDATE account SET %s = ?" % column, (json.dumps(value) if isinstance(value, dict) else value,))

    # -- entities ----------------------------------------------------------------------------
    def principal(self, kind, name, required=True):
        table, _param, missing = PRINCIPALS[kind]
        row = self.one("SELECT * FROM %s WHERE name = ?" % table, (name,))
        if row is None and required:
            raise RamError(missing)
        return row

    def user(self, name, required=True):
        return self.principal("User", name, required)

    def group(self, name, required=True):
        return self.principal("Group", name, required)

    def role(self, name, required=True):
        return self.principal("Role", name, required)

    def policy(self, name, policy_type, required=True):
        row = self.one("SELECT * FROM policies WHERE name = ? AND type = ?", (name, policy_type))
        if row is None and required:
            raise RamError("EntityNotExist.Policy")
        return row

    def policy_version(self, policy, version_id):
        row = self.one("SELECT * FROM policy_versions WHERE policy_pk = ? AND number = ?",
                       (policy["pk"], int(version_id[1:])))
        if row is None:
            raise RamError("EntityNotExist.Policy.Version")
        return row

    def default_document(self, policy):
        return self.policy_version(policy, policy["default_version"])["document"]

    def mfa_device(self, serial_number):
        prefix = "acs:ram::%s:mfa/" % self.account_id
        name = serial_number[len(prefix):] if serial_number.startswith(prefix) else None
        row = self.one("SELECT * FROM mfa_devices WHERE name = ?", (name,)) if name else None
        if row is None:
            raise RamError("EntityNotExist.VirtualMFADevice")
        return row

    def serial_number(self, device):
        return "acs:ram::%s:mfa/%s" % (self.account_id, device["name"])

    def access_key(self, access_key_id):
        return self.one("SELECT * FROM access_keys WHERE access_key_id = ?", (access_key_id,))

    def sts_token(self, access_key_id):
        return self.one("SELECT * FROM sts_tokens WHERE access_key_id = ?", (access_key_id,))

    def role_by_arn_name(self, name):
        """The role an ARN names: ARNs carry the lower-cased role name."""
        return self.one("SELECT * FROM roles WHERE lower(name) = lower(?)", (name,))

    def role_policy_documents(self, role_pk):
        """Default-version documents of the policies attached to the role."""
        rows = self.all(
            "SELECT v.document FROM attachments a JOIN policies p ON p.pk = a.policy_pk "
            "JOIN policy_versions v ON v.policy_pk = p.pk AND 'v' || v.number = p.default_version "
            "WHERE a.principal_type = 'Role' AND a.principal_pk = ?", (role_pk,))
        return [json.loads(row["document"]) for row in rows]

    def attached_policies(self, principal_type, principal_pk):
        return self.all("SELECT p.*, a.attach_date FROM attachments a JOIN policies p ON p.pk = a.policy_pk "
                        "WHERE a.principal_type = ? AND a.principal_pk = ? ORDER BY a.rowid",
                        (principal_type, principal_pk))

    def user_policy_documents(self, user_pk):
        """Default-version documents of the policies attached to the user directly or via its groups."""
        rows = self.all(
            "SELECT v.document FROM attachments a JOIN policies p ON p.pk = a.policy_pk "
            "JOIN policy_versions v ON v.policy_pk = p.pk AND 'v' || v.number = p.default_version "
            "WHERE (a.principal_type = 'User' AND a.principal_pk = ?) OR (a.principal_type = 'Group' AND "
            "a.principal_pk IN (SELECT group_pk FROM memberships WHERE user_pk = ?))", (user_pk, user_pk))
        return [json.loads(row["document"]) for row in rows]

    def role_arn(self, role):
        return "acs:ram::%s:role/%s" % (self.account_id, role["name"].lower())
