"""Programmes and activities (5W): import all or nothing, every problem named, filters."""

from __future__ import annotations

from pathlib import Path

import pytest

from tiphub import FileRejected, Hub, InvalidInput
from tiphub.accounts import Principal
from tiphub.coordination.hxl import MAPPING

SAMPLE = Path(__file__).parent / "data" / "programmes_5w.csv"
HEAD = "Activity,Type,Country,Start,End,Targeted,Reached\n" \
       "#activity+name,#activity+type,#country+code,#date+start,#date+end,#targeted,#reached\n"


@pytest.fixture
def space(any_hub: Hub) -> Hub:
    any_hub.add_organisation("shelter", "Shelter", "NGO", "GBR")
    any_hub.add_organisation("police", "Police", "LawEnforcement", "GBR")
    return any_hub


def rejected(hub: Hub, path: Path, org: str = "shelter") -> FileRejected:
    with pytest.raises(FileRejected) as info:
        hub.import_programmes(path, org=org)
    assert hub.programmes() == []  # nothing half-stored
    return info.value


def test_the_sample_imports_and_filters(space: Hub) -> None:
    report = space.import_programmes(SAMPLE, org="shelter")
    assert (report.rows_total, report.created, report.updated) == (3, 3, 0)
    assert report.ignored_columns == ["column 28 'Notes'"]
    assert [p.code for p in space.programmes()] == ["PO-01", "SH-01", "SH-02"]
    clinic = space.programmes(intervention="Legal aid")[0]
    assert clinic.pillar == "protection"  # from the intervention type
    assert clinic.budget == 1500.5 and clinic.currency == "GBP"
    assert clinic.target_sexes == ["f", "m"] and clinic.funding_source == "trust_fund"
    training = space.programmes(pillar="prevention")[0]
    assert training.organisation == "police" and training.target_industries == ["A", "C", "T"]
    assert training.intervention == "training_frontline"  # written as its label
    assert len(space.programmes(country="GBR", org="shelter")) == 2
    again = space.import_programmes(SAMPLE, org="shelter")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    with pytest.raises(InvalidInput):
        space.programmes(pillar="rescue")


def test_every_problem_is_named_and_nothing_is_stored(space: Hub, write) -> None:
    path = write("bad.csv", HEAD + "\n".join([
        "Shelter,shelter,GBR,2024-01-01,2024-12-31,10,12",     # 1 reached above targeted
        "Shelter,shelter,GBR,2024-05-01,2024-01-01,10,5",      # 2 end before start
        "Shelter,rescue,Atlantis,2024-01-01,,ten,5",           # 3 type, country, count
        "Shelter,shelter,GBR,01/02/2024,,10,5",                # 4 another date format
        "Shelter,shelter,GBR,2024-13-01,,10,5",                # 5 not a date
    ]) + "\n")
    error = rejected(space, path)
    found = {(p.row, p.rule) for p in error.problems}
    assert found == {(1, "reached-above-targeted"), (2, "end-before-start"),
                     (3, "unknown-code"), (3, "unknown-country"), (3, "not-a-count"),
                     (4, "mixed-date-formats"), (5, "bad-date")}
    mixed = next(p for p in error.problems if p.rule == "mixed-date-formats")
    assert "DD/MM/YYYY" in mixed.message and "YYYY-MM-DD" in mixed.message
    assert mixed.column == "column 4 'Start' (#date+start)"
    assert all(p.accepted for p in error.problems)
    assert "Atlantis" not in str([p.model_dump() for p in error.problems])  # values not echoed
    assert "nothing was stored" in str(error)


def test_unknown_tags_and_missing_hashtag_rows(space: Hub, write) -> None:
    no_tags = write("plain.csv", "Activity,Country\nTraining,GBR\n")
    assert "no HXL hashtag row" in str(rejected(space, no_tags))
    unknown = write("unknown.csv", "Activity,Type,Country,Victims\n"
                    "#activity+name,#activity+type,#country+code,#affected+victims\n"
                    "Training,training_law_enforcement,GBR,4\n")
    problems = rejected(space, unknown).problems
    assert [(p.rule, p.column) for p in problems] == [
        ("unknown-hashtag", "column 4 'Victims' (#affected+victims)")]
    assert "#targeted+f+children" in problems[0].accepted
    missing = write("missing.csv", "Activity\n#activity+name\nTraining\n")
    assert {p.column for p in rejected(space, missing).problems} == {"#activity+type",
                                                                    "#country+code"}
    assert "CSV" in str(rejected(space, write("table.xlsx", b"PK\x03\x04")))


def test_cells_totals_and_money(space: Hub, write) -> None:
    head = ("Activity,Type,Country,Targeted,Targeted women,Targeted men,Reached women,Budget,"
            "Currency,Implementer\n#activity+name,#activity+type,#country+code,#targeted,"
            "#targeted+f+adults,#targeted+m+adults,#reached+f+adults,#value+budget,#currency,"
            "#org+impl\n")
    path = write("cells.csv", head + "A,shelter,GBR,10,8,8,9,100,,\n"
                 "B,shelter,GBR,,,,,1e5,EUR,\nC,shelter,GBR,,,,,,XYZ,nobody\n")
    found = {(p.row, p.column.split(" (")[-1].rstrip(")"), p.rule)
             for p in rejected(space, path).problems}
    assert found == {(1, "#targeted", "cells-above-total"),
                     (1, "#reached+f+adults", "reached-above-targeted"),
                     (1, "#currency", "missing"), (2, "#value+budget", "not-a-number"),
                     (3, "#currency", "unknown-code"), (3, "#org+impl", "unknown-organisation")}


def test_duplicate_codes_and_other_organisations_rows(space: Hub, write) -> None:
    head = "Org,Code,Activity,Type,Country\n#org+impl,#activity+code,#activity+name," \
           "#activity+type,#country+code\n"
    path = write("dup.csv", head + "shelter,A1,X,shelter,GBR\nshelter,A1,Y,shelter,GBR\n"
                 "police,A1,Z,shelter,GBR\n")
    assert [(p.row, p.rule) for p in rejected(space, path).problems] == [(2, "duplicate-code")]
    shelter_id = space.organisation("shelter").id
    steward = Principal(user_id=1, email="s@shelter.test", name="s",
                        roles={shelter_id: "data_steward"})
    ok = write("ok.csv", head + "shelter,A1,X,shelter,GBR\npolice,A1,Z,shelter,GBR\n")
    with pytest.raises(FileRejected) as info:
        space.import_programmes(ok, org="shelter", principal=steward)
    assert [(p.row, p.rule) for p in info.value.problems] == [(2, "not-allowed")]
    viewer = Principal(user_id=2, email="v@shelter.test", name="v", roles={shelter_id: "viewer"})
    from tiphub.errors import Forbidden

    with pytest.raises(Forbidden):
        space.import_programmes(ok, org="shelter", principal=viewer)
    with pytest.raises(Forbidden):
        space.programmes(principal=Principal(user_id=None, email="", name="anonymous",
                                             via="anonymous"))


def test_rows_without_code_update_themselves_and_the_mapping_is_complete(space: Hub, write) -> None:
    path = write("nocode.csv", HEAD + "Shelter,shelter,GBR,2024-01-01,,10,5\n")
    first = space.import_programmes(path, org="shelter")
    second = space.import_programmes(path, org="shelter")
    assert (first.created, second.unchanged) == (1, 1)
    assert space.programmes()[0].code.startswith("auto-")
    from tiphub.records import Programme

    stored = set(Programme.model_fields) - {"id", "created_at", "updated_at"}
    assert {c.field for c in MAPPING} == stored
