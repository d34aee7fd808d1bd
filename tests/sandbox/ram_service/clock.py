"""The service clock STS tokens are issued and checked against: real time plus a settable offset.

Tests move it forward (``PUT /__sandbox__/clock {"offset_seconds": 3601}``) to expire tokens without
sleeping; request signatures are still checked against real time, as the SDK signs with real time.
"""

import datetime
import threading
import time


class Clock:
    def __init__(self):
        self._lock = threading.Lock()
        self._offset = 0

    @property
    def offset_seconds(self):
        with self._lock:
            return self._offset

    def set_offset(self, seconds):
        seconds = int(seconds)
        with self._lock:
            self._offset = seconds

    def time(self):
        return time.time() + self.offset_seconds

    @staticmethod
    def iso(epoch):
        return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
