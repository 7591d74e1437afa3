"""Password rules and hashing (Argon2id). Pure: no Flask."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from .identifiants import plain_letters

MIN_LENGTH = 12
MAX_LENGTH = 256  # hashing a megabyte on every try would be a denial of service
COMMON_FILE = Path(__file__).with_name("data") / "common-passwords.txt"

MESSAGES = {
    "too_short": f"Le mot de passe doit comporter au moins {MIN_LENGTH} caractères.",
    "too_long": f"Le mot de passe ne doit pas dépasser {MAX_LENGTH} caractères.",
    "numen": "Le mot de passe ne doit pas contenir votre NUMEN.",
    "identifiant": "Le mot de passe ne doit pas contenir votre identifiant.",
    "name": "Le mot de passe ne doit contenir ni votre nom ni votre prénom.",
    "common": "Ce mot de passe est trop courant : choisissez-en un autre, par exemple une phrase de plusieurs mots.",
}


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower case."""
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _is_common(password: str) -> bool:
    lowered = password.lower()
    common = common_passwords()
    if lowered in common or plain_letters(lowered) in common:
        return True
    # "motdepasse2026!" is still "motdepasse": strip digits and symbols around the core.
    core = lowered.strip("0123456789!?.,;:-_*#@$%&+=/\\ ")
    if core and core in common:
        return True
    return len(set(lowered)) <= 3


def password_problems(
    password: str, *, numen: str = "", identifiant: str = "", nom: str = "", prenom: str = ""
) -> list[str]:
    """French messages saying what is wrong with a new password; empty when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return [MESSAGES["too_short"]]
    if len(password) > MAX_LENGTH:
        return [MESSAGES["too_long"]]
    problems = []
    folded = plain_letters(password)
    if numen and plain_letters(numen) in folded:
        problems.append(MESSAGES["numen"])
    if identifiant and plain_letters(identifiant) in folded:
        problems.append(MESSAGES["identifiant"])
    names = [plain_letters(n) for n in (nom, prenom)]
    if any(len(n) >= 3 and n in folded for n in names):
        problems.append(MESSAGES["name"])
    if _is_common(password):
        problems.append(MESSAGES["common"])
    return problems


def numen_as_typed(text: str) -> str:
    """What a first-login password is checked as: a NUMEN is an identifier, so case and spaces do not
    count (43t1657894pes, 43T 1657894 PES → 43T1657894PES)."""
    return "".join(text.split()).upper()


def make_hasher(params: dict) -> PasswordHasher:
    """An Argon2id hasher with these parameters (time_cost, memory_cost, parallelism)."""
    return PasswordHasher(type=Type.ID, **params)


def verify_password(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    """True when password matches; never raises for a wrong or malformed hash."""
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
