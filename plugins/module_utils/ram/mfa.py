# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A virtual MFA device bound to a RAM user: ``ram_user_mfa``.

May touch: virtual MFA devices (CreateVirtualMFADevice, BindMFADevice, UnbindMFADevice,
DeleteVirtualMFADevice: only the user's device, or an unbound device of the wanted name whose seed an
interrupted run lost); with ``seed_file``, that file on the host the task runs on.

The seed of a new device is returned once, on purpose (``base32_seed``, ``otpauth_uri``, ``qr_code_png``): it
is not handed to ``Task.add_secret``, which would mask it in the very result that must carry it. So the
resource refuses to run without the task's ``no_log`` unless the seed goes to ``seed_file`` instead.
The codes for BindMFADevice are computed from the seed with ``pyotp``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import time
import traceback

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.common import missing_directory, write_private_json
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.errors import RamError
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.names import check_name
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError, Resource, TaskFailed

try:
    import pyotp
except ImportError:
    HAS_PYOTP = False
    PYOTP_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_PYOTP = True
    PYOTP_IMPORT_ERROR = None

DEVICE_NAME_RE = re.compile(r"^[A-Za-z0-9.-]{1,64}$")
MISSING_MFA = "EntityNotExist.User.MFADevice"
MISSING_USER = "EntityNotExist.User"
MISSING_DEVICE = "EntityNotExist.VirtualMFADevice"
CODE_FAIL = "CheckAuthenticationCodeFail"
STEP = 30
BOUNDARY_MARGIN = 2.0  # seconds: closer than this to the end of a window, wait for the next one


def default_device_name(user_name):
    return user_name.replace("_", "-")


def device_name_of(serial_number):
    """``acs:ram::123:mfa/alice`` -> ``alice`` (a bare name stays as it is)."""
    return (serial_number or "").rsplit("/", 1)[-1]


def find_device(devices, serial_number=None, name=None):
    for device in devices:
        serial = device.get("SerialNumber")
        if (serial_number and serial == serial_number) or (name and device_name_of(serial) == name):
            return device
    return None


def bound_user(device):
    return ((device or {}).get("User") or {}).get("UserName")


def code_pairs(seed, now=time.time, sleep=time.sleep):
    """The two (code1, code2) pairs to offer BindMFADevice, best first, computed lazily.

    First the current and the next window, taken at least BOUNDARY_MARGIN seconds before the window
    ends (so that RAM checks them in the window they were computed for); then, if RAM refused those,
    the previous and the current window (what a person typing two codes off an app sends).
    """
    totp = pyotp.TOTP(seed, interval=STEP)
    moment = now()
    left = STEP - (moment % STEP)
    if left < BOUNDARY_MARGIN:
        sleep(left + 0.05)
        moment = now()
    yield totp.at(moment), totp.at(moment + STEP)
    moment = now()
    yield totp.at(moment - STEP), totp.at(moment)


def device_view(user_name, serial_number, device=None, mfa_type=None):
    view = dict(user_name=user_name, serial_number=serial_number, bind_date=(device or {}).get("ActivateDate"),
                type=mfa_type)
    return dict((k, v) for k, v in view.items() if v)


def list_devices(client):
    page = client.call("ListVirtualMFADevices")
    return (page.get("VirtualMFADevices") or {}).get("VirtualMFADevice") or []


def get_user_mfa(client, user_name, missing_user_ok=False):
    """The user's bound MFA device (``{"SerialNumber", "Type"}``) or None; a missing user raises unless
    ``missing_user_ok``."""
    ignore = (MISSING_MFA, MISSING_USER) if missing_user_ok else (MISSING_MFA,)
    info = client.call("GetUserMFAInfo", ignore=ignore, UserName=user_name)
    return (info or {}).get("MFADevice") or None


def delete_device(client, serial_number):
    client.call("DeleteVirtualMFADevice", ignore=(MISSING_DEVICE,), SerialNumber=serial_number)


def bind(client, user_name, serial_number, seed):
    """BindMFADevice with computed codes; a second pair is tried only when RAM refuses the first."""
    error = None
    for code1, code2 in code_pairs(seed):
        try:
            client.call("BindMFADevice", idempotent=False, UserName=user_name, SerialNumber=serial_number,
                        AuthenticationCode1=code1, AuthenticationCode2=code2)
            return
        except RamError as exc:
            # the call may have succeeded before the answer got lost: then the device is bound
            bound = get_user_mfa(client, user_name)
            if bound and bound.get("SerialNumber") == serial_number:
                return
            if exc.code != CODE_FAIL:
                raise
            error = exc
    raise RamError(error.action, code=error.code, request_id=error.request_id, status=error.status,
                   message="%s (both the current/next and the previous/current code pairs were refused; "
                           "is this host's clock right?)" % error.message)


def create_and_bind(task, client, user_name, device_name, deliver):
    """Create the device, hand its seed to ``deliver`` (before binding: a bound device whose seed is lost
    would lock its user out), then bind it. Returns the serial number."""
    created = client.call("CreateVirtualMFADevice", idempotent=False, VirtualMFADeviceName=device_name)
    device = created.get("VirtualMFADevice") or {}
    serial_number, seed = device.get("SerialNumber"), device.get("Base32StringSeed")
    if not serial_number or not seed:
        raise TaskFailed("CreateVirtualMFADevice returned no serial number or seed for the new device %s."
                         % device_name)
    try:
        secrets = dict(base32_seed=seed, otpauth_uri=pyotp.TOTP(seed).provisioning_uri(
            name=user_name, issuer_name=task.params["issuer"]))
        if device.get("QRCodePNG"):
            secrets["qr_code_png"] = device["QRCodePNG"]
        deliver(serial_number, secrets)
        bind(client, user_name, serial_number, seed)
    except BaseException:
        try:  # its seed is lost with this run: leave nothing behind that a re-run would have to clean up
            delete_device(client, serial_number)
        except RamError:
            task.warn("Could not delete the unbound MFA device %s; the next run will." % serial_number)
        raise
    return serial_number


def ensure_present(task, client, user_name, device_name, deliver):
    bound = get_user_mfa(client, user_name)  # a missing user fails here with RAM's EntityNotExist.User
    if bound:
        serial_number = bound.get("SerialNumber")
        listed = find_device(list_devices(client), serial_number=serial_number)
        view = device_view(user_name, serial_number, listed, bound.get("Type"))
        return False, view, view

    if not HAS_PYOTP:
        raise TaskFailed(missing_required_lib("pyotp"), exception=PYOTP_IMPORT_ERROR)
    stale = find_device(list_devices(client), name=device_name)
    if stale and bound_user(stale):
        raise TaskFailed("An MFA device named %r already exists and is bound to user %s "
                         "(EntityAlreadyExists.VirtualMFADevice); set device_name to another name."
                         % (device_name, bound_user(stale)))
    if task.check_mode:
        return True, {}, device_view(user_name, None)
    if stale:
        delete_device(client, stale["SerialNumber"])
        task.warn("Deleted the unbound MFA device %s (left by an earlier run; its seed is lost) and created it "
                  "anew." % stale["SerialNumber"])
    serial_number = create_and_bind(task, client, user_name, device_name, deliver)
    listed = find_device(list_devices(client), serial_number=serial_number)
    bound = get_user_mfa(client, user_name) or {}
    return True, {}, device_view(user_name, serial_number, listed, bound.get("Type"))


def ensure_absent(task, client, user_name, device_name):
    bound = get_user_mfa(client, user_name, missing_user_ok=True)
    if bound:
        serial_number = bound.get("SerialNumber")
        before = device_view(user_name, serial_number, mfa_type=bound.get("Type"))
        if not task.check_mode:  # unbound meanwhile (or by a retried request): the goal is met
            client.call("UnbindMFADevice", ignore=(MISSING_MFA,), UserName=user_name)
            if bound.get("Type", "VMFA") == "VMFA":
                delete_device(client, serial_number)
        return True, before, {}
    stale = find_device(list_devices(client), name=device_name)
    if stale and not bound_user(stale):
        if not task.check_mode:
            delete_device(client, stale["SerialNumber"])
        return True, dict(serial_number=stale["SerialNumber"]), {}
    return False, {}, {}


def check_mfa_options(task):
    """The device name to use; refuses a run that would print the seed. Raises before any call."""
    params = task.params
    check_name("user", params["user_name"], "user_name")
    device_name = params["device_name"] or default_device_name(params["user_name"])
    if not DEVICE_NAME_RE.match(device_name):
        raise InputError("Invalid device name %r: 1-64 characters, letters, digits, '.' or '-'." % device_name,
                         option="device_name")
    seed_file = params["seed_file"]
    if params["state"] == "present":
        missing = missing_directory(seed_file) if seed_file else None
        if missing:
            raise InputError("seed_file: directory %s does not exist." % missing, option="seed_file")
        if not seed_file and not task.no_log:
            raise InputError("ram_user_mfa returns the new device's MFA seed: set no_log: true on the task, or "
                             "seed_file to have the seed written to a 0600 file instead.")
    return device_name


def run_user_mfa(task):
    params = task.params
    device_name = check_mfa_options(task)
    user_name, seed_file = params["user_name"], params["seed_file"]
    client = task.clients.ram
    result = {}

    def deliver(serial_number, secrets):
        if seed_file:
            try:
                write_private_json(seed_file, dict(secrets, user_name=user_name, serial_number=serial_number))
            except OSError as exc:  # the device is deleted again on the way out (create_and_bind)
                raise TaskFailed("seed_file: cannot write %s: %s" % (seed_file, exc.strerror or exc))
            result["seed_file"] = seed_file
        else:
            result.update(secrets)  # returned on purpose, once: the task has no_log (check_mfa_options)

    if params["state"] == "present":
        try:
            changed, before, after = ensure_present(task, client, user_name, device_name, deliver)
        except BaseException:
            if result.get("seed_file") and os.path.exists(seed_file):
                os.unlink(seed_file)  # the seed of a device that was deleted again
            raise
    else:
        changed, before, after = ensure_absent(task, client, user_name, device_name)
    result.update(changed=changed, mfa_device=after)
    if task.diff:
        result["diff"] = dict(before=before, after=after)
    return result


USER_MFA = Resource(
    "ram_user_mfa",
    dict(
        user_name=dict(type="str", required=True, aliases=["name"]),
        device_name=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        seed_file=dict(type="path"),
        issuer=dict(type="str", default="Alibaba Cloud"),
    ),
    run_user_mfa,
    services=("ram",),
)
