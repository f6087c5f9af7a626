"""Link runs at the hub: encoded submissions in, persons out, with provenance and protection."""

from __future__ import annotations

import base64

import pytest
from factories import encoded_csv, planted_encodings

from tiphub import Hub
from tiphub.accounts.principal import Principal
from tiphub.errors import Forbidden, InvalidInput

# 60 persons: 0-29 held by police only, 30-44 by police and shelter, 45-59 by shelter and labour
HOLDERS = [[0]] * 30 + [[0, 1]] * 15 + [[1, 2]] * 15
CODES = ["police", "shelter", "labour"]


@pytest.fixture
def linked_hub(any_hub: Hub, write) -> Hub:
    records = planted_encodings(60, HOLDERS)
    for party, code in enumerate(CODES):
        any_hub.add_organisation(code, code.title(), "NGO", "GBR")
        path = write(f"{code}.csv", encoded_csv(records[party], prefix=code[:2].upper()))
        report = any_hub.import_file(path, org=code)
        assert report.profile == "htcds-encoded" and report.rows_quarantined == 0
    return any_hub


def test_link_counts_each_person_once(linked_hub: Hub) -> None:
    run = linked_hub.link(threshold=0.8)
    assert (run.records, run.persons) == (90, 60)
    assert not run.threshold_estimated and run.threshold == 0.8
    assert [i["organisation"] for i in run.inputs] == CODES
    summary = linked_hub.link_summary(run.id, exact=True)
    by_org = {r["organisation"]: r for r in summary["organisations"]}
    assert by_org["police"] == {"organisation": "police", "records": 45, "persons": 45,
                                "also_held_elsewhere": 15}
    patterns = {tuple(r["organisations"]): r["persons"] for r in summary["overlap"]}
    assert patterns == {("police",): 30, ("police", "shelter"): 15, ("labour", "shelter"): 15}
    assert summary["overcount"] == pytest.approx(90 / 60 - 1)


def test_the_same_inputs_give_the_same_run(linked_hub: Hub) -> None:
    first = linked_hub.link(threshold=0.8)
    again = linked_hub.link(threshold=0.8)
    assert again.reused and again.id == first.id
    other = linked_hub.link(threshold=0.9)
    assert not other.reused and other.id != first.id and other.persons == 60


def test_estimated_threshold_finds_the_planted_persons(linked_hub: Hub) -> None:
    run = linked_hub.link()
    assert run.threshold_estimated and run.persons == 60


def test_overlap_csv_is_in_the_estimation_format(linked_hub: Hub) -> None:
    from tiphub.linkage.overlap import overlap_csv_rows

    rows = overlap_csv_rows(linked_hub.link_summary(linked_hub.link(threshold=0.8).id, exact=True))
    assert rows[0] == ["labour", "police", "shelter", "count"]
    assert sum(int(r[-1]) for r in rows[1:]) == 60


def test_protected_summary_hides_small_cells(linked_hub: Hub) -> None:
    linked_hub.link(threshold=0.8)
    summary = linked_hub.link_summary()  # min cell size 10: 15 and 30 stay, nothing small here
    assert not summary["exact"] and all(r["persons"] is not None for r in summary["overlap"])
    from tiphub.linkage.overlap import summarise

    small = summarise([(1, 1), (2, 1), (2, 2), *((p, 1) for p in range(3, 40))],
                      {1: "a", 2: "b"}, {1: 39, 2: 1}, min_cell=10, exact=False)
    shown = {tuple(r["organisations"]): r["persons_shown"] for r in small["overlap"]}
    assert shown[("a", "b")] == "<10"
    # one hidden cell would follow from the total: the next smallest is withheld too
    assert shown[("a",)] == "x"


def test_records_of_one_organisation_show_who_else_holds_them(linked_hub: Hub) -> None:
    run = linked_hub.link(threshold=0.8)
    mine = linked_hub.link_records("shelter", run.id)
    assert len(mine) == 30
    assert sorted({tuple(r["also_held_by"]) for r in mine}) == [("labour",), ("police",)]
    assert all(set(r) == {"local_id", "row_number", "person", "also_held_by"} for r in mine)


def test_schemas_must_agree(linked_hub: Hub, write) -> None:
    linked_hub.add_organisation("hotline", "Hotline", "NGO", "GBR")
    records = planted_encodings(5, [[0]] * 5, seed=9)[0]
    linked_hub.import_file(write("hotline.csv", encoded_csv(records, schema="ffff0000")), org="hotline")
    with pytest.raises(InvalidInput, match="different linkage schemas") as caught:
        linked_hub.link(threshold=0.8)
    assert "hotline" in caught.value.message
    assert linked_hub.link(["police", "shelter"], threshold=0.8).persons == 45 + 15


def test_one_organisation_alone_needs_within_party(hub: Hub, write) -> None:
    hub.add_organisation("police", "Police", "LawEnforcement", "GBR")
    records = planted_encodings(10, [[0, 0]] * 5 + [[0]] * 5)[0]
    hub.import_file(write("p.csv", encoded_csv(records)), org="police")
    with pytest.raises(InvalidInput, match="only one organisation"):
        hub.link(threshold=0.8)
    run = hub.link(threshold=0.8, within_party=True)
    assert (run.records, run.persons) == (15, 10)


def test_nothing_to_link(hub: Hub) -> None:
    with pytest.raises(InvalidInput, match="no encoded submissions"):
        hub.link()


def test_bad_parameters(linked_hub: Hub) -> None:
    with pytest.raises(InvalidInput, match="between 0 and 1"):
        linked_hub.link(threshold=1.5)
    with pytest.raises(InvalidInput, match="unknown linkage engine"):
        linked_hub.link(engine="magic")


def test_only_hub_administrators_link(linked_hub: Hub) -> None:
    steward = Principal(user_id=99, email="s@x.test", name="s", hub_admin=False, via="session",
                        roles={1: "data_steward"})
    with pytest.raises(Forbidden):
        linked_hub.link(principal=steward)
    linked_hub.link(threshold=0.8)
    assert linked_hub.link_summary(principal=steward)["persons"] == 60
    with pytest.raises(Forbidden):
        linked_hub.link_summary(exact=True, principal=steward)


def test_encodings_never_reach_quarantine_or_reports(hub: Hub, write) -> None:
    hub.add_organisation("police", "Police", "LawEnforcement", "GBR")
    records = planted_encodings(3, [[0]] * 3)[0]
    text = encoded_csv(records).replace("PossibleVictimOfTrafficking", "Nonsense", 1)
    report = hub.import_file(write("p.csv", text), org="police")
    assert report.rows_quarantined == 1 and "clk" in report.withheld_columns
    (row,) = hub.quarantine(report.submission_id)
    assert "clk" not in row["values"] and "clk_schema" in row["values"]


def test_an_organisation_encoding_with_another_secret_is_named(linked_hub: Hub, write) -> None:
    linked_hub.add_organisation("hotline", "Hotline", "NGO", "GBR")
    # the hotline's copies of persons 0-29 were encoded with another secret: random bits
    others = planted_encodings(30, [[0]] * 30, seed=99)[0]
    linked_hub.import_file(write("hotline.csv", encoded_csv(others, prefix="HL")), org="hotline")
    run = linked_hub.link(threshold=0.8)
    assert run.persons == 90
    assert any(w.startswith("Organisation hotline:") and "different secret" in w for w in run.warnings)


def test_records_without_encoding_are_persons_of_their_own(hub: Hub, write) -> None:
    records = planted_encodings(6, [[0, 1]] * 3 + [[0]] * 3)
    for party, code in enumerate(("police", "shelter")):
        hub.add_organisation(code, code, "NGO", "GBR")
        text = encoded_csv(records[party], prefix=code[:2].upper())
        if party == 0:  # two police records carry no encoding: empty, and an all-zero filter
            lines = text.splitlines()
            cells = lines[1].split(",")
            cells[-2] = ""
            lines[1] = ",".join(cells)
            cells = lines[2].split(",")
            cells[-2] = base64.b64encode(bytes(128)).decode()  # an all-zero filter
            lines[2] = ",".join(cells)
            text = "\n".join(lines) + "\n"
        report = hub.import_file(write(f"{code}.csv", text), org=code)
        assert report.rows_accepted == len(records[party])
    run = hub.link(threshold=0.8)
    assert (run.records, run.records_without_encoding) == (9, 2)
    # 6 persons, but two police copies of shared persons were not encoded: 8 persons counted
    assert run.persons == 8
    exact = hub.link_summary(run.id, exact=True)
    assert {r["organisation"]: r["records"] for r in exact["organisations"]} == {"police": 6, "shelter": 3}


def test_a_file_mixing_schemas_or_lengths_is_rejected_whole(hub: Hub, write) -> None:
    from tiphub.errors import FileRejected

    hub.add_organisation("police", "Police", "LawEnforcement", "GBR")
    records = planted_encodings(4, [[0]] * 4)[0]
    short = planted_encodings(1, [[0]], nbytes=64)[0]
    for odd in (encoded_csv(records + short), encoded_csv(records).replace("0123abcd\n", "ffff\n", 1)
                .replace("ffff\n", "0123abcd\n", 1).rsplit("0123abcd", 1)[0] + "beef\n"):
        with pytest.raises(FileRejected, match="another linkage schema or filter length"):
            hub.import_file(write("mixed.csv", odd), org="police")
    assert hub.submissions("police") == []


def test_members_see_a_run_without_other_organisations_files(linked_hub: Hub) -> None:
    linked_hub.link(threshold=0.8)
    analyst = Principal(user_id=98, email="a@x.test", name="a", via="session", roles={1: "analyst"})
    run = linked_hub.link_run(principal=analyst)
    assert run.inputs == [{"organisation": c} for c in sorted(CODES)]
    assert run.comparisons is None and run.candidates is None
    assert run.created_by == "hub administrator" and set(run.parameters) == {"threshold"}
    assert linked_hub.link_run().inputs[0]["file_name"] == "police.csv"  # administrators: all


def test_protected_counts_are_rounded() -> None:
    from tiphub.linkage.overlap import summarise

    pairs = [(p, 1) for p in range(50)] + [(p, 2) for p in range(50, 90)] + [(p, 1) for p in range(90, 93)] \
        + [(p, 2) for p in range(90, 93)]
    summary = summarise(pairs, {1: "a", 2: "b"}, {1: 53, 2: 43}, min_cell=10, exact=False,
                        rounder=lambda n: 5 * round(n / 5))
    shown = {tuple(r["organisations"]): r["persons_shown"] for r in summary["overlap"]}
    assert shown == {("a",): "50", ("b",): "x", ("a", "b"): "<10"}
    by_org = {r["organisation"]: r["persons"] for r in summary["organisations"]}
    assert by_org == {"a": 55, "b": 45}  # 53 and 43: their difference from the cells hides 3
    assert summary["persons"] == 95 and summary["records"] == 95


def test_the_report_shows_persons_and_the_estimate(linked_hub: Hub, write) -> None:
    from factories import ctdc_csv, ctdc_row

    linked_hub.add_organisation("ngo", "NGO", "NGO", "GBR")
    linked_hub.import_file(write("c.csv", ctdc_csv([ctdc_row(CountryOfExploitation="GBR")] * 20)), org="ngo")
    linked_hub.link(threshold=0.8)
    html = linked_hub.report(country="GBR").read_text(encoding="utf-8")
    assert "Records and distinct persons" in html and "Estimated number of victims" in html
    assert "This is an estimate, not a count." in html
    assert "clk" not in html


def test_a_link_run_is_estimated_whole_and_by_sex(linked_hub: Hub) -> None:
    run = linked_hub.link(threshold=0.8)
    whole = linked_hub.estimate(link_run=run.id, bootstrap=50)
    assert whole["observed"] == 60 and whole["source"] == {"link_run": run.id}
    assert whole["total"] >= 60 and whole["assumptions"]
    by_sex = linked_hub.estimate(link_run=run.id, bootstrap=50, by="sex")
    assert list(by_sex["strata"]) == ["female"] and by_sex["strata"]["female"]["observed"] == 60
    by_form = linked_hub.estimate(link_run=run.id, bootstrap=50, by="form")
    assert list(by_form["strata"]) == ["forced labour"]
    with pytest.raises(InvalidInput, match="cannot estimate by"):
        linked_hub.estimate(link_run=run.id, by="colour")
    with pytest.raises(InvalidInput, match="not both or neither"):
        linked_hub.estimate()
