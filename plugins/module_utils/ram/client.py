# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``RamClient``: one official SDK client plus the retry and error policy of the collection.

``call(action, **params)`` takes and returns CamelCase dicts, as the API documents them, so that the
resource files read like the API reference. Failures become ``RamError``; the codes named in ``ignore``
(the "not found" of a read, the "already exists" of a create a retried request had applied) make the
call return ``None`` instead, so no resource needs a hand-written ``try``/``except`` for them.

Retries: throttling, 5xx and transport errors are retried with full-jitter exponential backoff, within
``max_retries`` retries per call and a time budget (``retry_timeout`` seconds from the client's first call,
the limit that binds under sustained throttling), honouring the service's ``x-acs-retry-after``. A call
that spent a budget fails naming it (``RamError.gave_up``: "gave up after N retries in S s
(retry_timeout 120 s)"). A non-idempotent action (``idempotent=False``) is resent only when the service
refused it (throttling): after an ambiguous failure the caller resolves the outcome itself
(``CreateAccessKey``: see ``access_keys.create_access_key``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random
import time

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.errors import RamError, code_matches

PAGE_SIZE = 100
BACKOFF_BASE = 0.25
BACKOFF_CAP = 20.0


def full_jitter_delays(base=BACKOFF_BASE, cap=BACKOFF_CAP, rng=random.random):
    """Sleep times before retry 1, 2, ...: uniform(0, min(cap, base * 2**n)) ("full jitter")."""
    attempt = 0
    while True:
        yield rng() * min(cap, base * (2 ** attempt))
        attempt += 1


class RetryBudget:
    """At most ``max_retries`` retries per call, none that would start after ``timeout`` seconds from the
    first call (the task's time budget)."""

    def __init__(self, max_retries=30, timeout=None, clock=time.monotonic):
        self.max_retries = max_retries
        self.timeout = timeout
        self._clock = clock
        self._started = None
        self.used = 0  # retries of all calls
        self.spent = None  # after a refused retry: why ("gave up after N retries in S s (retry_timeout 120 s)")

    def start(self):
        if self._started is None:
            self._started = self._clock()

    def elapsed(self):
        return 0.0 if self._started is None else self._clock() - self._started

    def remaining(self):
        return None if self.timeout is None else self.timeout - self.elapsed()

    def next_delay(self, delays, wanted_minimum=0.0, retries_of_call=None):
        """The next sleep, or ``None`` when a budget is spent (``spent`` then names it)."""
        retries = self.used if retries_of_call is None else retries_of_call
        if retries >= self.max_retries:
            self.spent = "gave up after %d retries in %.0f s (max_retries)" % (retries, self.elapsed())
            return None
        delay = max(next(delays), wanted_minimum or 0.0)
        if self.timeout is not None and self.elapsed() + delay > self.timeout:
            self.spent = "gave up after %d retries in %.0f s (retry_timeout %s s)" % (
                retries, self.elapsed(), self.timeout)
            return None
        self.used += 1
        return delay


class RamClient:
    """One SDK client (RAM, STS or Resource Manager) plus the retry and error policy."""

    def __init__(self, sdk_client, models, budget=None, sleep=time.sleep, delays=full_jitter_delays,
                 around_call=None):
        self._sdk = sdk_client
        self._models = models
        self.budget = budget or RetryBudget()
        self._sleep = sleep
        self._delays = delays
        self._around_call = around_call  # a context manager factory wrapped around each SDK call
        self._methods = dict((name[:-len("_with_options")].replace("_", ""), name)
                             for name in dir(sdk_client) if name.endswith("_with_options")
                             and not name.endswith("_async"))
        self.requests = 0  # API requests sent (observability: the benchmark and the results read it)

    @property
    def retries(self):
        return self.budget.used

    def _invoke(self, action, params):
        from darabonba.runtime import RuntimeOptions  # imported with the SDK; here to keep this file SDK-free

        method = getattr(self._sdk, self._methods[action.lower()])
        request_class = getattr(self._models, action + "Request", None)
        self.requests += 1
        args = [RuntimeOptions()]
        if request_class is not None:
            args.insert(0, request_class().from_map(dict((k, v) for k, v in params.items() if v is not None)))
        if self._around_call is None:
            response = method(*args)
        else:
            with self._around_call():
                response = method(*args)
        return response.body.to_map() if response.body is not None else {}

    def call(self, action, idempotent=True, ignore=(), **params):
        """Send one action and return its body (a dict); ``None`` when it failed with a code in ``ignore``."""
        from alibabacloud_credentials.exceptions import CredentialException
        from Tea.exceptions import TeaException

        self.budget.start()
        delays = self._delays()
        retries = 0
        while True:
            try:
                return self._invoke(action, params)
            except (TeaException, OSError) as exc:  # OSError: the transport's connection errors derive from it
                if isinstance(getattr(exc, "inner_exception", None), CredentialException):
                    # the credential chain failed (a refused AssumeRole, no ECS role): reported as it is, and not
                    # retried here (the library gave up already), nor worded as a failure of this action
                    raise exc.inner_exception from None
                error = RamError.from_sdk(action, exc)
            if code_matches(error.code, ignore):
                return None
            retry = error.transient if idempotent else error.throttled
            delay = self.budget.next_delay(delays, error.retry_after, retries) if retry else None
            if delay is None:
                if retry:
                    error.give_up(self.budget.spent)
                raise error
            retries += 1
            self._sleep(delay)

    def pause_before_retry(self, error, retries_of_call):
        """Sleep before the caller's own retry of ``error`` (an ambiguous create it has resolved), within the
        same budgets as ``call``; raises ``error``, naming the spent budget, when there is none left."""
        self.budget.start()
        delay = self.budget.next_delay(self._delays(), error.retry_after, retries_of_call)
        if delay is None:
            error.give_up(self.budget.spent)
            raise error
        self._sleep(delay)

    def paginate(self, action, wrapper, item, ignore=(), **params):
        """All items of a Marker/IsTruncated paged List* action, e.g. ``("ListUsers", "Users", "User")``.

        ``None`` when a page failed with a code in ``ignore`` (the entity listed from does not exist, or no more).
        """
        items = []
        marker = None
        page_size = params.pop("MaxItems", PAGE_SIZE)
        while True:
            page = self.call(action, ignore=ignore, Marker=marker, MaxItems=page_size, **params)
            if page is None:
                return None
            items.extend((page.get(wrapper) or {}).get(item) or [])
            if not page.get("IsTruncated"):
                return items
            marker = page.get("Marker")
