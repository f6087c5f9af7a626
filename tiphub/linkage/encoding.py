"""Keyed Bloom-filter encodings (CLKs), bit for bit as clkhash 0.18.3 makes them, only faster.

Algorithm (clkhash's): HKDF turns the shared secret into two keys per schema feature (ignored
features too). Each feature's value is validated and formatted, split into tokens, and each
token sets k bits: blakeHash takes k little-endian uint16 words from keyed BLAKE2b digests;
doubleHash sets ``(sha1(t) + i * md5(t)) mod l`` with HMAC keys. The CLK is the OR over all
features, optionally XOR-folded. Bit i of the filter is ``(byte[i // 8] >> (7 - i % 8)) & 1``.

Why it is fast: q-grams and whole values repeat a great deal (there are only so many first
names), so each :class:`Encoder` caches value -> filter bits and token -> filter bits as Python
ints and a record costs a few dict look-ups and ORs. The caches are in memory, bounded, private
to one Encoder and never written anywhere: tokens are personal data.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tiphub.errors import ConfigError, InvalidInput
from tiphub.linkage.schema import KDF_HASHES, Feature, LinkageSchema

MIN_SECRET_BYTES = 16
VALUE_CACHE_LIMIT = 1 << 14  # per feature: raw values -> bits (bounds memory: ~300 bytes each)
TOKEN_CACHE_LIMIT = 1 << 15  # per feature: tokens -> bits
BALANCE_INFO = b"tiphub/linkage/balance-permutation/v1"
SALT_SEPARATOR = b"\x00"

MISSING, INVALID, USED = 0, 1, 2


# -- keys -----------------------------------------------------------------------------------


def hkdf(secret: bytes, length: int, *, hash_name: str = "sha256", salt: bytes | None = None,
         info: bytes | None = None) -> bytes:
    """RFC 5869 HKDF (extract, then expand) with HMAC-``hash_name``."""
    size = hashlib.new(hash_name).digest_size
    if length > 255 * size:
        raise InvalidInput(f"HKDF cannot derive {length} bytes with {hash_name}",
                           hint="use fewer features, a smaller keySize or SHA512")
    prk = hmac.new(salt or bytes(size), secret, hash_name).digest()
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + (info or b"") + bytes([counter]), hash_name).digest()
        out += block
        counter += 1
    return out[:length]


def derive_keys(schema: LinkageSchema, secret: bytes | str) -> tuple[tuple[bytes, bytes], ...]:
    """Two keys per feature (ignored ones included, as in clkhash), in schema order."""
    secret_bytes = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
    size = schema.key_size
    count = 2 * len(schema.features)
    block = hkdf(secret_bytes, count * size, hash_name=KDF_HASHES[schema.kdf_hash],
                 salt=schema.kdf_salt, info=schema.kdf_info)
    keys = [block[i * size:(i + 1) * size] for i in range(count)]
    return tuple((keys[2 * i], keys[2 * i + 1]) for i in range(len(schema.features)))


def read_secret(path: Path | str) -> bytes:
    """The linkage secret in ``path``: its bytes without a trailing line break.

    The trailing CR/LF is dropped so that a secret saved by an editor (with a final newline)
    and one saved without it give the same keys. The secret itself never appears in a message.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"linkage secret file {path} not found",
                          hint="ask your coordinator for the shared secret file") from None
    except OSError as exc:
        raise ConfigError(f"cannot read linkage secret file {path}: {exc.strerror}",
                          hint="check the file's permissions") from None
    data = data.rstrip(b"\r\n")
    if len(data) < MIN_SECRET_BYTES:
        raise ConfigError(f"linkage secret in {path} is too short ({len(data)} bytes, at least "
                          f"{MIN_SECRET_BYTES} needed)",
                          hint="use a long random secret shared by all organisations, e.g. "
                               "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`")
    return data


# -- hashing one token ------------------------------------------------------------------------


def blake_indices(token: bytes, k: int, key: bytes, length: int) -> list[int]:
    """clkhash's ``blake_hash_token``: k values from 32-word BLAKE2b blocks, mod ``length``."""
    words: list[int] = []
    for j in range((k + 31) // 32):
        digest = hashlib.blake2b(token, key=key, salt=str(j).encode()).digest()
        words.extend(struct.unpack("<32H", digest))
    return [w % length for w in words[:k]]


def double_hash_indices(token: bytes, k: int, keys: tuple[bytes, bytes], length: int,
                        non_singular: bool) -> list[int]:
    """clkhash's double hashing (Schnell 2011), optionally without the h2 = 0 singularity."""
    key_sha1, key_md5 = keys
    sha1hm = int.from_bytes(hmac.new(key_sha1, token, hashlib.sha1).digest(), "big") % length
    md5hm = int.from_bytes(hmac.new(key_md5, token, hashlib.md5).digest(), "big") % length
    i = 0
    while non_singular and md5hm == 0:
        md5hm = int.from_bytes(hmac.new(key_md5, token + chr(i).encode(), hashlib.md5).digest(),
                               "big") % length
        i += 1
    return [(sha1hm + i * md5hm) % length for i in range(k)]


# -- statistics -------------------------------------------------------------------------------


@dataclass
class EncodeStats:
    """What an encoder saw; no values, only counts and record positions.

    ``unusable`` holds positions (0-based, counted over every row given to the encoder) of
    records from which no feature gave a single token: their encoding is all zeros.
    """

    rows: int = 0
    missing: dict[str, int] = field(default_factory=dict)  # empty or missing-value sentinel
    invalid: dict[str, int] = field(default_factory=dict)  # failed the feature's format
    unusable: list[int] = field(default_factory=list)
    bits_set: int = 0  # in the l-bit filter, before balancing
    filter_bits: int = 0

    @property
    def mean_density(self) -> float:
        """Mean share of filter bits set (before balancing, which always gives one half)."""
        return self.bits_set / (self.rows * self.filter_bits) if self.rows else 0.0


# -- the encoder ------------------------------------------------------------------------------


class _FeatureHasher:
    """One feature's keys and caches: value -> (status, bits) and token -> bits."""

    def __init__(self, feature: Feature, keys: tuple[bytes, bytes], hash_l: int) -> None:
        self.feature = feature
        self.keys = keys
        self.hash_l = hash_l
        self.values: dict[tuple[str, str], tuple[int, int]] = {}
        self.tokens: dict[tuple[bytes, str, int], int] = {}

    def bits(self, value: str, salt: str) -> tuple[int, int]:
        key = (salt, value)
        hit = self.values.get(key)
        if hit is not None:
            return hit
        f = self.feature
        prepared = f.prepare(value)
        if prepared is None:
            result = (INVALID, 0)
        else:
            tokens = f.tokenize(prepared)
            if not tokens:
                result = (MISSING, 0)
            else:
                mask = 0
                salt_bytes = salt.encode("utf-8") + SALT_SEPARATOR if salt else b""
                for token, k in zip(tokens, f.bits_per_token(len(tokens)), strict=True):
                    mask |= self._token_bits(token, k, salt_bytes)
                result = (USED, mask)
        if len(self.values) < VALUE_CACHE_LIMIT:
            self.values[key] = result
        return result

    def _token_bits(self, token: str, k: int, salt_bytes: bytes) -> int:
        key = (salt_bytes, token, k)
        mask = self.tokens.get(key)
        if mask is not None:
            return mask
        f, length = self.feature, self.hash_l
        data = salt_bytes + token.encode(f.encoding)
        if f.hash_type == "blakeHash":
            indices = blake_indices(data, k, self.keys[0], length)
        else:
            indices = double_hash_indices(data, k, self.keys, length, f.prevent_singularity)
        mask = 0
        for idx in indices:
            mask |= 1 << (length - 1 - idx)  # filter bit i is the i-th most significant bit
        if len(self.tokens) < TOKEN_CACHE_LIMIT:
            self.tokens[key] = mask
        return mask


class Encoder:
    """Encodes records with one schema and secret. Not thread-safe (it owns caches).

    ``encode(rows)`` takes rows either as sequences of strings in schema feature order (ignored
    features included, as clkhash reads CSV rows) or as mappings from feature identifier to
    string (absent keys count as empty). Values are used as given: strip them beforehand.
    """

    def __init__(self, schema: LinkageSchema, secret: bytes | str) -> None:
        self.schema = schema
        keys = derive_keys(schema, secret)
        self._hashers = [(pos, _FeatureHasher(f, keys[pos], schema.hash_l))
                         for pos, f in enumerate(schema.features) if not f.ignored]
        self._identifiers = schema.identifiers
        salt_name = schema.hardening.record_salt
        self._salt_feature = (schema.identifiers.index(salt_name), schema.features[
            schema.identifiers.index(salt_name)]) if salt_name else None
        self._perm = _balance_permutation(schema, secret) if schema.hardening.balance else None

    @property
    def width_bytes(self) -> int:
        return self.schema.width_bytes

    def encode(self, rows: Iterable[Sequence[str] | Mapping[str, str]],
               stats: EncodeStats | None = None) -> np.ndarray:
        """uint8 array of shape (n, width_bytes), one encoding per row."""
        stats = stats if stats is not None else EncodeStats()
        stats.filter_bits = self.schema.l
        for f in self.schema.encoded:
            stats.missing.setdefault(f.identifier, 0)
            stats.invalid.setdefault(f.identifier, 0)
        folds, hash_l, nbytes = self.schema.xor_folds, self.schema.hash_l, self.schema.l // 8
        hashers, width = self._hashers, len(self._identifiers)
        missing, invalid = stats.missing, stats.invalid
        out = bytearray()
        bits_set = 0
        start = stats.rows
        n = 0
        for n, row in enumerate(rows, start=1):
            values = self._positional(row, width, start + n)
            salt = self._salt(values)
            acc = 0
            used = False
            for pos, hasher in hashers:
                status, mask = hasher.bits(values[pos], salt)
                if status == USED:
                    acc |= mask
                    used = True
                elif status == MISSING:
                    missing[hasher.feature.identifier] += 1
                else:
                    invalid[hasher.feature.identifier] += 1
            if not used:
                stats.unusable.append(start + n - 1)
            length = hash_l
            for _ in range(folds):
                length //= 2
                acc = (acc >> length) ^ (acc & ((1 << length) - 1))
            bits_set += acc.bit_count()
            out += acc.to_bytes(nbytes, "big")
        stats.rows = start + n
        stats.bits_set += bits_set
        filters = np.frombuffer(bytes(out), dtype=np.uint8).reshape(-1, nbytes)
        return self._balance(filters) if self._perm is not None else filters.copy()

    def _positional(self, row: Sequence[str] | Mapping[str, str], width: int, number: int
                    ) -> Sequence[str]:
        if isinstance(row, Mapping):
            return [row.get(name) or "" for name in self._identifiers]
        if len(row) != width:
            raise InvalidInput(f"record {number} has {len(row)} values, the schema has {width} "
                               "features", hint="give one value per schema feature, in order")
        return row

    def _salt(self, values: Sequence[str]) -> str:
        if self._salt_feature is None:
            return ""
        pos, feature = self._salt_feature
        prepared = feature.prepare(values[pos])
        return prepared or ""

    def _balance(self, filters: np.ndarray) -> np.ndarray:
        """Filter + complement, permuted: every encoding has exactly half of its bits set."""
        out = np.empty((filters.shape[0], 2 * filters.shape[1]), dtype=np.uint8)
        step = 8192
        for lo in range(0, filters.shape[0], step):
            bits = np.unpackbits(filters[lo:lo + step], axis=1)
            both = np.concatenate([bits, 1 - bits], axis=1)
            out[lo:lo + step] = np.packbits(both[:, self._perm], axis=1)
        return out


def _balance_permutation(schema: LinkageSchema, secret: bytes | str) -> np.ndarray:
    """A secret permutation of 2l positions (Fisher-Yates over an HMAC-SHA256 stream).

    Hand-rolled rather than numpy's generator so that every party gets the same permutation
    whatever numpy version it runs.
    """
    secret_bytes = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
    key = hkdf(secret_bytes, 32, salt=schema.kdf_salt, info=BALANCE_INFO)
    size = 2 * schema.l
    perm = list(range(size))
    words: list[int] = []
    counter = 0
    for i in range(size - 1, 0, -1):
        bound = i + 1
        limit = (1 << 32) // bound * bound
        while True:
            if not words:
                block = hmac.new(key, counter.to_bytes(8, "big"), hashlib.sha256).digest()
                words = list(struct.unpack(">8I", block))
                counter += 1
            r = words.pop()
            if r < limit:
                break
        j = r % bound
        perm[i], perm[j] = perm[j], perm[i]
    return np.asarray(perm, dtype=np.intp)
