"""Persistent state: SQLite via ``common.Database``, secrets encrypted with a Fernet key kept in a 0600 file."""

import datetime
import json
import os
import secrets

from cryptography.fernet import Fernet

from common import Database, write_private_file

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY,
    apikey   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS accounts (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id    TEXT NOT NULL UNIQUE,
    basic_info    TEXT NOT NULL,
    advanced_info TEXT NOT NULL,
    model_version INTEGER NOT NULL,
    created_by    TEXT NOT NULL,
    created_time  TEXT NOT NULL,
    updated_time  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS credentialrefs (
    cref_id      TEXT PRIMARY KEY,
    secret       BLOB NOT NULL,
    created_by   TEXT NOT NULL,
    created_time TEXT NOT NULL,
    updated_time TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS credentials (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    account_id   TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    doc          TEXT NOT NULL,
    secret       BLOB,
    cref_id      TEXT REFERENCES credentialrefs(cref_id),
    created_by   TEXT NOT NULL,
    updated_time TEXT NOT NULL,
    UNIQUE (account_id, name)
);
"""

KEY_FILE = "marketplace-vault.key"
DB_FILE = "marketplace.sqlite3"


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def new_id():
    return secrets.token_hex(16)


class Store:
    """The database plus the vault cipher. Rows come back as plain dicts."""

    def __init__(self, state_dir):
        self.db = Database(os.path.join(state_dir, DB_FILE), SCHEMA)
        self._fernet = Fernet(self._vault_key(os.path.join(state_dir, KEY_FILE)))

    @staticmethod
    def _vault_key(path):
        if not os.path.exists(path):
            write_private_file(path, Fernet.generate_key().decode("ascii"))
        with open(path, encoding="ascii") as handle:
            return handle.read().strip().encode("ascii")

    # -- vault ------------------------------------------------------------------------------------
    def seal(self, value):
        return self._fernet.encrypt(json.dumps(value, sort_keys=True).encode("utf-8"))

    def unseal(self, blob):
        return json.loads(self._fernet.decrypt(bytes(blob)).decode("utf-8"))

    # -- users ------------------------------------------------------------------------------------
    def api_keys(self, usernames):
        """API keys of the given users, generated on first sight and kept afterwards."""
        with self.db.transaction() as db:
            for username in usernames:
                db.execute("INSERT OR IGNORE INTO users (username, apikey) VALUES (?, ?)",
                           (username, secrets.token_urlsafe(32)))
            return {row["username"]: row["apikey"] for row in db.execute("SELECT username, apikey FROM users")}

    # -- reads ------------------------------------------------------------------------------------
    def _all(self, sql, params=()):
        return [dict(row) for row in self.db.read().execute(sql, params)]

    def _one(self, sql, params=()):
        rows = self._all(sql, params)
        return rows[0] if rows else None

    def account(self, account_id):
        return self._one("SELECT * FROM accounts WHERE account_id = ?", (account_id,))

    def accounts(self):
        return self._all("SELECT * FROM accounts ORDER BY seq")

    def credentials(self, account_id):
        return self._all("SELECT * FROM credentials WHERE account_id = ? ORDER BY seq", (account_id,))

    def credentialref(self, cref_id):
        return self._one("SELECT * FROM credentialrefs WHERE cref_id = ?", (cref_id,))

    def children(self, account_id):
        return [row["account_id"] for row in self.accounts()
                if json.loads(row["basic_info"]).get("parentAccountId") == account_id]

    def cref_users(self, cref_id):
        return self._all("SELECT id FROM credentials WHERE cref_id = ?", (cref_id,))

    # -- writes (each one transaction; every change bumps the account's modelVersion) ------------------
    def create_account(self, account_id, basic, advanced, credentials, owner):
        """Insert an account with its credentials; False if the id is taken."""
        stamp = now()
        with self.db.transaction() as db:
            if db.execute("SELECT 1 FROM accounts WHERE account_id = ?", (account_id,)).fetchone():
                return False
            db.execute("INSERT INTO accounts (account_id, basic_info, advanced_info, model_version, created_by,"
                       " created_time, updated_time) VALUES (?, ?, ?, 1, ?, ?, ?)",
                       (account_id, json.dumps(basic), json.dumps(advanced), owner, stamp, stamp))
            for credential in credentials:
                self._insert_credential(db, account_id, credential, owner, stamp)
        return True

    def update_account(self, account_id, basic, advanced):
        stamp = now()
        with self.db.transaction() as db:
            db.execute("UPDATE accounts SET basic_info = ?, advanced_info = ? WHERE account_id = ?",
                       (json.dumps(basic), json.dumps(advanced), account_id))
            self._bump(db, account_id, stamp)

    def delete_account(self, account_id):
        with self.db.transaction() as db:
            db.execute("DELETE FROM accounts WHERE account_id = ?", (account_id,))

    def add_credential(self, account_id, credential, owner):
        """Insert one credential; returns its id, or None if the name is taken in that account."""
        stamp = now()
        with self.db.transaction() as db:
            if db.execute("SELECT 1 FROM credentials WHERE account_id = ? AND name = ?",
                          (account_id, credential["credentialName"])).fetchone():
                return None
            cred_id = self._insert_credential(db, account_id, credential, owner, stamp)
            self._bump(db, account_id, stamp)
        return cred_id

    def update_credential(self, row, changes):
        """Apply a partial change to a credential row; False if a rename collides."""
        doc = json.loads(row["doc"])
        secret, cref_id = row["secret"], row["cref_id"]
        for key in ("credentialName", "purpose", "status"):
            if key in changes:
                doc[key] = changes[key]
        if "context" in changes:
            doc["context"] = with_context_ids(changes["context"])
        if "passwordFields" in changes:
            secret, cref_id = self.seal(changes["passwordFields"]), None
        if "crefId" in changes:
            secret, cref_id = None, changes["crefId"]
        stamp = now()
        with self.db.transaction() as db:
            if db.execute("SELECT 1 FROM credentials WHERE account_id = ? AND name = ? AND id != ?",
                          (row["account_id"], doc["credentialName"], row["id"])).fetchone():
                return False
            db.execute("UPDATE credentials SET name = ?, doc = ?, secret = ?, cref_id = ?, updated_time = ?"
                       " WHERE id = ?", (doc["credentialName"], json.dumps(doc), secret, cref_id, stamp, row["id"]))
            self._bump(db, row["account_id"], stamp)
        return True

    def delete_credential(self, row):
        with self.db.transaction() as db:
            db.execute("DELETE FROM credentials WHERE id = ?", (row["id"],))
            self._bump(db, row["account_id"], now())

    def create_credentialref(self, cref_id, value, owner):
        stamp = now()
        with self.db.transaction() as db:
            if db.execute("SELECT 1 FROM credentialrefs WHERE cref_id = ?", (cref_id,)).fetchone():
                return False
            db.execute("INSERT INTO credentialrefs (cref_id, secret, created_by, created_time, updated_time)"
                       " VALUES (?, ?, ?, ?, ?)", (cref_id, self.seal(value), owner, stamp, stamp))
        return True

    def delete_credentialref(self, cref_id):
        """Delete a vault reference; False while a credential still uses it."""
        with self.db.transaction() as db:
            if db.execute("SELECT 1 FROM credentials WHERE cref_id = ?", (cref_id,)).fetchone():
                return False
            db.execute("DELETE FROM credentialrefs WHERE cref_id = ?", (cref_id,))
        return True

    def _insert_credential(self, db, account_id, credential, owner, stamp):
        cred_id = new_id()
        doc = {key: credential[key] for key in ("credentialName", "purpose", "status")}
        doc["context"] = with_context_ids(credential["context"])
        secret = self.seal(credential["passwordFields"]) if "passwordFields" in credential else None
        values = (cred_id, account_id, doc["credentialName"], json.dumps(doc), secret, credential.get("crefId"),
                  owner, stamp)
        db.execute("INSERT INTO credentials (id, account_id, name, doc, secret, cref_id, created_by, updated_time)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", values)
        return cred_id

    @staticmethod
    def _bump(db, account_id, stamp):
        db.execute("UPDATE accounts SET model_version = model_version + 1, updated_time = ? WHERE account_id = ?",
                   (stamp, account_id))


def with_context_ids(context):
    """Context entries with a service-assigned ``contextId`` first (kept if the entry already has one)."""
    return [dict(contextId=entry.get("contextId") or new_id(), **{k: v for k, v in entry.items() if k != "contextId"})
            for entry in context]
