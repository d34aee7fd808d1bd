"""Pieces shared by the local RAM and marketplace services.

Both services expose the same admin API under ``/__sandbox__/`` (never part of the real protocols):

* ``GET /__sandbox__/health``        -> ``{"service": "<name>"}``
* ``GET /__sandbox__/counters``      -> ``{"<operation>": <count>, ...}`` (RAM: the action name,
  marketplace: ``"<METHOD> <route template>"``); ``DELETE`` resets them (all scopes).
  ``?account=<id>`` -> the same for one account only (RAM: the account the request's AccessKey or
  STS token belongs to); ``GET /__sandbox__/counters/accounts`` -> ``{"<id>": {...}, ...}``.
* ``GET /__sandbox__/faults``        -> the fault settings; ``PUT`` with a JSON object changes any of
  ``throttle_rate`` (0..1), ``error_rate`` (0..1), ``latency_ms`` (int), ``seed`` (int or null), and
  ``lost_answer_rate`` (0..1, RAM only): a request that succeeded is *applied* and then answered with a 503, as
  when a gateway loses the answer - the ambiguous failure a non-idempotent call (CreateAccessKey) must resolve.
* ``GET /__sandbox__/faults/injected`` -> ``{"<operation>": <count>, ...}``: the requests answered with an
  injected fault (read-only; ``DELETE /__sandbox__/counters`` resets it too). With the request counters, a
  test proves a client retried: every operation that got a fault was requested more often than it was faulted.

Counters count every request that reached the API (faulted ones included), so a test can prove that
a module made no remote call at all.
"""

import contextlib
import json
import os
import random
import sqlite3
import tempfile
import threading
import time
from collections import Counter

from flask import Blueprint, jsonify, request

ADMIN_PREFIX = "/__sandbox__"


class FaultInjector:
    """Switchable faults: throttling, 5xx errors and added latency, decided per request."""

    FIELDS = ("throttle_rate", "error_rate", "latency_ms", "seed", "lost_answer_rate")

    def __init__(self, throttle_rate=0.0, error_rate=0.0, latency_ms=0, seed=None):
        self._lock = threading.Lock()
        self.throttle_rate = 0.0
        self.error_rate = 0.0
        self.lost_answer_rate = 0.0
        self.latency_ms = 0
        self.seed = None
        self._random = random.Random()
        self._injected = Counter()
        self.update(dict(throttle_rate=throttle_rate, error_rate=error_rate, latency_ms=latency_ms, seed=seed))

    def update(self, settings):
        unknown = set(settings) - set(self.FIELDS)
        if unknown:
            raise ValueError("unknown fault settings: %s" % ", ".join(sorted(unknown)))
        with self._lock:
            for rate in ("throttle_rate", "error_rate", "lost_answer_rate"):
                if rate in settings:
                    value = float(settings[rate])
                    if not 0.0 <= value <= 1.0:
                        raise ValueError("%s must be between 0 and 1" % rate)
                    setattr(self, rate, value)
            if "latency_ms" in settings:
                value = int(settings["latency_ms"])
                if value < 0:
                    raise ValueError("latency_ms must not be negative")
                self.latency_ms = value
            if "seed" in settings:
                self.seed = settings["seed"]
                self._random.seed(self.seed)

    def as_dict(self):
        with self._lock:
            return dict(throttle_rate=self.throttle_rate, error_rate=self.error_rate,
                        latency_ms=self.latency_ms, seed=self.seed, lost_answer_rate=self.lost_answer_rate)

    def draw(self, operation="(unnamed)"):
        """Sleep the configured latency, then return ``"throttle"``, ``"error"`` or ``None`` (a fault is counted)."""
        with self._lock:
            latency = self.latency_ms
            roll_throttle = self._random.random()
            roll_error = self._random.random()
            throttle, error = self.throttle_rate, self.error_rate
        if latency:
            time.sleep(latency / 1000.0)
        fault = "throttle" if roll_throttle < throttle else "error" if roll_error < error else None
        if fault:
            with self._lock:
                self._injected[operation] += 1
        return fault

    def lose_answer(self, operation="(unnamed)"):
        """After a request was applied: whether its answer is "lost" (a 503 instead; counted as injected)."""
        with self._lock:
            lost = self.lost_answer_rate and self._random.random() < self.lost_answer_rate
            if lost:
                self._injected[operation + " (answer lost)"] += 1
        return bool(lost)

    def injected(self):
        """``{operation: requests answered with an injected fault}`` since the start or the last reset."""
        with self._lock:
            return dict(self._injected)

    def reset_injected(self):
        with self._lock:
            self._injected.clear()

    @classmethod
    def from_spec(cls, spec):
        """Build from ``"throttle_rate=0.5,latency_ms=20"`` (the runner's command line form)."""
        settings = {}
        for part in filter(None, (spec or "").split(",")):
            key, _sep, value = part.partition("=")
            settings[key.strip()] = value.strip()
        injector = cls()
        injector.update(settings)
        return injector


class RequestCounters:
    """Thread-safe per-operation request counters, globally and per scope (the RAM service: per account)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counts = Counter()
        self._scoped = {}

    def add(self, operation, scope=None):
        with self._lock:
            self._counts[operation] += 1
            if scope is not None:
                self._scoped.setdefault(scope, Counter())[operation] += 1

    def snapshot(self, scope=None):
        with self._lock:
            if scope is not None:
                return dict(self._scoped.get(scope, {}))
            return dict(self._counts)

    def scopes(self):
        with self._lock:
            return {scope: dict(counts) for scope, counts in self._scoped.items()}

    def reset(self):
        with self._lock:
            self._counts.clear()
            self._scoped.clear()


def admin_blueprint(service_name, faults, counters):
    """The ``/__sandbox__`` admin routes, identical for both services."""
    admin = Blueprint("sandbox_admin", __name__, url_prefix=ADMIN_PREFIX)

    @admin.get("/health")
    def health():
        return jsonify(service=service_name)

    @admin.get("/counters")
    def get_counters():
        return jsonify(counters.snapshot(request.args.get("account")))

    @admin.get("/counters/accounts")
    def get_account_counters():
        return jsonify(counters.scopes())

    @admin.delete("/counters")
    def reset_counters():
        counters.reset()
        faults.reset_injected()
        return jsonify(counters.snapshot())

    @admin.get("/faults")
    def get_faults():
        return jsonify(faults.as_dict())

    @admin.get("/faults/injected")
    def get_injected_faults():
        return jsonify(faults.injected())

    @admin.put("/faults")
    def put_faults():
        try:
            faults.update(request.get_json(force=True) or {})
        except (TypeError, ValueError) as exc:
            return jsonify(error=str(exc)), 400
        return jsonify(faults.as_dict())

    return admin


def is_admin_path(path):
    return path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/")


class Database:
    """SQLite state that survives restarts; one connection per thread, writes serialised."""

    def __init__(self, path, schema, write_lock=None):
        """``write_lock``: share one lock between databases a request may write together (no deadlock)."""
        self.path = str(path)
        self._local = threading.local()
        self._write_lock = write_lock or threading.RLock()
        with self._write_lock:  # executescript() commits on its own: no surrounding transaction
            self._connection().executescript(schema)

    def _connection(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA journal_mode = WAL")
            self._local.conn = conn
        return conn

    @contextlib.contextmanager
    def transaction(self):
        """A serialised read-write transaction (BEGIN IMMEDIATE ... COMMIT/ROLLBACK)."""
        conn = self._connection()
        with self._write_lock:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def read(self):
        """A connection for reads outside a transaction."""
        return self._connection()


def write_private_file(path, content):
    """Write ``content`` to ``path`` atomically with mode 0600 (credentials files)."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(content if isinstance(content, str) else json.dumps(content, indent=2, sort_keys=True))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
