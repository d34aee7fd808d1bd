"""Virtual MFA devices (TOTP: RFC 6238, SHA1, 6 digits, 30 s) and binding them to users.

``BindMFADevice`` wants two consecutive codes, as the console asks for: code 1 of time step ``w``
and code 2 of step ``w + 1``, with ``w`` within one step of now (clock drift). Wrong codes are 403
``CheckAuthenticationCodeFail``; anything but six digits is 400
``InvalidParameter.AuthenticationCode.Format``. ``QRCodePNG`` is a valid base64 PNG but a blank
placeholder, not a rendered QR code (use ``Base32StringSeed``).
"""

import base64
import hmac
import re
import struct
import time
import zlib

import pyotp

from .api import action, drop_none, wrap
from .errors import RamError, invalid_parameter, limit_exceeded
from .store import now

MAX_DEVICES = 1000
SEED_LENGTH = 64
CODE_RE = re.compile(r"^\d{6}$")


def _placeholder_png():
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)   # 1x1, 8-bit greyscale
    pixels = zlib.compress(b"\x00\xff")                    # filter byte + one white pixel
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    return base64.b64encode(png).decode("ascii")


QR_CODE_PNG = _placeholder_png()


def codes_match(seed, code1, code2, at=None):
    totp = pyotp.TOTP(seed)
    step = totp.timecode(int(at if at is not None else time.time()))
    return any(hmac.compare_digest(totp.generate_otp(w), code1)
               and hmac.compare_digest(totp.generate_otp(w + 1), code2)
               for w in (step - 1, step, step + 1))


@action("CreateVirtualMFADevice", resource=("mfa", "VirtualMFADeviceName"))
def create_virtual_mfa_device(ctx):
    store = ctx.store
    name = ctx.params.name("VirtualMFADeviceName")
    if store.one("SELECT 1 FROM mfa_devices WHERE name = ?", (name,)):
        raise RamError("EntityAlreadyExists.VirtualMFADevice")
    if store.scalar("SELECT COUNT(*) FROM mfa_devices") >= MAX_DEVICES:
        raise limit_exceeded("LimitExceeded.VirtualMFADevice", MAX_DEVICES, "virtual MFA devices of the account")
    seed = pyotp.random_base32(SEED_LENGTH)
    store.execute("INSERT INTO mfa_devices (name, seed, create_date) VALUES (?, ?, ?)", (name, seed, now()))
    device = store.one("SELECT * FROM mfa_devices WHERE name = ?", (name,))
    return {"VirtualMFADevice": {"SerialNumber": store.serial_number(device), "Base32StringSeed": seed,
                                 "QRCodePNG": QR_CODE_PNG}}


@action("ListVirtualMFADevices", resource=("mfa", None))
def list_virtual_mfa_devices(ctx):
    store = ctx.store
    rows = store.all("SELECT d.*, u.user_id, u.name AS user_name, u.display_name FROM mfa_devices d "
                     "LEFT JOIN users u ON u.pk = d.user_pk ORDER BY d.pk")
    devices = []
    for row in rows:
        user = {"UserId": row["user_id"], "UserName": row["user_name"], "DisplayName": row["display_name"]}
        devices.append(drop_none({"SerialNumber": store.serial_number(row), "ActivateDate": row["activate_date"],
                                  "User": user if row["user_pk"] else None}))
    return wrap("VirtualMFADevices", "VirtualMFADevice", devices)


@action("DeleteVirtualMFADevice", resource=("mfa", None))
def delete_virtual_mfa_device(ctx):
    device = ctx.store.mfa_device(ctx.params.required("SerialNumber"))
    if device["user_pk"]:
        raise RamError("DeleteConflict.VirtualMFADevice.User")
    ctx.store.execute("DELETE FROM mfa_devices WHERE pk = ?", (device["pk"],))
    return {}


@action("BindMFADevice", resource=("user", "UserName"))
def bind_mfa_device(ctx):
    store = ctx.store
    serial = ctx.params.required("SerialNumber")
    user_name = ctx.params.name("UserName")
    codes = [ctx.params.required(param) for param in ("AuthenticationCode1", "AuthenticationCode2")]
    if not all(CODE_RE.match(code) for code in codes):
        raise invalid_parameter("AuthenticationCode", "Format",
                                'The parameter - "AuthenticationCode" must be a 6-digit number.')
    user = store.user(user_name)
    device = store.mfa_device(serial)
    if store.one("SELECT 1 FROM mfa_devices WHERE user_pk = ?", (user["pk"],)):
        raise RamError("EntityAlreadyExists.User.MFADevice")
    if device["user_pk"]:
        raise RamError("EntityAlreadyExists.VirtualMFADevice.User")
    if not codes_match(device["seed"], *codes):
        raise RamError("CheckAuthenticationCodeFail")
    store.execute("UPDATE mfa_devices SET user_pk = ?, activate_date = ? WHERE pk = ?",
                  (user["pk"], now(), device["pk"]))
    return {}


def bound_device(ctx):
    user = ctx.store.user(ctx.params.name("UserName"))
    device = ctx.store.one("SELECT * FROM mfa_devices WHERE user_pk = ?", (user["pk"],))
    if device is None:
        raise RamError("EntityNotExist.User.MFADevice")
    return device


@action("UnbindMFADevice", resource=("user", "UserName"))
def unbind_mfa_device(ctx):
    device = bound_device(ctx)
    ctx.store.execute("UPDATE mfa_devices SET user_pk = NULL, activate_date = NULL WHERE pk = ?", (device["pk"],))
    return {"MFADevice": {"SerialNumber": ctx.store.serial_number(device)}}


@action("GetUserMFAInfo", resource=("user", "UserName"))
def get_user_mfa_info(ctx):
    return {"MFADevice": {"SerialNumber": ctx.store.serial_number(bound_device(ctx)), "Type": "VMFA"}}
