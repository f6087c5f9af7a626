"""Preparing HTCDS person fields: one comparable form whatever the script, order or spelling."""

from __future__ import annotations

import numpy as np
import pytest

from tiphub.ingest.readers import DATE_MARK
from tiphub.linkage.encoding import Encoder
from tiphub.linkage.normalise import (
    FEATURES,
    name_parts,
    prepare_birthdate,
    prepare_citizenship,
    prepare_document,
    prepare_htcds,
    prepare_name,
    prepare_sex,
    skeleton,
)
from tiphub.linkage.schema import default_schema


def test_name_parts_transliterate_and_clean():
    assert name_parts("Mr. Ștefan-Ionuț") == ("stefan", "ionut")
    assert name_parts("Дмитрий") == ("dmitriy",)
    assert name_parts("王小明") == ("wang", "xiao", "ming")
    assert name_parts("O'Brien,  Nguyễn") == ("obrien", "nguyen")
    assert name_parts("") == ()


def test_name_is_order_and_field_insensitive():
    assert prepare_name("Asmaa", "", "Hasan") == prepare_name("Hasan", "Asmaa", "")
    assert prepare_name("Gentian", "Gentian", "Meta") == prepare_name("Gentian", "", "META")


@pytest.mark.parametrize(("latin", "native"), [
    (("Asmaa", "", "Hasan"), ("أسماء", "", "حسن")),
    (("Mahmoud", "", "Youssef"), ("محمود", "", "يوسف")),
    (("Al-Hassan", "", ""), ("الحسن", "", "")),
    (("Mariia", "", "Moroz"), ("Марія", "", "Мороз")),
])
def test_skeleton_bridges_scripts(latin, native):
    assert prepare_name(*latin)[1] == prepare_name(*native)[1]


def test_skeleton_merges_spelling_variants():
    assert skeleton("volodymyr") == skeleton("wolodymyr")
    assert skeleton("fatimah") == skeleton("fatima")
    assert skeleton("khadija") == skeleton("khadidja")


def test_birthdate_survives_swaps_and_placeholders():
    assert prepare_birthdate("1992-03-11") == ("1992", "0311")
    assert prepare_birthdate("1992-11-03") == ("1992", "0311")
    assert prepare_birthdate("1992-01-01") == ("1992", "")
    assert prepare_birthdate(DATE_MARK + "1992-03-11T00:00:00") == ("1992", "0311")
    assert prepare_birthdate("11/03/1992") == ("", "")
    assert prepare_birthdate("1992-13-40") == ("1992", "")


def test_sex_citizenship_document():
    sexes = ("Feminine", "masculine", "NonSpecifiedUnknown", "")
    assert [prepare_sex(v) for v in sexes] == ["f", "m", "", ""]
    assert prepare_citizenship("AL") == prepare_citizenship("alb") == "ALB"
    assert prepare_citizenship("") == prepare_citizenship("ZZ") == ""
    assert prepare_document(" ab-12 345 ") == "AB12345"


def test_prepare_htcds_gives_the_schema_features():
    row = {"prs_FirstName": "Asmaa", "prs_SecondName": "Hasan", "prs_Birthdate": "1990-05-06",
           "prs_Gender": "Feminine", "prs_Citizenship": "SD", "prs_DocumentNumber": "p 123"}
    prepared = prepare_htcds(row)
    assert tuple(prepared) == FEATURES
    assert prepared["citizenship"] == "SDN" and prepared["birth_year"] == "1990"
    assert prepare_htcds({})["name"] == ""


def test_default_schema_encodes_variants_alike():
    encoder = Encoder(default_schema(), b"a-test-secret-of-some-length")
    base = {"prs_FirstName": "Asmaa", "prs_SecondName": "Hasan", "prs_Birthdate": "1990-05-06",
            "prs_Gender": "Feminine", "prs_Citizenship": "SDN"}
    variants = [
        dict(base, prs_FirstName="Hasan", prs_SecondName="Asmaa", prs_Citizenship="SD"),
        dict(base, prs_Birthdate="1990-06-05"),
        dict(base, prs_FirstName="أسماء", prs_SecondName="حسن"),
        dict(base, prs_FirstName="Ahmed", prs_SecondName="Ali", prs_Birthdate="1971-02-03"),
    ]
    bits = np.unpackbits(encoder.encode([prepare_htcds(r) for r in [base, *variants]]), axis=1)
    pop = bits.sum(axis=1)
    scores = [2 * (bits[0] & b).sum() / (pop[0] + b.sum()) for b in bits[1:]]
    assert scores[0] == scores[1] == 1.0
    assert scores[2] > 0.7 > scores[3]
