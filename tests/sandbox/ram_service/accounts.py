"""The accounts of the local RAM service: any number, each with its own database file and root key.

The first account is ``<state_dir>/ram.sqlite3`` (the single account of earlier versions, the one in
``root-credentials.json`` and ``sandbox.env``); others live in ``<state_dir>/accounts/<uid>.sqlite3``
and are found again on restart. All databases share one write lock, so a request that writes two
accounts (AssumeRole issues a token in the role's account) cannot deadlock with another.
"""

import glob
import os
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
    """Thread-safe registry: lookup by account id and by AccessKey id (permanent or STS)."""

    def __init__(self, state_dir):
        self.state_dir = state_dir
        self.write_lock = threading.RLock()
        self._lock = threading.Lock()
        self._accounts = {}
        self._order = []
        self._add(os.path.join(state_dir, "ram.sqlite3"))
        for path in sorted(glob.glob(os.path.join(state_dir, "accounts", "*.sqlite3"))):
            self._add(path)

    def _add(self, path, account_id=None):
        database, root = open_account_database(path, self.write_lock, account_id)
        account = Account(database, root)
        with self._lock:
            self._accounts[account.account_id] = account
            self._order.append(account.account_id)
        return account

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
        for account in self.all():
            conn = account.database.read()
            store = Store(conn, account.account_id)
            row = store.sts_token(access_key_id) if sts else store.access_key(access_key_id)
            if row is not None:
                return (account, None, row) if sts else (account, row, None)
        return None, None, None
