"""ram/sts_sessions.py and the AssumeRole provider: the tasks of one run share a role's STS session through the
run's private directory; only a private directory qualifies, files are private, a session near its end is not
reused, and a session is never handed to a caller or role it was not made for."""

import os
import stat
import time

import pytest
from alibabacloud_credentials.provider import RamRoleArnCredentialsProvider
from alibabacloud_credentials.provider.refreshable import Credentials, RefreshResult

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram import connection, sts_sessions

ROLE = "acs:ram::1234567890123456:role/resourcedirectoryaccountaccessrole"


@pytest.fixture
def run_directory(tmp_path, monkeypatch):
    directory = tmp_path / "ansible-local-1234"
    directory.mkdir(mode=0o700)
    monkeypatch.setattr(sts_sessions, "_DIRECTORY", {})
    assert sts_sessions.share_within(str(directory)) is True
    return directory


def key(**changes):
    asked = dict(caller_key_id="LTAIcaller", caller_token=None, role_arn=ROLE, session_name="onboarding",
                 external_id=None, duration=3600, endpoint="sts.aliyuncs.com")
    asked.update(changes)
    return sts_sessions.session_key(**asked)


@pytest.mark.parametrize("mode", [0o750, 0o705, 0o777])
def test_only_a_private_directory_is_shared(tmp_path, monkeypatch, mode):
    monkeypatch.setattr(sts_sessions, "_DIRECTORY", {})
    directory = tmp_path / "open"
    directory.mkdir()
    directory.chmod(mode)
    assert sts_sessions.share_within(str(directory)) is False
    assert sts_sessions.share_within(str(tmp_path / "missing")) is False
    assert sts_sessions.share_within(None) is False
    assert sts_sessions.shared_directory() is None
    assert sts_sessions.store(key(), "STS.id", "secret", "token", time.time() + 3600) is False


def test_a_kept_session_is_private_and_read_back(run_directory):
    expires = int(time.time()) + 3600
    assert sts_sessions.store(key(), "STS.id", "secret", "token", expires) is True
    path = run_directory / key()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert sts_sessions.load(key()) == ("STS.id", "secret", "token", expires)
    assert "secret" not in key() and "LTAIcaller" not in key()  # the name says nothing of what it holds
    assert os.listdir(run_directory) == [key()]  # the temporary file was renamed


@pytest.mark.parametrize("changed", [dict(caller_key_id="LTAIother"), dict(caller_token="token-2"),
                                     dict(role_arn=ROLE.replace("1234567890123456", "6543210987654321")),
                                     dict(session_name="other"), dict(external_id="abc"), dict(duration=900),
                                     dict(endpoint="127.0.0.1:8443"), dict(policy='{"Version": "1"}')])
def test_a_session_is_for_what_it_was_asked_with_only(run_directory, changed):
    sts_sessions.store(key(), "STS.id", "secret", "token", time.time() + 3600)
    assert sts_sessions.load(key(**changed)) is None


def test_a_session_near_its_end_is_not_reused(run_directory):
    now = 1_700_000_000
    last_good = now + sts_sessions.LIBRARY_STALE_SECONDS + sts_sessions.MARGIN_SECONDS + 1
    sts_sessions.store(key(), "STS.id", "secret", "token", last_good)
    assert sts_sessions.load(key(), now=now) is not None
    assert sts_sessions.load(key(), now=now + 1) is None


def test_an_unreadable_session_file_is_a_miss(run_directory):
    (run_directory / key()).write_text("{not json", encoding="utf-8")
    assert sts_sessions.load(key()) is None


def provider():
    caller = connection.StaticAKCredentialsProvider(access_key_id="LTAIcaller", access_key_secret="caller-secret")
    return connection.AssumeRoleProvider(credentials_provider=caller, role_arn=ROLE, role_session_name="onboarding",
                                         duration_seconds=3600, sts_endpoint="sts.aliyuncs.com")


@pytest.fixture
def assume_role_calls(monkeypatch):
    calls = []

    def assume_role(self):
        calls.append(self._role_arn)  # pylint: disable=protected-access
        expires = int(time.time()) + 3600
        return RefreshResult(value=Credentials(access_key_id="STS.%d" % len(calls), access_key_secret="s",
                                               security_token="t", expiration=expires), stale_time=expires - 900)

    monkeypatch.setattr(RamRoleArnCredentialsProvider, "_refresh_credentials", assume_role)
    return calls


def test_the_tasks_of_a_run_assume_a_role_once(run_directory, assume_role_calls):
    first = provider().get_credentials()  # the first task (its own process in a run)
    second = provider().get_credentials()  # a later task: a new provider, the same run directory
    assert assume_role_calls == [ROLE]
    assert (second.get_access_key_id(), second.get_security_token()) == (first.get_access_key_id(), "t")


def test_without_a_run_directory_each_provider_assumes_the_role(monkeypatch, assume_role_calls):
    monkeypatch.setattr(sts_sessions, "_DIRECTORY", {})  # a module in its own process: nothing shared
    provider().get_credentials()
    provider().get_credentials()
    assert assume_role_calls == [ROLE, ROLE]
