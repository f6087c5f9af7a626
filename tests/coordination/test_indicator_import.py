"""Logframe indicators as HXL-tagged CSV: import all or nothing, every problem named by row
and hashtag, the round trip, and who may import."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tiphub import FileRejected, Hub
from tiphub.accounts import Principal
from tiphub.coordination.logframes import MAPPING
from tiphub.errors import Forbidden

PROGRAMMES = ("Code,Activity,Type,Country\n#activity+code,#activity+name,#activity+type,"
              "#country+code\nSH-01,Shelter,shelter,GBR\nSH-02,Legal aid,legal_aid,POL\n")
HEAD = ("Programme,Code,Indicator,Level,Unit,Baseline,Baseline date,Target,Target date,"
        "Measured,Value,Sex,Age\n#activity+code,#indicator+code,#indicator+name,"
        "#indicator+type,#indicator+unit,#indicator+value+baseline,#date+baseline,"
        "#indicator+value+target,#date+target,#date+reported,#indicator+num,"
        "#beneficiary+sex,#beneficiary+age\n")
GOOD = HEAD + "\n".join([
    "SH-01,OUT-1,Victims sheltered,output,people,0,2024-01-01,100,2025-12-31,2024-06-30,20,,",
    "SH-01,OUT-1,,,,,,,,2024-06-30,12,female,adults",
    "SH-01,OUT-1,,,,,,,,2024-06-30,8,f,children",
    "SH-01,OUT-1,Victims sheltered,output,people,0,2024-01-01,100,2025-12-31,2024-12-31,55,,",
    "SH-01,OC-1,Days to a decision,outcome,days,40,2024-01-01,20,2025-12-31,2024-12-31,30,,",
    "SH-02,OUT-1,Survivors advised,output,,10,2024-03-01,10,2024-12-31,,,,",
]) + "\n"


@pytest.fixture
def space(any_hub: Hub, write) -> Hub:
    any_hub.add_organisation("shelter", "Shelter", "NGO", "GBR")
    any_hub.add_organisation("police", "Police", "LawEnforcement", "GBR")
    any_hub.import_programmes(write("5w.csv", PROGRAMMES), org="shelter")
    return any_hub


def rejected(hub: Hub, path: Path, org: str = "shelter") -> FileRejected:
    with pytest.raises(FileRejected) as info:
        hub.import_indicators(path, org=org)
    assert hub.indicators() == []  # nothing half-stored
    return info.value


def test_a_logframe_imports_with_its_measurements(space: Hub, write) -> None:
    report = space.import_indicators(write("lf.csv", GOOD), org="shelter")
    assert (report.rows_total, report.indicators_created, report.measurements_created) == (6, 3, 5)
    found = {(i["programme"], i["code"]): i for i in space.indicators()}
    sheltered = found["SH-01", "OUT-1"]
    assert sheltered["disaggregation"] == "sex_age" and sheltered["direction"] == "increase"
    assert sheltered["baseline_date"] == "2024-01-01" and sheltered["unit"] == "people"
    assert [(m["sex"], m["age"], m["value"]) for m in sheltered["measurements"]][:3] == [
        ("all", "all", 20), ("female", "children", 8), ("female", "adults", 12)]
    assert sheltered["latest"] == 55 and sheltered["latest_date"] == "2024-12-31"
    days = found["SH-01", "OC-1"]
    assert days["direction"] == "decrease" and days["disaggregation"] == "total"
    assert found["SH-02", "OUT-1"]["measurements"] == []
    assert found["SH-02", "OUT-1"]["progress"]["status"] in ("no_data", "off_track")
    assert [i["code"] for i in space.indicators(country="POL")] == ["OUT-1"]
    assert [i["level"] for i in space.indicators(programme="SH-01")] == ["outcome", "output"]
    assert space.indicators(org="police") == []
    again = space.import_indicators(write("lf.csv", GOOD), org="shelter")
    assert (again.indicators_created, again.indicators_unchanged,
            again.measurements_created, again.measurements_unchanged) == (0, 3, 0, 5)


def test_export_then_import_into_an_empty_hub_gives_the_same_file(space: Hub, write,
                                                                   tmp_path: Path) -> None:
    space.import_indicators(write("lf.csv", GOOD), org="shelter")
    first = space.indicators_export()
    lines = first.decode().splitlines()
    assert lines[1].split(",") == [c.tag for c in MAPPING]
    assert len(lines) == 2 + 6  # one row per measurement, one for the indicator without any
    from tiphub import Hub as HubClass
    from tiphub import Settings

    with HubClass(Settings(home=tmp_path / "other", rounding_base=1)) as other:
        other.add_organisation("shelter", "Shelter", "NGO", "GBR")
        other.import_programmes(write("5w2.csv", PROGRAMMES), org="shelter")
        other.import_indicators(write("roundtrip.csv", first), org="shelter")
        assert other.indicators_export() == first
        assert other.indicators() == space.indicators()


def test_notes_and_a_changed_value_are_updated(space: Hub, write) -> None:
    space.import_indicators(write("lf.csv", GOOD), org="shelter")
    changed = GOOD.replace("2024-12-31,55,,", "2024-12-31,60,,")
    report = space.import_indicators(write("lf2.csv", changed), org="shelter")
    assert (report.measurements_updated, report.measurements_created) == (1, 0)


def test_an_indicator_without_a_baseline_is_refused(space: Hub, write) -> None:
    path = write("nobase.csv", HEAD + "SH-01,OUT-1,Victims sheltered,output,people,,,100,"
                 "2025-12-31,2024-06-30,20,,\n")
    error = rejected(space, path)
    assert {(p.row, p.rule) for p in error.problems} == {(1, "no-baseline")}
    problem = error.problems[0]
    assert "every indicator needs a baseline" in problem.message
    assert problem.column == "column 6 'Baseline' (#indicator+value+baseline)"
    no_column = write("nocolumn.csv", "Programme,Code,Indicator,Level,Target,Target date\n"
                      "#activity+code,#indicator+code,#indicator+name,#indicator+type,"
                      "#indicator+value+target,#date+target\nSH-01,X,Y,output,1,2025-01-01\n")
    missing = {(p.rule, p.column) for p in rejected(space, no_column).problems}
    assert ("missing-column", "#indicator+value+baseline") in missing
    assert ("missing-column", "#date+baseline") in missing


def test_unknown_tags_and_missing_hashtag_rows(space: Hub, write) -> None:
    assert "no HXL hashtag row" in str(rejected(space, write("plain.csv", "Code,Name\nA,B\n")))
    unknown = write("unknown.csv", HEAD.replace("#beneficiary+age", "#affected+age")
                    + "SH-01,OUT-1,N,output,,0,2024-01-01,5,2025-01-01,,,,\n")
    problems = rejected(space, unknown).problems
    assert [(p.rule, p.column) for p in problems] == [
        ("unknown-hashtag", "column 13 'Age' (#affected+age)")]
    assert "#indicator+num" in problems[0].accepted
    assert "HXL-tagged CSV" in str(rejected(space, write("lf.xlsx", b"PK\x03\x04")))


def test_mixed_date_formats_are_refused(space: Hub, write) -> None:
    path = write("mixed.csv", HEAD + "\n".join([
        "SH-01,OUT-1,N,output,,0,2024-01-01,100,2025-12-31,2024-06-30,20,,",
        "SH-01,OUT-1,,,,,,,,31/12/2024,30,,",
    ]) + "\n")
    problems = rejected(space, path).problems
    assert [(p.row, p.rule, p.column) for p in problems] == [
        (2, "mixed-date-formats", "column 10 'Measured' (#date+reported)")]
    assert "DD/MM/YYYY" in problems[0].message and "YYYY-MM-DD" in problems[0].message


def test_unknown_programmes_and_every_other_problem_are_named(space: Hub, write) -> None:
    path = write("bad.csv", HEAD + "\n".join([
        "NOPE,OUT-1,N,output,,0,2024-01-01,100,2025-12-31,,,,",                     # 1
        "SH-01,OUT-1,N,impact,,0,2024-01-01,-5,2025-12-31,2024-06-30,ten,,",        # 2
        "SH-01,OUT-1,Other name,output,,0,2024-01-01,100,2025-12-31,2024-02-01,3,,",  # 3
        "SH-01,OUT-2,N,output,,0,2024-01-01,100,2023-12-31,2023-06-30,3,,",          # 4
        "SH-01,OUT-3,N,output,,0,2024-01-01,100,2025-12-31,2099-01-01,3,robot,",     # 5
        "SH-01,OUT-4,N,output,,0,2024-01-01,100,2025-12-31,2024-03-01,3,,",          # 6
        "SH-01,OUT-4,,,,,,,,2024-03-01,4,,",                                         # 7
        "SH-01,OUT-5,N,output,,0,2024-01-01,100,2025-12-31,,,,adults",               # 8
        "SH-01,bad code!,N,output,,0,2024-01-01,100,2025-12-31,,,,",                 # 9
    ]) + "\n")
    error = rejected(space, path)
    found = {(p.row, p.rule) for p in error.problems}
    assert found == {
        (1, "unknown-programme"), (2, "unknown-code"), (2, "not-a-number"),
        (3, "definition-differs"), (4, "target-before-baseline"), (4, "before-baseline"),
        (5, "future-date"), (5, "unknown-code"), (7, "duplicate-measurement"),
        (8, "without-measurement"), (9, "bad-code")}
    assert all(p.accepted for p in error.problems)
    assert "robot" not in str([p.model_dump() for p in error.problems])  # values not echoed
    assert "nothing was stored" in str(error)
    programme = next(p for p in error.problems if p.rule == "unknown-programme")
    assert "tiphub programmes import" in programme.accepted


def test_target_against_direction_and_total_only_indicators(space: Hub, write) -> None:
    path = write("dir.csv", HEAD.replace("#beneficiary+age", "#beneficiary+age,#indicator+direction,"
                                         "#indicator+disaggregation").replace("Age\n", "Age,D,G\n", 1)
                 + "\n".join([
                     "SH-01,OUT-1,N,output,,0,2024-01-01,100,2025-12-31,,,,,decrease,",
                     "SH-01,OUT-2,N,output,,0,2024-01-01,100,2025-12-31,2024-06-30,4,male,,,total",
                 ]) + "\n")
    found = {(p.row, p.rule) for p in rejected(space, path).problems}
    assert found == {(1, "target-against-direction"), (2, "not-disaggregated")}


def test_values_by_sex_and_age_without_a_total_are_a_warning(space: Hub, write) -> None:
    path = write("cells.csv", HEAD + "SH-01,OUT-1,N,output,,0,2024-01-01,100,2025-12-31,"
                 "2024-06-30,4,male,adults\n")
    report = space.import_indicators(path, org="shelter")
    assert [p.rule for p in report.problems] == ["no-total"]
    assert space.indicators()[0]["progress"]["status"] in ("no_data", "off_track")


def test_only_the_implementers_stewards_import(space: Hub, write) -> None:
    path = write("lf.csv", GOOD)
    police = next(o for o in space.organisations() if o.code == "police")
    shelter = next(o for o in space.organisations() if o.code == "shelter")
    steward = Principal(user_id=1, email="s@police.test", name="S",
                        roles={police.id: "data_steward"})
    with pytest.raises(Forbidden):
        space.import_indicators(path, steward, org="shelter")
    with pytest.raises(FileRejected) as info:  # naming another implementer in the file
        space.import_indicators(write("other.csv", HEAD.replace("#activity+code", "#org+impl,#activity+code")
                                      .replace("Programme", "Org,Programme", 1)
                                      + "shelter,SH-01,OUT-1,N,output,,0,2024-01-01,5,2025-01-01,,,,\n"),
                                steward, org="police")
    assert [p.rule for p in info.value.problems] == ["not-allowed"]
    viewer = Principal(user_id=2, email="v@shelter.test", name="V", roles={shelter.id: "viewer"})
    with pytest.raises(Forbidden):
        space.import_indicators(path, viewer, org="shelter")
    own = Principal(user_id=3, email="s@shelter.test", name="S", roles={shelter.id: "data_steward"})
    assert space.import_indicators(path, own, org="shelter").indicators_created == 3
    assert len(space.indicators(viewer)) == 3  # every member reads
    assert re.search(r"indicators:import", str(space.audit_log()))  # audited


def test_every_hashtag_is_documented() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "coordination.md").read_text(encoding="utf-8")
    section = docs.split("### The logframe file")[1].split("### ")[0]
    for column in MAPPING:
        assert f"| `{column.tag}` | {column.header} |" in section, column.tag
