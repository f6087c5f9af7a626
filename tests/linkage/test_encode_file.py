"""Encoding a people file: identifying columns out, clk + clk_schema in, nothing half-written."""

from __future__ import annotations

import base64
import csv
import json
from pathlib import Path

import numpy as np
import pytest

from tiphub.errors import FileRejected, InvalidInput
from tiphub.linkage.encode_file import encode_file, read_encodings
from tiphub.linkage.schema import default_schema, load_schema

DATA = Path(__file__).parent / "data"
VECTORS = json.loads((DATA / "vectors.json").read_text())
SECRET = b"a-test-secret-of-some-length"
HEADER = ["prs_Id", "prs_FirstName", "prs_MiddleName", "prs_SecondName", "prs_Birthdate",
          "prs_DocumentNumber", "prs_Gender", "prs_Citizenship", "vic_TypeOfExploitation", "prs_Email"]
ROWS = [
    ["A-1", "Asmaa", "", "Hasan", "1990-05-06", "P 123", "Feminine", "SD", "ForcedLabour", "a@b.c"],
    ["A-2", "", "", "", "", "", "Masculine", "GBR", "SexualExploitation", ""],
    ["A-3", "Ivan", "", "Petrenko", "not a date", "", "", "UA", "", ""],
]


def write_csv(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter=delimiter).writerows([header, *rows])
    return path


def test_htcds_file_gets_clks_instead_of_identifiers(tmp_path):
    people = write_csv(tmp_path / "people.csv", HEADER, ROWS, delimiter=";")
    seen = []
    report = encode_file(people, tmp_path / "out.csv", secret=SECRET, progress=lambda a, b: seen.append(b))
    with (tmp_path / "out.csv").open(newline="") as fh:
        out = list(csv.DictReader(fh))
    assert list(out[0]) == ["prs_Id", "prs_Gender", "prs_Citizenship", "vic_TypeOfExploitation", "clk",
                            "clk_schema"]
    assert [r["prs_Id"] for r in out] == ["A-1", "A-2", "A-3"]
    assert [len(base64.b64decode(r["clk"])) for r in out] == [128, 0, 128]
    assert {r["clk_schema"] for r in out} == {default_schema().fingerprint}
    text = (tmp_path / "out.csv").read_text()
    assert "Asmaa" not in text and "1990" not in text and "a@b.c" not in text
    assert (report.rows, report.encoded, report.mode) == (3, 2, "htcds")
    assert report.unusable_rows == [2]  # sex and citizenship alone would merge strangers
    assert report.missing["name"] == 1 and report.missing["birth_daymonth"] == 2
    assert 0 < report.mean_density < 0.5 and seen
    assert "prs_Email" in report.dropped_columns
    assert "2 of 3 rows encoded" in report.summary()


def test_jsonl_output_and_read_back(tmp_path):
    people = write_csv(tmp_path / "people.csv", HEADER, ROWS)
    encode_file(people, tmp_path / "out.jsonl", schema=default_schema(), secret=SECRET)
    records, bits = read_encodings(tmp_path / "out.jsonl")
    assert bits.shape == (3, 128) and bits.dtype == np.uint8
    assert records[0]["prs_Id"] == "A-1" and "clk" not in records[0]
    records_csv, bits_csv = read_encodings(
        encode_file(people, tmp_path / "out.csv", secret=SECRET).out)
    assert np.array_equal(bits, bits_csv)


def test_febrl_file_reproduces_clkhash(tmp_path):
    vectors = VECTORS["vectors"]
    header = list(vectors[0]["row"])
    lines = [", ".join(header)] + [", ".join(v["row"].values()) for v in vectors]
    people = tmp_path / "febrl.csv"
    people.write_text("\n".join(lines) + "\n")
    report = encode_file(people, tmp_path / "febrl.jsonl", schema=DATA / "febrl_schema.json",
                         secret=VECTORS["secret"].encode())
    records, bits = read_encodings(tmp_path / "febrl.jsonl")
    assert [base64.b64encode(b.tobytes()).decode() for b in bits] == [v["clk_base64"] for v in vectors]
    assert list(records[0]) == ["rec_id", "clk_schema"]  # every other column is a feature
    assert report.mode == "columns" and report.schema_fingerprint == load_schema(
        DATA / "febrl_schema.json").fingerprint


def test_row_without_any_identifier_is_reported(tmp_path):
    rows = [*ROWS, ["A-4", "", "", "", "", "", "", "", "Other", ""]]
    report = encode_file(write_csv(tmp_path / "p.csv", HEADER, rows), tmp_path / "o.csv", secret=SECRET)
    assert report.unusable_rows == [2, 4]
    assert "no usable identifier (rows 2, 4)" in report.summary()


def test_failures_leave_nothing_behind_and_echo_no_values(tmp_path):
    rows = [*ROWS, ["A-9", "Secretname", "", "", "", "", "", "", "", "", "extra-cell"]]
    people = write_csv(tmp_path / "p.csv", HEADER, rows)
    with pytest.raises(FileRejected) as err:
        encode_file(people, tmp_path / "out" / "o.csv", secret=SECRET)
    assert "Secretname" not in str(err.value) and "row 4" in str(err.value)
    assert list((tmp_path / "out").iterdir()) == []


def test_bad_arguments(tmp_path):
    people = write_csv(tmp_path / "p.csv", HEADER, ROWS)
    with pytest.raises(InvalidInput, match=".csv or .jsonl"):
        encode_file(people, tmp_path / "o.xlsx", secret=SECRET)
    with pytest.raises(InvalidInput, match="no id column"):
        encode_file(people, tmp_path / "o.csv", secret=SECRET, id_column="nope")
    with pytest.raises(InvalidInput, match="identifying"):
        encode_file(people, tmp_path / "o.csv", secret=SECRET, id_column="prs_FirstName")
    other = write_csv(tmp_path / "other.csv", ["id", "colour"], [["1", "red"]])
    with pytest.raises(FileRejected, match="no HTCDS name column"):
        encode_file(other, tmp_path / "o.csv", secret=SECRET)
    with pytest.raises(FileRejected, match="no column for schema feature 'given_name'"):
        encode_file(other, tmp_path / "o.csv", secret=SECRET, schema=DATA / "febrl_schema.json")


@pytest.mark.slow
def test_demo_true_matches_separate_from_non_matches(tmp_path):
    """Regression floor for the default schema on the demo (measured: best F1 about 0.72)."""
    from tiphub.demo.generate import generate_demo

    manifest = generate_demo(tmp_path / "demo", seed=2024, people=1200, global_rows=10)
    orgs = ["police", "shelter", "hotline", "labour", "immigration"]
    with manifest.truth.open(newline="") as fh:
        truth = {(r["org"], r["prs_Id"]): r["person_id"] for r in csv.DictReader(fh)}
    parts, party, person = [], [], []
    for k, org in enumerate(orgs):
        encode_file(manifest.files[org], tmp_path / f"{org}.jsonl", secret=SECRET)
        records, bits = read_encodings(tmp_path / f"{org}.jsonl")
        parts.append(bits)
        party += [k] * len(records)
        person += [truth[(org, r["prs_Id"])] for r in records]
    b = np.unpackbits(np.vstack(parts), axis=1).astype(np.float32)
    pop = b.sum(axis=1)
    scores = 2 * (b @ b.T) / (pop[:, None] + pop[None, :])
    party_a, person_a = np.array(party), np.array(person)
    i, j = np.triu_indices(len(person), 1)
    cross = party_a[i] != party_a[j]
    i, j = i[cross], j[cross]
    same = person_a[i] == person_a[j]
    s = scores[i, j]
    assert np.median(s[same]) > 0.8 > np.quantile(s[~same], 0.999)


def test_xlsx_people_file(tmp_path):
    from datetime import datetime

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["A-1", "Asmaa", "", "Hasan", datetime(1990, 5, 6), "P 123", "Feminine", "SD",
                  "ForcedLabour", ""])
    book.save(tmp_path / "people.xlsx")
    write_csv(tmp_path / "people.csv", HEADER, ROWS[:1])
    from_xlsx = encode_file(tmp_path / "people.xlsx", tmp_path / "x.csv", secret=SECRET).out
    from_csv = encode_file(tmp_path / "people.csv", tmp_path / "c.csv", secret=SECRET).out
    assert np.array_equal(read_encodings(from_xlsx)[1], read_encodings(from_csv)[1])
