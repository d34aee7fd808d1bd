"""The accounts of the local RAM service: any number, each with its own database file and root key.

The first account is ``<state_dir>/ram.sqlite3`` (the single account of earlier versions, the one in
``root-credentials.json`` and ``sandbox.env``); others live in ``<state_dir>/accounts/<uid>.sqlite3``
and are found again on restart. All databases share one write lock, so a request that writes two
accounts (AssumeRole issues a token in the role's account) cannot deadlock with another.
"""

import contextlib
import glob
import os
import sqlite3
import threading

from .store import Store, open_account_database, random_digits


class Account:
    def __init__(self, database, root):
        self.database = database
        self.root = root                      # {"account_id", "access_key_id", "access_key_secret"}

    @property
    def account_id(self):
        return self.root["account_id"]

    def transaction(self):
        """``with account.transaction() as store:`` a ``Store`` inside one write transaction."""
        return _StoreTransaction(self)


class _StoreTransaction:
    def __init__(self, account):
        self.account = account
        self._context = None

    def __enter__(self):
        self._context = self.account.database.transaction()
        return Store(self._context.__enter__(), self.account.account_id)

    def __exit__(self, *exc_info):
        return self._context.__exit__(*exc_info)


class Accounts:
    """Thread-safe registry: lookup by account id and by AccessKey id (permanent or STS).

    Which account holds an AccessKey is remembered (``_key_homes``: the keys found at start, and each key or STS
    token when it is made), so that a request's key is found with one read however many accounts there are; a key
    not remembered is looked for in every account, each database opened only for that read (a directory of a
    thousand accounts would otherwise hold a connection to each of them in every request thread)."""

    def __init__(self, state_dir):
        self.state_dir = state_dir
        self.write_lock = threading.RLock()
        self._lock = threading.Lock()
        self._accounts = {}
        self._order = []
        self._key_homes = {}
        self._add(os.path.join(state_dir, "ram.sqlite3"))
        for path in sorted(glob.glob(os.path.join(state_dir, "accounts", "*.sqlite3"))):
            self._add(path)

    def _add(self, path, account_id=None):
        database, root = open_account_database(path, self.write_lock, account_id)
        account = Account(database, root)
        conn = database.read()
        keys = [row[0] for row in conn.execute("SELECT access_key_id FROM access_keys UNION ALL "
                                               "SELECT access_key_id FROM sts_tokens")]
        with self._lock:
            self._accounts[account.account_id] = account
            self._order.append(account.account_id)
            self._key_homes.update((key_id, account.account_id) for key_id in keys)
        return account

    def remember_key(self, access_key_id, account_id):
        """The account that has just made an AccessKey or an STS token."""
        with self._lock:
            self._key_homes[access_key_id] = account_id

    @property
    def default(self):
        return self._accounts[self._order[0]]

    def all(self):
        """The first account, then the others by id (the same order after a restart)."""
        with self._lock:
            return [self._accounts[self._order[0]]] + [self._accounts[uid] for uid in sorted(self._order[1:])]

    def get(self, account_id):
        with self._lock:
            return self._accounts.get(account_id)

    def create(self, account_id=None):
        """A new account (random 16-digit id unless given); returns it."""
        if account_id is not None and (len(account_id) != 16 or not account_id.isdigit()):
            raise ValueError("an account id has 16 digits")
        if account_id is not None and self.get(account_id) is not None:
            raise ValueError("account %s exists already" % account_id)
        directory = os.path.join(self.state_dir, "accounts")
        os.makedirs(directory, exist_ok=True)
        while account_id is None or self.get(account_id) is not None:
            account_id = random_digits(16)
        return self._add(os.path.join(directory, "%s.sqlite3" % account_id), account_id)

    def find_key(self, access_key_id):
        """``(account, key_row, token_row)`` of a permanent or STS AccessKey id; ``(None, None, None)``."""
        sts = access_key_id.startswith("STS.")

        def look_up(account, conn):
            store = Store(conn, account.account_id)
            row = store.sts_token(access_key_id) if sts else store.access_key(access_key_id)
            if row is None:
                return None
            self.remember_key(access_key_id, account.account_id)
            return (account, None, row) if sts else (account, row, None)

        with self._lock:
            home = self._accounts.get(self._key_homes.get(access_key_id))
        if home is not None:
            found = look_up(home, home.database.read())
            if found:
                return found
        for account in self.all():
            if account is home:
                continue
            with contextlib.closing(sqlite3.connect(account.database.path, timeout=30)) as conn:
                conn.row_factory = sqlite3.Row
                found = look_up(account, conn)
            if found:
                return found
        return None, None, None
