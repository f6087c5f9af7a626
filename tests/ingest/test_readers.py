"""Readers: encodings, delimiters, spreadsheets and their artefacts."""

from __future__ import annotations

import codecs
from datetime import datetime

import pytest
from factories import CTDC_SYNTHETIC, ctdc_csv, ctdc_row

from tiphub import FileRejected, Hub
from tiphub.ingest.readers import DATE_MARK, FORMULA_MARK, open_table, sniff_encoding


@pytest.fixture
def hub_org(hub: Hub) -> Hub:
    hub.add_organisation("o", "O")
    return hub


@pytest.mark.parametrize("encoding,bom", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("latin-1", b""), ("utf-16-le", codecs.BOM_UTF16_LE),
])
def test_encodings_are_detected(hub_org: Hub, write, encoding: str, bom: bytes) -> None:
    text = ctdc_csv([ctdc_row(), ctdc_row(gender="Man")], delimiter="\t" if "16" in encoding else ",")
    path = write("e.csv", bom + text.encode(encoding))
    report = hub_org.import_file(path, org="o")
    assert (report.rows_accepted, report.rows_quarantined) == (2, 0)


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters_are_detected(hub_org: Hub, write, delimiter: str) -> None:
    report = hub_org.import_file(write("d.csv", ctdc_csv([ctdc_row()], delimiter=delimiter)), org="o")
    assert report.rows_accepted == 1


def test_ragged_rows_are_quarantined(hub_org: Hub, write) -> None:
    text = ctdc_csv([ctdc_row()]) + "2020,Woman\n" + ctdc_csv([ctdc_row()]).split("\n", 1)[1]
    report = hub_org.import_file(write("r.csv", text), org="o")
    assert (report.rows_accepted, report.rows_quarantined) == (2, 1)
    assert report.problems[0].rule == "ragged-row" and report.problems[0].row == 2


def test_json_and_jsonl(hub_org: Hub, write) -> None:
    import json

    rows = [ctdc_row(), ctdc_row(gender="Man")]
    a = hub_org.import_file(write("a.json", json.dumps({"records": rows})), org="o")
    b = hub_org.import_file(write("b.jsonl", "\n".join(json.dumps(r) for r in rows)), org="o")
    assert a.rows_accepted == b.rows_accepted == 2


def test_xlsx_with_formulas_and_date_artefacts(hub_org: Hub, tmp_path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(CTDC_SYNTHETIC)
    good = ctdc_row()
    sheet.append([int(good[h]) if h == "yearOfRegistration" else good[h] for h in CTDC_SYNTHETIC])
    formula = dict(good, yearOfRegistration="=2019+1")
    sheet.append([formula[h] for h in CTDC_SYNTHETIC])
    dated = [good[h] for h in CTDC_SYNTHETIC]
    dated[0] = datetime(2020, 1, 5)
    sheet.append(dated)
    path = tmp_path / "book.xlsx"
    book.save(path)
    report = hub_org.import_file(path, org="o")
    assert report.rows_accepted == 1
    assert {(p.row, p.rule) for p in report.problems} == {(2, "formula"), (3, "excel-date")}


def test_cell_markers_and_sniffing(write) -> None:
    assert sniff_encoding(b"abc\xe9,") == "latin-1"
    assert sniff_encoding(codecs.BOM_UTF8 + b"a") == "utf-8-sig"
    assert FORMULA_MARK.startswith("\x00") and DATE_MARK.startswith("\x00")
    with pytest.raises(FileRejected, match="file not found"):
        open_table(write("x.csv", "a").with_name("missing.csv"))


def test_invalid_utf8_after_the_sample_is_reported(hub_org: Hub, write) -> None:
    head = ctdc_csv([ctdc_row() for _ in range(3000)]).encode()
    tail = ctdc_csv([ctdc_row(citizenship="FRA")]).split("\n", 1)[1].encode().replace(b"FRA", b"F\xe9A")
    with pytest.raises(FileRejected, match="not valid utf-8"):
        hub_org.import_file(write("late.csv", head + tail), org="o")
    assert hub_org.summary()["case_records"] == 0


def test_semicolons_inside_cells_do_not_fool_the_delimiter_sniffer(hub_org: Hub, write) -> None:
    text = ("prs_Id,prs_Gender,vic_MethodsOfControl,hte_ExploitationCountry\n"
            "a,Feminine,DebtBondage;PhysicalThreats;FalsePromises;TakesEarnings;SexualAbuse;Other,PL\n"
            "b,Masculine,,PL\n")
    report = hub_org.import_file(write("m.csv", text), org="o")
    assert (report.profile, report.rows_accepted) == ("htcds", 2)


def test_unknown_htcds_columns_are_withheld_not_stored(hub_org: Hub, write) -> None:
    text = "prs_Id,prs_Gender,prs_Nickname,cco_Comment\na,Feminine,Lena,met at the station\n"
    report = hub_org.import_file(write("u.csv", text), org="o")
    assert set(report.withheld_columns) == {"prs_Nickname", "cco_Comment"}
    from sqlalchemy import select

    from tiphub.store.schema import case_records

    with hub_org.db.connect() as conn:
        assert conn.execute(select(case_records.c.extra)).scalar_one() is None


def test_bad_encoding_name_and_damaged_workbook(hub_org: Hub, write, tmp_path) -> None:
    import zipfile

    from tiphub import InvalidInput

    with pytest.raises(InvalidInput, match="encoding"):
        hub_org.import_file(write("a.csv", ctdc_csv([ctdc_row()])), org="o", encoding="bogus")
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types")
        z.writestr("xl/workbook.xml", "<workbook><sheets><sheet")
    with pytest.raises(FileRejected, match="xlsx"):
        hub_org.import_file(path, org="o")
