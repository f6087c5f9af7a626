"""Importing through the Hub: profiles, validation, quarantine, idempotency, atomicity."""

from __future__ import annotations

import json

import pytest
from factories import ctdc_csv, ctdc_row, glotip_csv, htcds_csv

from tiphub import FileRejected, Hub, NotFound


@pytest.fixture
def org(any_hub: Hub) -> str:
    any_hub.add_organisation("ngo-a", "NGO A", type="NGO", country="POL")
    return "ngo-a"


def test_ctdc_synthetic_rows_are_stored_with_their_meaning(any_hub: Hub, org: str, write) -> None:
    rows = [
        ctdc_row(isSexualExploit="1", typeOfSexProstitution="1", meansThreats="1"),
        ctdc_row(gender="Man", ageBroad="9--17", isForcedLabour="1",
                 typeOfLabourAgriculture="1", traffickMonths="13--24 (1-2 yrs)"),
        ctdc_row(ageBroad="48+"),  # no form recorded: stays out of the forms denominator
    ]
    report = any_hub.import_file(write("s.csv", ctdc_csv(rows)), org=org)
    assert (report.profile, report.rows_total, report.rows_accepted) == ("ctdc-synthetic", 3, 3)
    assert report.rows_quarantined == 0 and report.problems == []
    forms = any_hub.stats("forms")
    codes = [r.code for r in forms.rows]
    assert codes == ["forced_labour", "sexual_exploitation"]


def test_bad_rows_are_quarantined_and_reported_without_values(any_hub: Hub, org: str, write) -> None:
    rows = [ctdc_row(), ctdc_row(gender="Robot"), ctdc_row(yearOfRegistration="2099"),
            ctdc_row(citizenship="Atlantis-secret-name")]
    report = any_hub.import_file(write("bad.csv", ctdc_csv(rows)), org=org)
    assert (report.rows_accepted, report.rows_quarantined) == (1, 3)
    found = {(p.row, p.column, p.rule) for p in report.problems}
    assert found == {(2, "gender", "unknown-code"), (3, "yearOfRegistration", "future-year"),
                     (4, "citizenship", "unknown-code")}
    gender = next(p for p in report.problems if p.column == "gender")
    assert "Woman" in gender.accepted and "Man" in gender.accepted
    dumped = report.model_dump_json()
    assert "Robot" not in dumped and "Atlantis" not in dumped and "2099" not in dumped
    held = any_hub.quarantine(report.submission_id)
    assert [q["row"] for q in held] == [2, 3, 4]
    assert held[0]["values"]["gender"] == "Robot"


def test_reimport_is_idempotent_and_replacement_is_atomic(any_hub: Hub, org: str, write) -> None:
    path = write("a.csv", ctdc_csv([ctdc_row(), ctdc_row(gender="Robot")]))
    first = any_hub.import_file(path, org=org)
    again = any_hub.import_file(path, org=org)
    assert again.already_imported and again.submission_id == first.submission_id
    assert [p.rule for p in again.problems] == ["unknown-code"]  # the same report as then
    assert any_hub.import_report(first.submission_id).rows_quarantined == 1
    assert any_hub.summary()["case_records"] == 1
    fixed = write("a-fixed.csv", ctdc_csv([ctdc_row(), ctdc_row(gender="Man")]))
    second = any_hub.import_file(fixed, org=org, replaces=first.submission_id)
    assert second.rows_accepted == 2 and second.replaced_submission_id == first.submission_id
    assert any_hub.summary()["case_records"] == 2
    statuses = {s.id: s.status for s in any_hub.submissions()}
    assert statuses == {first.submission_id: "replaced", second.submission_id: "active"}
    # the replaced file can come back, replacing its replacement
    back = any_hub.import_file(path, org=org, replaces=second.submission_id)
    assert not back.already_imported and any_hub.summary()["case_records"] == 1
    with pytest.raises(NotFound):
        any_hub.import_file(fixed, org=org, replaces=999)


def test_a_failed_import_leaves_nothing(any_hub: Hub, org: str, write) -> None:
    rows = [ctdc_row() for _ in range(50)]
    text = ctdc_csv(rows) + '2020,Woman,"18--20\n'  # an unclosed quote at the end
    with pytest.raises(FileRejected):
        any_hub.import_file(write("broken.csv", text), org=org)
    assert any_hub.summary() == {"organisations": 1, "submissions": 0, "case_records": 0,
                                 "country_aggregates": 0, "quarantined_rows": 0}


def test_htcds_identifiers_are_withheld_and_age_derived(any_hub: Hub, org: str, write) -> None:
    rows = [
        {"prs_Id": "p1", "prs_FirstName": "Olena", "prs_SecondName": "Kovalenko",
         "prs_Birthdate": "2008-03-01", "prs_Gender": "Feminine", "prs_Citizenship": "UA",
         "vic_IdentificationDate": "2021-05-02", "vic_TypeOfExploitation": "SexualExploitation",
         "vic_MethodsOfControl": "DebtBondage;PhysicalThreats", "hte_ExploitationCountry": "PL"},
        {"prs_Id": "p1", "prs_Gender": "Masculine"},  # duplicate id
        {"prs_Id": "p3", "prs_Birthdate": "2030-01-01", "vic_IdentificationDate": "2021-01-01"},
    ]
    report = any_hub.import_file(write("h.csv", htcds_csv(rows)), org=org)
    assert report.profile == "htcds"
    assert set(report.withheld_columns) == {"prs_FirstName", "prs_SecondName", "prs_Birthdate"}
    assert {(p.row, p.rule) for p in report.problems} == {
        (2, "duplicate-id"), (3, "birth-after-identification")}
    held = json.dumps(any_hub.quarantine(report.submission_id))
    assert "Olena" not in held and "2030-01-01" not in held
    table = any_hub.stats("sex-age")
    assert [r.code for r in table.rows] == ["female"]
    assert [c.code for c in table.columns] == ["minor"]


def test_glotip_long_table_with_title_lines(any_hub: Hub, org: str, write) -> None:
    rows = [
        ["NGA", "Nigeria", "Africa", "Sub-Saharan Africa", "Detected trafficking victims", "Total",
         "Total", "Female", "0 to 17 years", "2022", "Counts", "120", "Nat. data"],
        ["NGA", "Nigeria", "Africa", "Sub-Saharan Africa", "Detected trafficking victims", "Total",
         "Total", "Male", "0 to 17 years", "2022", "Counts", "<5", "Nat. data"],
        ["NGA", "Nigeria", "Africa", "Sub-Saharan Africa", "Detected trafficking victims",
         "by citizenship", "Nigerians", "Total", "Total", "2022", "Counts", "300", "Nat. data"],
        ["NGA", "Nigeria", "Africa", "Sub-Saharan Africa", "Detected trafficking victims",
         "by citizenship", "Zorblaxians", "Total", "Total", "2022", "Counts", "12", "Nat. data"],
    ]
    report = any_hub.import_file(write("glotip.csv", glotip_csv(rows)), org=org)
    assert (report.profile, report.rows_accepted) == ("glotip", 4)
    assert any("Zorblaxians" in s.message for s in report.summary)
    table = any_hub.stats("sex-age", country="NGA")
    assert table.source == "Global Report aggregates"
    displays = {c.display for row in table.cells for c in row}
    assert "<5" in displays


@pytest.mark.parametrize("name,content,words", [
    ("empty.csv", "", "empty"),
    ("header-only.csv", ctdc_csv([]), "no data rows"),
    ("other.csv", "a,b,c\n1,2,3\n", "profile"),
    ("book.xlsx", b"PK\x03\x04 truncated", "truncated"),
    ("data.xls", b"\xd0\xcf\x11\xe0", ".xls"),
])
def test_whole_file_problems_are_clear(hub: Hub, write, name, content, words) -> None:
    hub.add_organisation("o", "O")
    with pytest.raises(FileRejected) as info:
        hub.import_file(write(name, content), org="o")
    assert words in str(info.value)
    assert hub.summary()["submissions"] == 0


def test_excel_dates_and_formulas_in_csv_are_named(hub: Hub, write) -> None:
    hub.add_organisation("o", "O")
    rows = [
        ["NGA", "Nigeria", "Africa", "Sub-Saharan Africa", "Detected trafficking victims", "Total",
         "Total", "Female", "Total", "2022", "Counts", "5-Jan", "x"],
        ["NGA", "Nigeria", "Africa", "Sub-Saharan Africa", "Detected trafficking victims", "Total",
         "Total", "Male", "Total", "2022", "Counts", "=SUM(A1)", "x"],
    ]
    report = hub.import_file(write("g.csv", glotip_csv(rows)), org="o")
    assert [(p.row, p.rule) for p in report.problems] == [(1, "excel-date"), (2, "formula")]
    assert "paste values" in report.problems[1].message


def test_languages_are_validated_and_normalised(hub: Hub, write) -> None:
    hub.add_organisation("o", "O")
    text = ("prs_Id,prs_Gender,prs_PrimaryLanguage,prs_SecondaryLanguage\n"
            "a,Feminine,uk,Russian\nb,Masculine,notalanguage,\n")
    report = hub.import_file(write("l.csv", text), org="o")
    assert [(p.row, p.column, p.rule) for p in report.problems] == [
        (2, "prs_PrimaryLanguage", "unknown-code")]
    from sqlalchemy import select

    from tiphub.store.schema import case_records

    with hub.db.connect() as conn:
        stored = conn.execute(select(case_records.c.primary_language,
                                     case_records.c.secondary_language)).all()
    assert stored == [("ukr", "rus")]


def test_a_file_of_another_profile_is_named(hub: Hub, write) -> None:
    hub.add_organisation("o", "O")
    path = write("c.csv", ctdc_csv([ctdc_row()]))
    with pytest.raises(FileRejected, match="profile htcds") as info:
        hub.import_file(path, org="o", profile="htcds")
    assert "ctdc-synthetic" in (info.value.hint or "")
