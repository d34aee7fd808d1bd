# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``ram_security_report``: the account's RAM state checked against the RAM security best practices.

Split by concern: ``catalogue`` (the checks, their severities and advice), ``rules`` (facts in, findings
out; pure), ``facts`` (reading the account: the only part that calls RAM and STS), ``markdown`` (the
report's text), ``report_file`` (writing it) and ``report`` (the resource: options, validation, the run).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type
