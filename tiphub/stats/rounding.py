"""Secret random rounding of published counts.

Why: cell suppression protects each table on its own, but a report or a user puts several
tables over the same records side by side; the difference between a margin of one and a
denominator of another can be exactly a withheld small cell. Rounding every published count
to a multiple of ``base`` — up with probability ``(n mod base) / base``, so unbiased — leaves
such differences uncertain by several units. The draw depends only on the true count and a
secret kept in the database: the same count rounds the same way in every table and every call,
so repeating a query or comparing tables does not average the rounding away.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

Rounder = Callable[[int], int]


def secret_rounder(secret: bytes, base: int) -> Rounder:
    """``n -> rounded n``; the identity when ``base`` is 1."""
    if base <= 1:
        return lambda n: n

    def rounder(n: int) -> int:
        low, rest = divmod(n, base)
        if rest == 0:
            return n
        digest = hmac.new(secret, str(n).encode(), hashlib.sha256).digest()
        draw = int.from_bytes(digest[:8], "big") / 2**64
        return (low + (1 if draw < rest / base else 0)) * base

    return rounder
