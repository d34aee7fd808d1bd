# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What RAM and the marketplace accept (name patterns, lengths, numeric ranges), as data.

One table for everything that checks input before a remote call: the controller-side validation of the roles'
variables (``plugins/plugin_utils/variable_rules.py``) reads it, and modules can. Sources: the RAM error-code page
https://www.alibabacloud.com/help/doc-detail/28754.htm and the RAM limits page (names, lengths, password policy
ranges, policy size); the marketplace facts in docs/ (account id, account number, names).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re


class Pattern(object):
    """A regular expression with the sentence that tells a user what it allows."""

    def __init__(self, regex, allowed):
        self.regex = re.compile(regex)
        self.allowed = allowed

    def matches(self, value):
        return bool(self.regex.match(value))


# RAM (https://www.alibabacloud.com/help/doc-detail/28754.htm, InvalidParameter.<Param>.InvalidChars / .Length)
RAM_USER_NAME = Pattern(r"^[A-Za-z0-9._-]{1,64}\Z", "1-64 letters, digits, '.', '_' or '-'")
RAM_GROUP_NAME = Pattern(r"^[A-Za-z0-9._-]{1,64}\Z", "1-64 letters, digits, '.', '_' or '-'")
RAM_POLICY_NAME = Pattern(r"^[A-Za-z0-9-]{1,128}\Z", "1-128 letters, digits or '-'")
RAM_ROLE_NAME = Pattern(r"^[A-Za-z0-9.-]{1,64}\Z", "1-64 letters, digits, '.' or '-'")
RAM_POLICY_TYPES = ("System", "Custom")
RAM_DISPLAY_NAME_MAX = 128
RAM_COMMENTS_MAX = 128
RAM_POLICY_DESCRIPTION_MAX = 1024
RAM_POLICY_DOCUMENT_MAX = 6144
RAM_POLICY_VERSION = "1"
RAM_POLICY_EFFECTS = ("Allow", "Deny")
RAM_LOGIN_NETWORK_MASKS_MAX = 40

# Module option -> (lowest, highest), per module whose options a role variable carries as a dict.
OPTION_RANGES = {
    "ram_password_policy": {
        "minimum_password_length": (8, 32),
        "max_password_age": (0, 1095),
        "password_reuse_prevention": (0, 24),
        "max_login_attempts": (0, 32),
    },
    "ram_security_preference": {
        "login_session_duration": (1, 24),
    },
}

# Marketplace (docs/marketplace-api.md)
MARKETPLACE_NAME_MAX = 255
MARKETPLACE_ID = Pattern(r"^[A-Za-z0-9_.-]{1,128}\Z", "1-128 letters, digits, '_', '.' or '-'")
MARKETPLACE_ACCOUNT_NUMBER = Pattern(r"^[0-9]{8,}\Z", "at least 8 digits")
MARKETPLACE_PROVIDER_CODE = Pattern(r"^[a-z0-9-]{1,64}\Z", "1-64 lower-case letters, digits or '-'")
