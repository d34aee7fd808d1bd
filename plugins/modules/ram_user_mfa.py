#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ram_user_mfa
short_description: Give an Alibaba Cloud RAM user a bound virtual MFA device
version_added: 1.0.0
description:
  - Creates a virtual MFA device (C(CreateVirtualMFADevice)) and binds it to a RAM user
    (C(BindMFADevice)), proving possession with two consecutive TOTP codes the module computes from the
    device's Base32 seed. The person who will use the device enrols the same seed in an authenticator
    app (from the returned C(otpauth://) URI or QR code).
  - A user who already has a bound MFA device (of any name or type) is left alone - no change, no new seed.
  - O(state=absent) unbinds the user's device and deletes it.
  - >-
    B(The seed is a secret and RAM hands it out only once), when the device is created. The module
    returns it in RV(base32_seed), RV(otpauth_uri) and RV(qr_code_png) of the run that created the
    device, or writes it to O(seed_file) instead. To keep it out of the output, the module refuses to run
    with O(state=present) unless the task has C(no_log=true) or O(seed_file) is set.
author:
  - cloudbroker.alibaba maintainers (@cloudbroker)
options:
  user_name:
    description: Logon name of the RAM user (it must exist).
    type: str
    required: true
    aliases: [name]
  device_name:
    description:
      - Name of the virtual MFA device to create; 1-64 letters, digits, C(.) or C(-).
      - Defaults to O(user_name), with any C(_) replaced by C(-) (RAM does not allow C(_) in device names).
      - Used only when a device is created, and with O(state=absent) to find a device an earlier run
        left unbound.
    type: str
  state:
    description:
      - V(present) makes sure the user has a bound MFA device; V(absent) unbinds and deletes it (no change
        when the user has none, or does not exist).
    type: str
    choices: [present, absent]
    default: present
  seed_file:
    description:
      - When a device is created, write its seed as JSON (C(user_name), C(serial_number), C(base32_seed),
        C(otpauth_uri), and C(qr_code_png) when RAM sends one) to this file on the host the module runs
        on, atomically (temporary file plus rename) and with mode 0600 from the start, and do B(not)
        return the seed in the result. The task then needs no C(no_log).
      - The directory must exist. The file is written before the device is bound (and removed again when
        binding fails), so a bound device never exists without its seed; an existing file is replaced only
        when a device is created. Hand the file to the person who enrols the device over a safe channel,
        then delete it.
    type: path
  issuer:
    description: Issuer shown by authenticator apps, part of RV(otpauth_uri).
    type: str
    default: Alibaba Cloud
extends_documentation_fragment:
  - cloudbroker.alibaba.ram
  - cloudbroker.alibaba.attributes.actions
requirements:
  - pyotp
notes:
  - >-
    B(Handing on the seed.) Either set O(seed_file), or register the result of a task with C(no_log=true)
    and pass RV(base32_seed) / RV(otpauth_uri) only to tasks that also have C(no_log=true) (for example a
    vault write or a mail to the user). Without either, the module fails before any change. C(no_log) also
    hides the module's error messages; use O(seed_file) when you need them visible.
  - B(Binding.) RAM checks two consecutive 30-second codes. The module sends the codes of the current and
    the next window, computed away from a window boundary (it waits up to two seconds when a boundary is
    that close); if RAM still refuses them (C(CheckAuthenticationCodeFail), e.g. because of clock skew),
    it tries once more with the codes of the previous and the current window. The host's clock must be
    right to within about 30 seconds.
  - B(Failed earlier runs.) When binding fails, the module deletes the device it just created. A device
    that was left unbound all the same (the run was interrupted) has a seed nobody has any more, so the
    next run with the same O(device_name) deletes it and creates a new one (with a warning). A device
    of that name that is bound to another user is never touched; the module fails and asks for another
    O(device_name).
  - Finding an unbound device and the bind date needs C(ListVirtualMFADevices), which returns every
    virtual MFA device of the account in one call.
"""

EXAMPLES = r"""
- name: MFA for an operator; the seed goes to a 0600 file for the person to enrol
  cloudbroker.alibaba.ram_user_mfa:
    user_name: alice
    seed_file: /root/mfa/alice.json

- name: Or keep the seed in memory and hand it on without printing it
  cloudbroker.alibaba.ram_user_mfa:
    user_name: alice
  register: alice_mfa
  no_log: true  # required: the result holds the seed when the device is created

- name: Store the otpauth URI in a secret store (this task must not log either)
  ansible.builtin.copy:
    content: "{{ alice_mfa.otpauth_uri }}"
    dest: /root/mfa/alice.uri
    mode: "0600"
  when: alice_mfa.otpauth_uri is defined
  no_log: true

- name: Remove the MFA device of a user who leaves
  cloudbroker.alibaba.ram_user_mfa:
    user_name: alice
    state: absent
"""

RETURN = r"""
mfa_device:
  description: The user's MFA device after the run (as it would be, in check mode); empty when there is none.
  returned: always
  type: dict
  contains:
    serial_number:
      description: Serial number of the device (absent in check mode before creation).
      type: str
      sample: "acs:ram::1234567890123456:mfa/alice"
    user_name:
      description: The user the device is bound to.
      type: str
      sample: alice
    bind_date:
      description: When the device was bound (UTC), when RAM reports it.
      type: str
      sample: "2026-11-23T10:00:00Z"
    type:
      description: Device type as RAM reports it (C(VMFA) for a virtual MFA device, C(U2F) for a security key).
      type: str
base32_seed:
  description:
    - "The device's Base32 TOTP seed. Sensitive - register the task with C(no_log=true)."
  returned: when a device was created and O(seed_file) is not set
  type: str
otpauth_uri:
  description:
    - C(otpauth://totp/...) URI with the seed, for authenticator apps (a QR code of it enrols the device).
      Sensitive.
  returned: when a device was created and O(seed_file) is not set
  type: str
qr_code_png:
  description: The QR code RAM generated for the device, a Base64-encoded PNG. Sensitive.
  returned: when a device was created, RAM sent a QR code, and O(seed_file) is not set
  type: str
seed_file:
  description: Path of the file the seed was written to.
  returned: when a device was created and O(seed_file) is set
  type: str
"""

import os
import re
import time
import traceback

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.common import write_private_json
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.legacy_ram import RamError, RamModule, validate_user_name

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


def get_user_mfa(client, user_name):
    """The user's bound MFA device (``{"SerialNumber", "Type"}``) or None; a missing user raises."""
    info = client.get("GetUserMFAInfo", MISSING_MFA, UserName=user_name)
    return (info or {}).get("MFADevice") or None


def delete_device(client, serial_number):
    try:
        client.call("DeleteVirtualMFADevice", SerialNumber=serial_number)
    except RamError as error:
        if error.code != MISSING_DEVICE:
            raise


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


def create_and_bind(module, client, user_name, device_name, deliver):
    """Create the device, hand its seed to ``deliver`` (before binding: a bound device whose seed is lost
    would lock its user out), then bind it. Returns the serial number."""
    created = client.call("CreateVirtualMFADevice", idempotent=False, VirtualMFADeviceName=device_name)
    device = created.get("VirtualMFADevice") or {}
    serial_number, seed = device.get("SerialNumber"), device.get("Base32StringSeed")
    if not serial_number or not seed:
        raise RamError("CreateVirtualMFADevice", message="RAM returned no serial number or seed for the new device")
    try:
        secrets = dict(base32_seed=seed, otpauth_uri=pyotp.TOTP(seed).provisioning_uri(
            name=user_name, issuer_name=module.params["issuer"]))
        if device.get("QRCodePNG"):
            secrets["qr_code_png"] = device["QRCodePNG"]
        deliver(serial_number, secrets)
        bind(client, user_name, serial_number, seed)
    except BaseException:
        try:  # its seed is lost with this run: leave nothing behind that a re-run would have to clean up
            delete_device(client, serial_number)
        except RamError:
            module.warn("Could not delete the unbound MFA device %s; the next run will." % serial_number)
        raise
    return serial_number


def ensure_present(module, client, user_name, device_name, deliver):
    bound = get_user_mfa(client, user_name)
    if bound:
        serial_number = bound.get("SerialNumber")
        listed = find_device(list_devices(client), serial_number=serial_number)
        view = device_view(user_name, serial_number, listed, bound.get("Type"))
        return False, view, view

    if not HAS_PYOTP:
        module.fail_json(msg=missing_required_lib("pyotp"), exception=PYOTP_IMPORT_ERROR)
    stale = find_device(list_devices(client), name=device_name)
    if stale and bound_user(stale):
        raise RamError("CreateVirtualMFADevice", code="EntityAlreadyExists.VirtualMFADevice",
                       message="an MFA device named %r already exists and is bound to user %s; set device_name "
                               "to another name" % (device_name, bound_user(stale)))
    if module.check_mode:
        return True, {}, device_view(user_name, None)
    if stale:
        delete_device(client, stale["SerialNumber"])
        module.warn("Deleted the unbound MFA device %s (left by an earlier run; its seed is lost) and created it "
                    "anew." % stale["SerialNumber"])
    serial_number = create_and_bind(module, client, user_name, device_name, deliver)
    listed = find_device(list_devices(client), serial_number=serial_number)
    bound = get_user_mfa(client, user_name) or {}
    return True, {}, device_view(user_name, serial_number, listed, bound.get("Type"))


def ensure_absent(module, client, user_name, device_name):
    try:
        bound = get_user_mfa(client, user_name)
    except RamError as error:
        if error.code == MISSING_USER:
            return False, {}, {}
        raise
    if bound:
        serial_number = bound.get("SerialNumber")
        before = device_view(user_name, serial_number, mfa_type=bound.get("Type"))
        if not module.check_mode:
            try:
                client.call("UnbindMFADevice", UserName=user_name)
            except RamError as error:
                if error.code != MISSING_MFA:  # unbound meanwhile (or by a retried request)
                    raise
            if bound.get("Type", "VMFA") == "VMFA":
                delete_device(client, serial_number)
        return True, before, {}
    stale = find_device(list_devices(client), name=device_name)
    if stale and not bound_user(stale):
        if not module.check_mode:
            delete_device(client, stale["SerialNumber"])
        return True, dict(serial_number=stale["SerialNumber"]), {}
    return False, {}, {}


def run_module(module):
    params = module.params
    user_name = params["user_name"]
    validate_user_name(module, user_name)
    device_name = params["device_name"] or default_device_name(user_name)
    if not DEVICE_NAME_RE.match(device_name):
        module.fail_json(msg="Invalid device name %r: 1-64 characters, letters, digits, '.' or '-'." % device_name)
    seed_file = params["seed_file"]
    if params["state"] == "present":
        if seed_file and not os.path.isdir(os.path.dirname(os.path.abspath(seed_file))):
            module.fail_json(msg="seed_file: directory %s does not exist." % os.path.dirname(os.path.abspath(seed_file)))
        if not seed_file and not module.no_log:
            module.fail_json(msg="ram_user_mfa returns the new device's MFA seed: set no_log: true on the task, or "
                                 "seed_file to have the seed written to a 0600 file instead.")
    client = module.ram
    result = {}

    def deliver(serial_number, secrets):
        if seed_file:
            try:
                write_private_json(seed_file, dict(secrets, user_name=user_name, serial_number=serial_number))
            except OSError as exc:  # the device is deleted again on the way out (create_and_bind)
                module.fail_json(msg="seed_file: cannot write %s: %s" % (seed_file, exc.strerror or exc))
            result["seed_file"] = seed_file
        else:
            result.update(secrets)

    if params["state"] == "present":
        try:
            changed, before, after = ensure_present(module, client, user_name, device_name, deliver)
        except BaseException:
            if result.get("seed_file") and os.path.exists(seed_file):
                os.unlink(seed_file)  # the seed of a device that was deleted again
            raise
    else:
        changed, before, after = ensure_absent(module, client, user_name, device_name)
    result.update(changed=changed, mfa_device=after)
    if module._diff:
        result["diff"] = dict(before=before, after=after)
    return result


def main():
    module = RamModule(
        argument_spec=dict(
            user_name=dict(type="str", required=True, aliases=["name"]),
            device_name=dict(type="str"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            seed_file=dict(type="path"),
            issuer=dict(type="str", default="Alibaba Cloud"),
        ),
        supports_check_mode=True,
    )
    module.run(run_module)


if __name__ == "__main__":
    main()
