"""The encoder reproduces clkhash bit for bit, derives keys by RFC 5869, and hardens on request."""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path

import numpy as np
import pytest

from tiphub.errors import ConfigError, InvalidInput
from tiphub.linkage.encoding import (
    Encoder,
    EncodeStats,
    derive_keys,
    double_hash_indices,
    hkdf,
    read_secret,
)
from tiphub.linkage.schema import load_schema

DATA = Path(__file__).parent / "data"
VECTORS = json.loads((DATA / "vectors.json").read_text())
EXTRA = json.loads((DATA / "clkhash_extra_vectors.json").read_text())
FEBRL = load_schema(DATA / "febrl_schema.json")


def b64(row: np.ndarray) -> str:
    return base64.b64encode(row.tobytes()).decode()


def dice(a: np.ndarray, b: np.ndarray) -> float:
    x, y = np.unpackbits(a), np.unpackbits(b)
    return 2 * int((x & y).sum()) / int(x.sum() + y.sum())


def test_rfc5869_test_case_1():
    okm = hkdf(bytes([0x0B] * 22), 42, salt=bytes(range(13)), info=bytes(range(0xF0, 0xFA)))
    assert okm.hex() == ("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
                         "34007208d5b887185865")


def test_derived_keys_match_clkhash():
    keys = derive_keys(FEBRL, VECTORS["secret"])
    for feature, pair in zip(FEBRL.features, keys, strict=True):
        assert [k.hex() for k in pair] == VECTORS["derived_keys_hex"][feature.identifier]
    assert derive_keys(FEBRL, VECTORS["secret"].encode()) == keys


def test_clkhash_vectors_bit_for_bit():
    encoder = Encoder(FEBRL, VECTORS["secret"])
    rows = [v["row"] for v in VECTORS["vectors"]]
    by_mapping = encoder.encode(rows)
    by_sequence = Encoder(FEBRL, VECTORS["secret"]).encode([list(r.values()) for r in rows])
    assert by_mapping.dtype == np.uint8 and by_mapping.shape == (5, 128)
    for got, again, vector in zip(by_mapping, by_sequence, VECTORS["vectors"], strict=True):
        assert b64(got) == vector["clk_base64"]
        assert b64(again) == vector["clk_base64"]
        assert int(np.unpackbits(got).sum()) == vector["popcount"]
    assert dice(by_mapping[0], by_mapping[1]) == pytest.approx(VECTORS["dice_vector0_vector1"])


def test_per_field_clks_match():
    """Each feature alone (others empty) gives clkhash's per-field filter."""
    encoder = Encoder(FEBRL, VECTORS["secret"])
    vector = VECTORS["vectors"][0]
    for name, field in vector["per_field"].items():
        row = {k: (v if k == name else "") for k, v in vector["row"].items()}
        assert b64(encoder.encode([row])[0]) == field["clk_base64"], name


@pytest.mark.parametrize("case", sorted(EXTRA["cases"]))
def test_extra_clkhash_vectors(case):
    spec = EXTRA["cases"][case]
    schema = copy.deepcopy(spec["schema"])
    schema["clkConfig"].pop("tiphub", None)  # clkhash ignores it; so must a plain encoding
    bits = Encoder(load_schema(schema), EXTRA["secret"]).encode(spec["rows"])
    assert [b64(b) for b in bits] == spec["clk_base64"]


def test_cache_does_not_change_results():
    rows = [v["row"] for v in VECTORS["vectors"]]
    encoder = Encoder(FEBRL, VECTORS["secret"])
    first = encoder.encode(rows)
    assert np.array_equal(encoder.encode(rows[::-1])[::-1], first)
    assert np.array_equal(Encoder(FEBRL, VECTORS["secret"]).encode(rows * 3)[10:], first)


def test_non_singular_double_hash_never_collapses():
    keys = (b"k" * 64, b"m" * 64)
    for i in range(64):
        token = f"t{i}".encode()
        singular = double_hash_indices(token, 4, keys, 2, non_singular=False)
        fixed = double_hash_indices(token, 4, keys, 2, non_singular=True)
        if len(set(singular)) == 1:
            assert set(fixed) == {0, 1}
            return
    pytest.fail("no singular token found")


def test_invalid_and_missing_values_are_counted_not_raised():
    stats = EncodeStats()
    row = dict(VECTORS["vectors"][0]["row"], postcode="42x", state="")
    empty = {k: "" for k in row}
    bits = Encoder(FEBRL, VECTORS["secret"]).encode([row, empty], stats)
    assert stats.rows == 2 and stats.invalid["postcode"] == 1
    assert stats.missing["state"] == 2 and stats.missing["given_name"] == 1
    assert stats.unusable == [1] and not bits[1].any()
    assert 0 < stats.mean_density < 0.5


def test_wrong_row_length_names_no_values():
    with pytest.raises(InvalidInput) as err:
        Encoder(FEBRL, VECTORS["secret"]).encode([["rec-1", "michaela"]])
    assert "michaela" not in str(err.value) and "record 1 has 2 values" in str(err.value)


def test_read_secret(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        read_secret(tmp_path / "nope")
    short = tmp_path / "short"
    short.write_bytes(b"hunter2\n")
    with pytest.raises(ConfigError, match="too short") as err:
        read_secret(short)
    assert "hunter2" not in str(err.value)
    good = tmp_path / "secret"
    good.write_bytes(b"a-long-enough-shared-secret\r\n")
    assert read_secret(good) == b"a-long-enough-shared-secret"


def _hardened(**tiphub) -> Encoder:
    schema = copy.deepcopy(FEBRL.raw)
    schema["clkConfig"]["tiphub"] = tiphub
    return Encoder(load_schema(schema), VECTORS["secret"])


def test_record_salt_changes_bits_across_salts_only():
    encoder = _hardened(recordSalt={"feature": "date_of_birth"})
    a = dict(VECTORS["vectors"][0]["row"])
    b = dict(a, date_of_birth="19800101")
    c = dict(a, soc_sec_id="1234567")
    plain = Encoder(FEBRL, VECTORS["secret"])
    salted = encoder.encode([a, b, c])
    unsalted = plain.encode([a, b, c])
    assert not np.array_equal(salted[0], unsalted[0])
    # same salt: similarity survives; different salt: the shared name no longer shares bits
    assert dice(salted[0], salted[2]) > 0.7
    assert dice(unsalted[0], unsalted[1]) > 0.8
    assert dice(salted[0], salted[1]) < 0.7


def test_balanced_filters_have_half_their_bits_set():
    encoder = _hardened(balance=True)
    rows = [v["row"] for v in VECTORS["vectors"]]
    bits = encoder.encode(rows)
    assert bits.shape == (5, 256)
    assert (np.unpackbits(bits, axis=1).sum(axis=1) == 1024).all()
    assert np.array_equal(_hardened(balance=True).encode(rows), bits)  # same key, same permutation
    plain = Encoder(FEBRL, VECTORS["secret"]).encode(rows)
    # balanced Dice = 1 - Hamming / l of the plain filters
    hamming = int(np.unpackbits(plain[0] ^ plain[1]).sum())
    assert dice(bits[0], bits[1]) == pytest.approx(1 - hamming / 1024)
    other = load_schema(dict(copy.deepcopy(FEBRL.raw), clkConfig=dict(FEBRL.raw["clkConfig"], tiphub={
        "balance": True})))
    assert not np.array_equal(Encoder(other, b"another-secret-of-some-length").encode(rows[:1]),
                              Encoder(other, b"another-secret-of-some-lengtH").encode(rows[:1]))
