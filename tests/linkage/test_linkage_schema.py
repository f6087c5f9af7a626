"""Parsing, validating, fingerprinting and leak-checking clkhash v3 linkage schemas."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from tiphub.errors import InvalidInput
from tiphub.linkage.schema import check_schema, default_schema, fingerprint, load_schema

DATA = Path(__file__).parent / "data"
FEBRL = DATA / "febrl_schema.json"


@pytest.fixture()
def febrl() -> dict:
    return json.loads(FEBRL.read_text())


def test_febrl_schema_parses_from_path_text_and_dict(febrl):
    by_path = load_schema(FEBRL)
    assert load_schema(str(FEBRL)) == by_path
    assert load_schema(FEBRL.read_text()) == by_path
    assert load_schema(febrl) == by_path
    assert by_path.l == 1024 and by_path.width_bytes == 128 and by_path.xor_folds == 0
    assert by_path.features[0].ignored and len(by_path.encoded) == 10
    assert by_path.features[3].positional and by_path.features[3].n == 1


def test_fingerprint_is_short_stable_and_ignores_descriptions(febrl):
    fp = load_schema(febrl).fingerprint
    assert len(fp) == 16 and int(fp, 16) >= 0
    reordered = json.loads(json.dumps(febrl, sort_keys=True))
    assert fingerprint(reordered) == fp
    reworded = copy.deepcopy(febrl)
    reworded["features"][0]["description"] = "another comment"
    assert load_schema(reworded).fingerprint == fp
    changed = copy.deepcopy(febrl)
    changed["features"][1]["hashing"]["strategy"]["bitsPerToken"] = 16
    assert load_schema(changed).fingerprint != fp


@pytest.mark.parametrize(("edit", "message"), [
    (lambda s: s["features"][3]["hashing"].update(strategy={"bitsPerToken": 0}),
     "features[3].hashing.strategy: bitsPerToken must be a positive integer"),
    (lambda s: s["features"][1]["hashing"].update(strategy={"bitsPerToken": 2, "bitsPerFeature": 9}),
     "features[1].hashing.strategy: must hold exactly one of bitsPerToken or bitsPerFeature"),
    (lambda s: s.update(version=2), "version: only clkhash schema version 3"),
    (lambda s: s.pop("clkConfig"), "clkConfig: is required"),
    (lambda s: s["clkConfig"].update(l=1000), "clkConfig.l: blakeHash needs"),
    (lambda s: s["clkConfig"]["kdf"].update(salt="not base64!"), "clkConfig.kdf.salt: is not valid base64"),
    (lambda s: s["clkConfig"]["kdf"].update(hash="MD5"), "clkConfig.kdf.hash"),
    (lambda s: s["features"][3]["format"].update(pattern="[0-9"), "features[3].format.pattern"),
    (lambda s: s["features"][1]["format"].update(colour="red"), "features[1].format.colour"),
    (lambda s: s["features"][1]["hashing"]["comparison"].update(type="soundex"),
     "features[1].hashing.comparison.type"),
    (lambda s: s["features"][1]["hashing"].update(hash={"type": "blakeHash", "prevent_singularity": True}),
     "features[1].hashing.hash.prevent_singularity"),
    (lambda s: s["features"][2].update(identifier="given_name"), "features[2].identifier: duplicate"),
    (lambda s: s["features"][0].update(format={"type": "string"}), "features[0].format"),
    (lambda s: s["clkConfig"].update(tiphub={"colour": 1}), "clkConfig.tiphub.colour"),
    (lambda s: s["clkConfig"].update(tiphub={"recordSalt": {"feature": "nope"}}),
     "clkConfig.tiphub.recordSalt.feature"),
    (lambda s: s.update(features=[s["features"][0]]), "features: at least one feature must be hashed"),
])
def test_invalid_schemas_name_the_json_path(febrl, edit, message):
    edit(febrl)
    with pytest.raises(InvalidInput) as err:
        load_schema(febrl)
    assert message in str(err.value)


def test_unreadable_sources_are_invalid_input(tmp_path):
    with pytest.raises(InvalidInput, match="cannot read"):
        load_schema(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json")
    with pytest.raises(InvalidInput, match="not valid JSON"):
        load_schema(bad)
    with pytest.raises(InvalidInput, match="JSON object"):
        load_schema([1, 2])  # type: ignore[arg-type]


def test_tiphub_extension_parses(febrl):
    febrl["clkConfig"]["tiphub"] = {"balance": True, "recordSalt": {"feature": "state"}}
    schema = load_schema(febrl)
    assert schema.hardening.balance and schema.hardening.record_salt == "state"
    assert schema.width_bits == 2048 and schema.width_bytes == 256


def test_every_extra_vector_schema_is_accepted():
    cases = json.loads((DATA / "clkhash_extra_vectors.json").read_text())["cases"]
    for case in cases.values():
        load_schema(case["schema"])


def test_check_schema_flags_leaky_schemas(febrl):
    assert check_schema(default_schema()) == []
    single = copy.deepcopy(febrl)
    single["features"] = febrl["features"][:2]
    warnings = check_schema(load_schema(single))
    assert any("only one identifying feature" in w for w in warnings)
    tiny = copy.deepcopy(febrl)
    tiny["clkConfig"]["l"] = 256
    for f in tiny["features"][1:]:
        f["hashing"]["strategy"] = {"bitsPerToken": 1}
    warnings = check_schema(load_schema(tiny))
    assert any("only 256 bits" in w for w in warnings)
    assert any("1 bit per token" in w for w in warnings)
    sparse = copy.deepcopy(febrl)
    sparse["clkConfig"]["l"] = 8192
    for f in sparse["features"][1:]:
        f["hashing"]["strategy"] = {"bitsPerToken": 2}
    assert any("very sparse" in w for w in check_schema(load_schema(sparse)))
    dense = copy.deepcopy(febrl)
    for f in dense["features"][1:]:
        f["hashing"]["strategy"] = {"bitsPerToken": 60}
    assert any("very dense" in w for w in check_schema(load_schema(dense)))


def test_default_schema_matches_the_normaliser():
    from tiphub.linkage.normalise import FEATURES

    schema = default_schema()
    assert schema.identifiers == FEATURES
    assert not schema.hardening.balance and schema.hardening.record_salt is None
