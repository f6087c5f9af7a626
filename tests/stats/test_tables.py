"""Statistics tables: meaning, margins, protection, and cubes agreeing with the records."""

from __future__ import annotations

import pytest
from factories import ctdc_csv, ctdc_row

from tiphub import Hub, InvalidInput
from tiphub.stats.dimensions import dimension, group_columns
from tiphub.stats.tables import TABLES, Filters, compute, fold, grouped_counts


def load(hub: Hub, write, rows: list[dict[str, str]], org: str = "o", name: str = "s.csv") -> None:
    if org not in {o.code for o in hub.organisations()}:
        hub.add_organisation(org, org.upper())
    report = hub.import_file(write(name, ctdc_csv(rows)), org=org)
    assert report.rows_quarantined == 0, report.summary


def many(n: int, **values: str) -> list[dict[str, str]]:
    return [ctdc_row(**values) for _ in range(n)]


def test_sex_age_margins_and_small_cells(any_hub: Hub, write) -> None:
    rows = (many(40) + many(30, ageBroad="9--17") + many(25, gender="Man")
            + many(3, gender="Man", ageBroad="0--8"))
    load(any_hub, write, rows)
    t = any_hub.stats("sex-age")
    assert [r.code for r in t.rows] == ["female", "male"]
    assert [c.code for c in t.columns] == ["minor", "adult"]
    cells = {(r.code, c.code): t.cells[i][j] for i, r in enumerate(t.rows) for j, c in enumerate(t.columns)}
    assert cells["male", "minor"].display == "<10" and cells["male", "minor"].count is None
    # the male row total would reveal the small cell: something else must be withheld
    assert sum(c.suppressed for c in [*t.row_totals, *t.column_totals]) + sum(
        cell.suppressed for row in t.cells for cell in row) >= 2
    assert "3" not in [c.display for row in t.cells for c in row]
    assert t.total.display == "98" and t.records == 98


def test_forms_follow_the_ctdc_denominator_rule(any_hub: Hub, write) -> None:
    rows = (many(20, isSexualExploit="1") + many(15, isForcedLabour="1")
            + many(12, isSexualExploit="1", isForcedLabour="1") + many(30))
    load(any_hub, write, rows)
    t = any_hub.stats("forms")
    assert t.multi_response
    total = t.column_totals[0]
    assert total.count == 47  # only records with a form recorded
    shares = {r.code: t.row_totals[i].count for i, r in enumerate(t.rows)}
    assert shares == {"forced_labour": 27, "sexual_exploitation": 32}
    assert t.completeness["forms"] == pytest.approx(47 / 77, abs=0.01)
    assert any("30 record(s) with none recorded" in n for n in t.notes)


def test_breakdowns_filters_and_flows(any_hub: Hub, write) -> None:
    load(any_hub, write, many(20) + many(15, citizenship="POL"), org="a", name="a.csv")
    load(any_hub, write, many(12, CountryOfExploitation="DEU", yearOfRegistration="2019"),
         org="b", name="b.csv")
    by_org = any_hub.stats("sex-age", by="organisation")
    assert [c.label for c in by_org.columns] == ["a", "b"]
    flows = any_hub.stats("flows")
    assert {c.code for c in flows.columns} == {"domestic", "cross_border_within_region"}
    pol = any_hub.stats("flows", country="POL")
    assert [r.code for r in pol.rows] == ["POL", "UKR"]
    assert any_hub.stats("trends", year=2019).total.count == 12
    assert any_hub.stats("sex-age", region="Europe").total.count == 47
    with pytest.raises(InvalidInput):
        any_hub.stats("nonsense")
    with pytest.raises(InvalidInput):
        any_hub.stats("forms", by="colour")


@pytest.mark.parametrize("name", list(TABLES))
@pytest.mark.parametrize("by", [None, "organisation", "data_source"])
def test_cubes_agree_with_the_records(hub: Hub, write, name: str, by: str | None) -> None:
    from tiphub.demo.ctdc import write_ctdc_synthetic

    hub.add_organisation("o", "O")
    path = write_ctdc_synthetic(write("x.csv", "").with_name("gen.csv"), 3000, seed=3)
    hub.import_file(path, org="o")
    spec = TABLES[name]
    rdim, cdim = dimension(spec.rows), dimension(by or spec.columns)
    cols = group_columns([rdim, cdim])
    with hub.db.connect() as conn:
        for filters in (Filters(), Filters(year=2020)):
            a = fold(spec, rdim, cdim, cols, grouped_counts(conn, cols, filters))
            b = fold(spec, rdim, cdim, cols, grouped_counts(conn, cols, filters, use_cubes=False))
            assert (a.rows, a.columns, a.cells, a.total, a.known) == (
                b.rows, b.columns, b.cells, b.total, b.known)
        assert compute(conn, name, Filters(), by=by).records == 3000


def test_replacing_a_submission_updates_the_cubes(hub: Hub, write) -> None:
    hub.add_organisation("o", "O")
    first = hub.import_file(write("a.csv", ctdc_csv(many(30))), org="o")
    hub.import_file(write("b.csv", ctdc_csv(many(50))), org="o", replaces=first.submission_id)
    assert hub.stats("sex-age").total.count == 50


def test_csv_export_neutralises_formulas() -> None:
    from tiphub.stats import safe_cell

    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("-12") == "-12" and safe_cell("<10") == "<10"


def test_multi_response_people_totals_are_protected(hub: Hub, write) -> None:
    rows = (many(30, isSexualExploit="1") + many(25, gender="Man", isForcedLabour="1")
            + many(3, gender="Man", ageBroad="9--17", isForcedLabour="1", isSexualExploit="1"))
    load(hub, write, rows)
    t = hub.stats("forms")
    boys = [c.code for c in t.columns].index("boys")
    assert t.column_totals[boys].suppressed and t.column_totals[boys].display == "<10"
    for i in range(len(t.rows)):
        assert t.cells[i][boys].suppressed
        # each flag row adds up to its total: a single hidden cell in a row would be recomputable
        hidden = sum(c.suppressed for c in t.cells[i]) + t.row_totals[i].suppressed
        assert hidden != 1
    assert "3" not in {c.display for row in t.cells for c in row}


def test_people_counts_cannot_pin_a_withheld_flag_cell(hub: Hub, write) -> None:
    """Girls: 20 in sexual exploitation, 3 in forced labour, one form each. Published, the girls'
    people count (23) minus 20 would say 'at least 3' and the row 'at most 3'."""
    rows = (many(20, ageBroad="9--17", isSexualExploit="1")
            + many(3, ageBroad="9--17", isForcedLabour="1")
            + many(60, isForcedLabour="1") + many(40, isSexualExploit="1")
            + many(30, gender="Man", isForcedLabour="1") + many(25, gender="Man", isSexualExploit="1"))
    load(hub, write, rows)
    t = hub.stats("forms")
    girls = [c.code for c in t.columns].index("girls")
    fl = [r.code for r in t.rows].index("forced_labour")
    assert t.cells[fl][girls].suppressed
    assert t.column_totals[girls].suppressed


def test_cached_tables_follow_every_change_of_the_data(hub: Hub, write) -> None:
    load(hub, write, many(20), name="a.csv")
    first = hub.stats("sex-age")
    assert hub.stats("sex-age") == first  # served again
    first.total.display = "tampered"  # callers get copies
    assert hub.stats("sex-age").total.display == "20"
    load(hub, write, many(15), name="b.csv")
    assert hub.stats("sex-age").total.count == 35
    hub.add_organisation("new", "New")
    assert [c.label for c in hub.stats("sex-age", by="organisation").columns] == ["o"]
