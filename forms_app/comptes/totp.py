"""TOTP codes (each step accepted once) and one-time recovery codes. Pure: no Flask."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp

RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes (l/1, o/0, i)
RECOVERY_COUNT = 10
ISSUER = "Portail carrière"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, identifiant: str, issuer: str = ISSUER) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=identifiant, issuer_name=issuer)


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def matching_step(secret: str, code: str, at: datetime, last_step: int | None) -> int | None:
    """The time step this code belongs to (±1 step of drift), if not used before; else None."""
    code = "".join(code.split())
    if len(code) != 6 or not (code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(at)
    for step in (current - 1, current, current + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def normalise_recovery(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def new_recovery_codes() -> list[str]:
    """Ten codes like "k7mq-2xva-9tbe" (about 60 bits each)."""
    codes = []
    for _ in range(RECOVERY_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(12))
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
    return codes


def recovery_hash(code: str) -> str:
    """SHA-256 of the normalised code: random codes need no slow hash."""
    return hashlib.sha256(normalise_recovery(code).encode("ascii", "ignore")).hexdigest()
