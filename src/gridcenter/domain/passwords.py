"""Account passwords, kept only as a memory-hard hash (scrypt, from the standard library).

A stored hash reads `scrypt$N$r$p$SALT$HASH` (salt and hash in base64), so the cost can be
raised later without making the stored ones unreadable."""

import base64
import hashlib
import hmac
import os

# 16 MiB of memory per check (128 * r * N bytes): slow to guess in bulk, quick to type.
COST_N, BLOCK_R, PARALLEL_P = 2**14, 8, 1
MIN_LENGTH = 10


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(secret.encode(), salt=salt, n=n, r=r, p=p, maxmem=256 * r * n, dklen=32)


def hash_password(secret: str) -> str:
    salt = os.urandom(16)
    digest = _scrypt(secret, salt, COST_N, BLOCK_R, PARALLEL_P)
    encoded = [base64.b64encode(part).decode() for part in (salt, digest)]
    return "$".join(["scrypt", str(COST_N), str(BLOCK_R), str(PARALLEL_P), *encoded])


def password_matches(secret: str, stored: str) -> bool:
    """Whether `secret` is the password behind `stored`; False for anything unreadable."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest, validate=True)
        actual = _scrypt(secret, base64.b64decode(salt, validate=True), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def password_problem(secret: str, login: str) -> str | None:
    """Why `secret` may not be `login`'s password, or None."""
    if len(secret) < MIN_LENGTH:
        return f"a password has at least {MIN_LENGTH} characters"
    if login.lower() in secret.lower():
        return "a password does not contain its login"
    return None
