"""Linkage schemas in clkhash's v3 JSON format: parse, validate, fingerprint, check for leaks.

A schema says which identifying fields go into each organisation's Bloom filter and how
(tokenisation, bits per token, hash family, key derivation). Every party must encode with the
*same* schema and secret, so the schema is parsed strictly: anything clkhash v3 would reject is
rejected here too, with the JSON path of the problem, and nothing silently falls back.

tiphub extensions live under ``clkConfig.tiphub`` (see :class:`Hardening`). clkhash's master
schema (``schemas/v3.json``) sets no ``additionalProperties: false`` on ``clkConfig``, so a
schema carrying the extension still validates in clkhash; clkhash just ignores it (and then
produces different, unhardened encodings — the fingerprint tells the two apart).

Known clkhash 0.18.3 quirk: it reads ``clkConfig.xor_folds`` although the v3 schema names the key
``xorFolds``, so clkhash silently never folds. We honour ``xorFolds`` as specified (the result
equals clkhash's own ``fold_xor`` with ``Schema(xor_folds=...)``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tiphub.errors import InvalidInput

ENCODINGS = ("ascii", "utf-8", "utf-16", "utf-32")
KDF_HASHES = {"SHA256": "sha256", "SHA512": "sha512"}
DEFAULT_KEY_SIZE = 64
FORMAT_KEYS = {
    "string": {"type", "encoding", "case", "minLength", "maxLength", "pattern", "description"},
    "integer": {"type", "minimum", "maximum", "description"},
    "date": {"type", "format", "description"},
    "enum": {"type", "values", "description"},
}
HASHING_KEYS = {"comparison", "strategy", "hash", "missingValue"}
HARDENING_KEYS = {"recordSalt", "balance", "description"}
DATE_OUTPUT = "%Y%m%d"


def _fail(path: str, message: str) -> InvalidInput:
    return InvalidInput(f"{path}: {message}",
                        hint="see the clkhash v3 linkage schema (clkhash/schemas/v3.json)")


@dataclass(frozen=True)
class Feature:
    """One column of the schema: how to validate a value and how to turn it into tokens."""

    identifier: str
    ignored: bool = False
    kind: str = "string"  # string | integer | date | enum
    encoding: str = "utf-8"
    case: str = "mixed"
    min_length: int | None = None
    max_length: int | None = None
    pattern: re.Pattern | None = None
    minimum: int | None = None
    maximum: int | None = None
    date_format: str | None = None
    values: frozenset[str] = frozenset()
    comparison: str = "ngram"  # ngram | exact | numeric
    n: int = 2
    positional: bool = False
    threshold_distance: float = 0.0
    resolution: int = 0
    fractional_precision: int = 0
    strategy: str = "bitsPerToken"  # bitsPerToken | bitsPerFeature
    bits: int = 0
    hash_type: str = "blakeHash"
    prevent_singularity: bool = False
    sentinel: str | None = None
    replace_with: str | None = None

    # -- values -----------------------------------------------------------------------------

    def prepare(self, value: str) -> str | None:
        """The string clkhash would hash for ``value`` ("" = nothing), or None if it is invalid.

        Mirrors clkhash's ``validate`` then ``format_value``: the missing-value sentinel skips
        validation and is replaced; integers are re-written canonically; dates become YYYYMMDD.
        """
        if self.sentinel is not None and value == self.sentinel:
            return self.replace_with if self.replace_with is not None else self.sentinel
        try:
            value.encode(self.encoding)
        except UnicodeEncodeError:
            return None
        kind = self.kind
        if kind == "string":
            if self.pattern is not None:
                return value if self.pattern.fullmatch(value) else None
            size = len(value)
            if (self.min_length is not None and size < self.min_length) or (
                    self.max_length is not None and size > self.max_length):
                return None
            if (self.case == "lower" and value.lower() != value) or (
                    self.case == "upper" and value.upper() != value):
                return None
            return value
        if kind == "integer":
            try:
                number = int(value, 10)
            except ValueError:
                return None
            if (self.minimum is not None and number < self.minimum) or (
                    self.maximum is not None and number > self.maximum):
                return None
            return str(number)
        if kind == "date":
            try:
                return datetime.strptime(value, self.date_format or "").strftime(DATE_OUTPUT)
            except ValueError:
                return None
        return value if value in self.values else None  # enum

    def tokenize(self, word: str) -> list[str]:
        """clkhash's comparators: n-grams (padded, optionally positional), exact, numeric."""
        if not word:
            return []
        if self.comparison == "ngram":
            n = self.n
            if n > 1:
                pad = " " * (n - 1)
                word = pad + word + pad
            if self.positional:
                return [f"{i + 1} {word[i:i + n]}" for i in range(len(word) - n + 1)]
            return [word[i:i + n] for i in range(len(word) - n + 1)]
        if self.comparison == "exact":
            return [word]
        return self._numeric_tokens(word)

    def _numeric_tokens(self, word: str) -> list[str]:
        scale = 10 ** self.fractional_precision
        interval = int(round(self.threshold_distance * scale))
        try:
            v = int(word, 10) * (scale if self.fractional_precision > 0 else 1)
        except ValueError:
            try:
                as_float = float(word)
            except ValueError:
                return []
            v = int(round(as_float * scale)) if self.fractional_precision > 0 else int(as_float)
        v = v * 2 * self.resolution
        residue = v % interval
        if residue and residue < interval / 2:
            v -= residue
        elif residue:
            v += interval - residue
        return [str(v + i * interval) for i in range(-self.resolution, self.resolution + 1)]

    def bits_per_token(self, count: int) -> list[int]:
        """k for each of ``count`` tokens: fixed, or a fixed budget spread as clkhash does."""
        if self.strategy == "bitsPerToken":
            return [self.bits] * count
        k, residue = divmod(self.bits, count)
        return [k + 1] * residue + [k] * (count - residue)


@dataclass(frozen=True)
class Hardening:
    """tiphub's optional defences, under ``clkConfig.tiphub`` (plain clkhash ignores them).

    ``record_salt``: the identifier of a feature whose prepared value salts every token of the
    record — the same name gives unrelated bits in records with different salt values. This
    defeats frequency attacks that pool all records (a frequent bigram no longer maps to one
    frequent bit pattern) and graph-matching attacks that align co-occurring bit patterns across
    the whole file; the price is that records disagreeing on the salt can never match, so salt
    only on an attribute that is recorded reliably.

    ``balance``: output the filter followed by its complement, permuted by a key-derived
    permutation (Schnell & Borgs' balanced Bloom filters). Every encoding then has exactly half
    its bits set, which removes the popcount (how many tokens, i.e. how long the name) as a
    signal and flattens the bit-frequency profile that pattern-mining attacks start from. The
    filter doubles in length, and Dice becomes 1 - Hamming/l (higher for non-matches).
    """

    record_salt: str | None = None
    balance: bool = False


@dataclass(frozen=True)
class LinkageSchema:
    """A parsed and validated schema. ``raw`` is the JSON object it was parsed from."""

    version: int
    l: int  # noqa: E741 (clkhash's name for the filter length, after folding)
    xor_folds: int
    kdf_hash: str
    kdf_salt: bytes | None
    kdf_info: bytes | None
    key_size: int
    features: tuple[Feature, ...]
    hardening: Hardening
    raw: dict = field(repr=False, compare=False, default_factory=dict)
    fingerprint: str = ""

    @property
    def hash_l(self) -> int:
        """Bits hashed into before XOR folding."""
        return self.l * 2 ** self.xor_folds

    @property
    def width_bits(self) -> int:
        """Bits in the encodings this schema produces (doubled when balanced)."""
        return self.l * (2 if self.hardening.balance else 1)

    @property
    def width_bytes(self) -> int:
        return self.width_bits // 8

    @property
    def encoded(self) -> tuple[Feature, ...]:
        """The features that are hashed into the filter (not ignored)."""
        return tuple(f for f in self.features if not f.ignored)

    @property
    def identifiers(self) -> tuple[str, ...]:
        return tuple(f.identifier for f in self.features)


# -- loading ------------------------------------------------------------------------------


def load_schema(source: Path | str | Mapping[str, Any]) -> LinkageSchema:
    """Parse a clkhash v3 schema from a file path, a JSON text or a parsed dict.

    Raises :class:`~tiphub.errors.InvalidInput` naming the JSON path of the first problem.
    """
    if isinstance(source, Mapping):
        raw = json.loads(json.dumps(source))  # a private deep copy, and proof it is JSON
    elif not isinstance(source, str | Path):
        raise _fail("$", "a linkage schema must be a JSON object")
    else:
        text = source if isinstance(source, str) and source.lstrip().startswith("{") else None
        if text is None:
            path = Path(source)
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise InvalidInput(f"cannot read linkage schema {path.name}: {exc.__class__.__name__}",
                                   hint="give the path of a clkhash v3 JSON schema") from None
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"linkage schema is not valid JSON (line {exc.lineno}, column {exc.colno})",
                               hint="check the file with a JSON validator") from None
    if not isinstance(raw, dict):
        raise _fail("$", "a linkage schema must be a JSON object")
    return _parse(raw)


def fingerprint(raw: Mapping[str, Any]) -> str:
    """16 hex digits of SHA-256 over the canonical JSON, without ``description`` texts.

    Canonical: sorted keys, no whitespace, UTF-8. Descriptions are left out because they do not
    change a single bit of the encodings, so rewording a comment keeps encodings comparable.
    """
    canonical = json.dumps(_strip_descriptions(raw), sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def _strip_descriptions(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_descriptions(v) for k, v in value.items() if k != "description"}
    if isinstance(value, list):
        return [_strip_descriptions(v) for v in value]
    return value


def _parse(raw: dict) -> LinkageSchema:
    _require_keys(raw, "$", ("version", "clkConfig", "features"))
    version = raw["version"]
    if version != 3 or isinstance(version, bool):
        raise _fail("version", "only clkhash schema version 3 is supported")
    clk = _object(raw["clkConfig"], "clkConfig")
    _require_keys(clk, "clkConfig", ("l", "kdf"))
    length = _int(clk["l"], "clkConfig.l", minimum=8)
    if length % 8:
        raise _fail("clkConfig.l", "must be a multiple of 8 (filters are stored as bytes)")
    folds = _int(clk.get("xorFolds", 0), "clkConfig.xorFolds", minimum=0)
    if folds > 8:
        raise _fail("clkConfig.xorFolds", "more than 8 folds is not supported")
    kdf_hash, salt, info, key_size = _kdf(clk["kdf"])
    features_raw = raw["features"]
    if not isinstance(features_raw, list) or not features_raw:
        raise _fail("features", "must be a non-empty list")
    features = tuple(_feature(f, f"features[{i}]") for i, f in enumerate(features_raw))
    seen: set[str] = set()
    for i, feature in enumerate(features):
        if feature.identifier in seen:
            raise _fail(f"features[{i}].identifier", "duplicate identifier")
        seen.add(feature.identifier)
    if not any(not f.ignored for f in features):
        raise _fail("features", "at least one feature must be hashed (not ignored)")
    hash_l = length * 2 ** folds
    if any(f.hash_type == "blakeHash" and not f.ignored for f in features) and hash_l & (hash_l - 1):
        raise _fail("clkConfig.l", "blakeHash needs l * 2**xorFolds to be a power of two")
    if any(f.hash_type == "blakeHash" and not f.ignored for f in features) and key_size > 64:
        raise _fail("clkConfig.kdf.keySize", "blakeHash keys can be at most 64 bytes")
    hardening = _hardening(clk.get("tiphub"), features)
    return LinkageSchema(3, length, folds, kdf_hash, salt, info, key_size, features, hardening,
                         raw=raw, fingerprint=fingerprint(raw))


def _kdf(value: Any) -> tuple[str, bytes | None, bytes | None, int]:
    kdf = _object(value, "clkConfig.kdf")
    _require_keys(kdf, "clkConfig.kdf", ("type",))
    if kdf["type"] != "HKDF":
        raise _fail("clkConfig.kdf.type", "only HKDF is supported")
    algo = kdf.get("hash", "SHA256")
    if algo not in KDF_HASHES:
        raise _fail("clkConfig.kdf.hash", "must be SHA256 or SHA512")
    salt = _b64(kdf.get("salt"), "clkConfig.kdf.salt")
    info = _b64(kdf.get("info"), "clkConfig.kdf.info")
    key_size = _int(kdf.get("keySize", DEFAULT_KEY_SIZE), "clkConfig.kdf.keySize", minimum=1)
    return algo, salt, info, key_size


def _hardening(value: Any, features: tuple[Feature, ...]) -> Hardening:
    if value is None:
        return Hardening()
    ext = _object(value, "clkConfig.tiphub")
    unknown = set(ext) - HARDENING_KEYS
    if unknown:
        raise _fail(f"clkConfig.tiphub.{sorted(unknown)[0]}", "unknown tiphub option")
    balance = ext.get("balance", False)
    if not isinstance(balance, bool):
        raise _fail("clkConfig.tiphub.balance", "must be true or false")
    salt = ext.get("recordSalt")
    if salt is not None:
        salt_obj = _object(salt, "clkConfig.tiphub.recordSalt")
        name = salt_obj.get("feature")
        if not isinstance(name, str) or name not in {f.identifier for f in features}:
            raise _fail("clkConfig.tiphub.recordSalt.feature", "must name a feature of this schema")
        salt = name
    return Hardening(record_salt=salt, balance=balance)


def _feature(value: Any, path: str) -> Feature:
    spec = _object(value, path)
    identifier = spec.get("identifier")
    if not isinstance(identifier, str) or not identifier:
        raise _fail(f"{path}.identifier", "must be a non-empty string")
    if spec.get("ignored", False) is True:
        extra = set(spec) - {"identifier", "ignored", "description"}
        if extra:
            raise _fail(f"{path}.{sorted(extra)[0]}", "an ignored feature takes only identifier and "
                        "description")
        return Feature(identifier, ignored=True)
    if "ignored" in spec and not isinstance(spec["ignored"], bool):
        raise _fail(f"{path}.ignored", "must be true or false")
    _require_keys(spec, path, ("format", "hashing"))
    fmt = _format(spec["format"], f"{path}.format")
    hashing = _hashing(spec["hashing"], f"{path}.hashing", fmt)
    return Feature(identifier, **fmt, **hashing)


def _format(value: Any, path: str) -> dict[str, Any]:
    fmt = _object(value, path)
    _require_keys(fmt, path, ("type",))
    kind = fmt["type"]
    if kind not in FORMAT_KEYS:
        raise _fail(f"{path}.type", "must be one of string, integer, date, enum")
    unknown = set(fmt) - FORMAT_KEYS[kind]
    if unknown:
        raise _fail(f"{path}.{sorted(unknown)[0]}", f"not allowed in a {kind} format")
    out: dict[str, Any] = {"kind": kind}
    if kind == "string":
        encoding = fmt.get("encoding", "utf-8")
        if encoding not in ENCODINGS:
            raise _fail(f"{path}.encoding", "must be one of " + ", ".join(ENCODINGS))
        out["encoding"] = encoding
        if "pattern" in fmt:
            if set(fmt) & {"case", "minLength", "maxLength"}:
                raise _fail(path, "a pattern format cannot also set case, minLength or maxLength")
            if not isinstance(fmt["pattern"], str):
                raise _fail(f"{path}.pattern", "must be a string")
            try:
                out["pattern"] = re.compile(fmt["pattern"])
            except re.error:
                raise _fail(f"{path}.pattern", "is not a valid regular expression") from None
        else:
            case = fmt.get("case", "mixed")
            if case not in ("upper", "lower", "mixed"):
                raise _fail(f"{path}.case", "must be upper, lower or mixed")
            out["case"] = case
            if "minLength" in fmt:
                out["min_length"] = _int(fmt["minLength"], f"{path}.minLength", minimum=0)
            if "maxLength" in fmt:
                out["max_length"] = _int(fmt["maxLength"], f"{path}.maxLength", minimum=1)
    elif kind == "integer":
        for key, name in (("minimum", "minimum"), ("maximum", "maximum")):
            if key in fmt:
                out[name] = _int(fmt[key], f"{path}.{key}")
    elif kind == "date":
        _require_keys(fmt, path, ("format",))
        if not isinstance(fmt["format"], str) or "%" not in fmt["format"]:
            raise _fail(f"{path}.format", "must be a strptime format such as %Y-%m-%d")
        out["date_format"] = fmt["format"]
    else:
        _require_keys(fmt, path, ("values",))
        values = fmt["values"]
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise _fail(f"{path}.values", "must be a list of strings")
        out["values"] = frozenset(values)
    return out


def _hashing(value: Any, path: str, fmt: dict[str, Any]) -> dict[str, Any]:
    spec = _object(value, path)
    unknown = set(spec) - HASHING_KEYS
    if unknown:
        raise _fail(f"{path}.{sorted(unknown)[0]}", "not allowed in hashing")
    _require_keys(spec, path, ("comparison", "strategy"))
    out = _comparison(spec["comparison"], f"{path}.comparison")
    strategy = _object(spec["strategy"], f"{path}.strategy")
    if len(strategy) != 1 or next(iter(strategy)) not in ("bitsPerToken", "bitsPerFeature"):
        raise _fail(f"{path}.strategy", "must hold exactly one of bitsPerToken or bitsPerFeature")
    name = next(iter(strategy))
    bits = strategy[name]
    if isinstance(bits, bool) or not isinstance(bits, int) or bits < 1:
        raise _fail(f"{path}.strategy", f"{name} must be a positive integer")
    out.update(strategy=name, bits=bits)
    hash_spec = _object(spec.get("hash", {"type": "blakeHash"}), f"{path}.hash")
    hash_type = hash_spec.get("type")
    if hash_type not in ("blakeHash", "doubleHash"):
        raise _fail(f"{path}.hash.type", "must be blakeHash or doubleHash")
    if "prevent_singularity" in hash_spec:
        if hash_type != "doubleHash":
            raise _fail(f"{path}.hash.prevent_singularity", "only applies to doubleHash")
        if not isinstance(hash_spec["prevent_singularity"], bool):
            raise _fail(f"{path}.hash.prevent_singularity", "must be true or false")
    out.update(hash_type=hash_type, prevent_singularity=bool(hash_spec.get("prevent_singularity")))
    if "missingValue" in spec:
        missing = _object(spec["missingValue"], f"{path}.missingValue")
        _require_keys(missing, f"{path}.missingValue", ("sentinel",))
        for key in ("sentinel", "replaceWith"):
            if key in missing and not isinstance(missing[key], str):
                raise _fail(f"{path}.missingValue.{key}", "must be a string")
        out.update(sentinel=missing["sentinel"], replace_with=missing.get("replaceWith"))
    return out


def _comparison(value: Any, path: str) -> dict[str, Any]:
    comp = _object(value, path)
    kind = comp.get("type")
    if kind == "ngram":
        _require_keys(comp, path, ("n",))
        positional = comp.get("positional", False)
        if not isinstance(positional, bool):
            raise _fail(f"{path}.positional", "must be true or false")
        return {"comparison": "ngram", "n": _int(comp["n"], f"{path}.n", minimum=1),
                "positional": positional}
    if kind == "exact":
        return {"comparison": "exact"}
    if kind == "numeric":
        _require_keys(comp, path, ("thresholdDistance", "resolution"))
        distance = comp["thresholdDistance"]
        if isinstance(distance, bool) or not isinstance(distance, int | float) or distance <= 0:
            raise _fail(f"{path}.thresholdDistance", "must be a number greater than 0")
        precision = _int(comp.get("fractional_precision", 0), f"{path}.fractional_precision", minimum=0)
        if int(round(distance * 10 ** precision)) == 0:
            raise _fail(f"{path}.thresholdDistance", "too small for the fractional_precision")
        return {"comparison": "numeric", "threshold_distance": float(distance),
                "resolution": _int(comp["resolution"], f"{path}.resolution", minimum=1),
                "fractional_precision": precision}
    raise _fail(f"{path}.type", "must be ngram, exact or numeric")


def _object(value: Any, path: str) -> dict:
    if not isinstance(value, dict):
        raise _fail(path, "must be a JSON object")
    return value


def _require_keys(obj: dict, path: str, keys: tuple[str, ...]) -> None:
    for key in keys:
        if key not in obj:
            raise _fail(f"{path}.{key}" if path != "$" else key, "is required")


def _int(value: Any, path: str, *, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(path, "must be an integer")
    if minimum is not None and value < minimum:
        raise _fail(path, f"must be at least {minimum}")
    return value


def _b64(value: Any, path: str) -> bytes | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _fail(path, "must be a base64 string")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise _fail(path, "is not valid base64") from None


# -- leak checks --------------------------------------------------------------------------


def expected_density(schema: LinkageSchema, tokens: Mapping[str, float] | None = None) -> float:
    """Rough share of bits set, assuming ``tokens[identifier]`` tokens per feature (default 8)."""
    inserted = 0.0
    for f in schema.encoded:
        count = (tokens or {}).get(f.identifier, _typical_tokens(f))
        inserted += f.bits if f.strategy == "bitsPerFeature" else f.bits * count
    density = 1.0 - math.exp(-inserted / schema.hash_l)
    for _ in range(schema.xor_folds):
        density = 2 * density * (1 - density)
    return density


def _typical_tokens(f: Feature) -> float:
    if f.comparison == "exact":
        return 1.0
    if f.comparison == "numeric":
        return 2.0 * f.resolution + 1
    if f.pattern is not None:
        return 6.0
    if f.kind == "date":
        return 8.0 - f.n + 1 + (2 * (f.n - 1) if f.n > 1 else 0)
    return 7.0 + (f.n - 1)


def check_schema(schema: LinkageSchema) -> list[str]:
    """Plain-language warnings for schemas whose encodings are easy to attack or useless."""
    warnings: list[str] = []
    encoded = schema.encoded
    if len(encoded) == 1:
        warnings.append(
            f"only one identifying feature ({encoded[0].identifier}) goes into the filter: each "
            "encoding is then a keyed hash of that one value, and frequency attacks can recover "
            "common values (e.g. common names). Encode several fields into one filter.")
    if schema.l < 512:
        warnings.append(f"the filter has only {schema.l} bits: with so few bits, different people "
                        "collide and patterns are easy to tabulate; use 1024 or more.")
    for f in encoded:
        if f.strategy == "bitsPerToken" and f.bits < 2:
            warnings.append(f"feature {f.identifier} sets only {f.bits} bit per token: a single bit "
                            "per q-gram is easy to map back to the q-gram by frequency analysis.")
        if f.strategy == "bitsPerFeature" and f.bits < 10:
            warnings.append(f"feature {f.identifier} has a budget of only {f.bits} bits: it "
                            "barely contributes to matching.")
        if f.hash_type == "doubleHash":
            warnings.append(f"feature {f.identifier} uses doubleHash, which Kroll & Steinmetzer "
                            "(2015) broke by pattern mining; prefer blakeHash.")
    density = expected_density(schema)
    if density < 0.1:
        warnings.append(f"filters will be very sparse (about {density:.0%} of bits set): few tokens "
                        "per filter make bit patterns rare and easy to attribute; raise the bit "
                        "budgets or shorten the filter.")
    elif density > 0.8 and not schema.hardening.balance:
        warnings.append(f"filters will be very dense (about {density:.0%} of bits set): different "
                        "people will look alike; lower the bit budgets or lengthen the filter.")
    return warnings


DEFAULT_SCHEMA_FILE = Path(__file__).parent / "data" / "htcds_schema.json"


def default_schema() -> LinkageSchema:
    """tiphub's schema for HTCDS person rows (fields prepared by :mod:`.normalise`)."""
    return load_schema(DEFAULT_SCHEMA_FILE)
