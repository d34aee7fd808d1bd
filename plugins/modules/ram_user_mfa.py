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

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.module_shell import run_as_module
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.mfa import USER_MFA


def main():
    run_as_module(USER_MFA)


if __name__ == "__main__":
    main()
