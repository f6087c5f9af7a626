"""Reading and writing programme logframes (indicators and their measurements), and the
Global Report totals the country indicators of the Global Plan of Action appraisal use."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from tiphub.store import schema as t

SEXES = ("all", "female", "male")
AGES = ("all", "children", "adults")
DEFINITION = ("level", "name", "unit", "direction", "disaggregation", "baseline",
              "baseline_date", "target", "target_date")


def programme_index(conn: Connection) -> dict[tuple[int, str], int]:
    """(implementer id, programme code) → programme id."""
    c = t.programmes.c
    return {(r.organisation_id, r.code): r.id
            for r in conn.execute(select(c.id, c.organisation_id, c.code))}


def upsert(conn: Connection, indicators: list[dict[str, Any]],
           measurements: list[dict[str, Any]], *, recorded_by: str) -> dict[str, int]:
    """Add or update indicators by (programme, code) and measurements by (indicator, date, sex,
    age); measurements not in the file are kept. Runs in the caller's transaction."""
    i, m = t.indicators.c, t.indicator_measurements.c
    now = datetime.now(UTC)
    programme_ids = sorted({row["programme_id"] for row in indicators})
    existing = {(r.programme_id, r.code): r for r in conn.execute(
        select(t.indicators).where(i.programme_id.in_(programme_ids)))} if programme_ids else {}
    counts = dict.fromkeys(("indicators_created", "indicators_updated", "indicators_unchanged",
                            "measurements_created", "measurements_updated",
                            "measurements_unchanged"), 0)
    ids: dict[tuple[int, str], int] = {}
    for row in indicators:
        key = (row["programme_id"], row["code"])
        values = {f: row[f] for f in DEFINITION}
        old = existing.get(key)
        if old is None:
            ids[key] = conn.execute(insert(t.indicators).values(
                programme_id=key[0], code=key[1], created_at=now, updated_at=now, **values)
            ).inserted_primary_key[0]
            counts["indicators_created"] += 1
            continue
        ids[key] = old.id
        if any(getattr(old, f) != v for f, v in values.items()):
            conn.execute(update(t.indicators).where(i.id == old.id).values(**values, updated_at=now))
            counts["indicators_updated"] += 1
        else:
            counts["indicators_unchanged"] += 1
    known = {(r.indicator_id, r.measured_on, r.sex, r.age): r for r in conn.execute(
        select(t.indicator_measurements).where(m.indicator_id.in_(list(ids.values()))))} \
        if ids else {}
    new = []
    for row in measurements:
        indicator_id = ids[(row["programme_id"], row["code"])]
        old = known.get((indicator_id, row["measured_on"], row["sex"], row["age"]))
        if old is None:
            new.append({"indicator_id": indicator_id, "measured_on": row["measured_on"],
                        "sex": row["sex"], "age": row["age"], "value": row["value"],
                        "note": row["note"], "recorded_by": recorded_by, "recorded_at": now})
        elif (old.value, old.note) != (row["value"], row["note"]):
            conn.execute(update(t.indicator_measurements).where(m.id == old.id).values(
                value=row["value"], note=row["note"], recorded_by=recorded_by, recorded_at=now))
            counts["measurements_updated"] += 1
        else:
            counts["measurements_unchanged"] += 1
    if new:
        conn.execute(insert(t.indicator_measurements), new)
    counts["measurements_created"] = len(new)
    return counts


def indicators(conn: Connection, *, country: str | None = None, org_id: int | None = None,
               programme: str | None = None) -> list[dict[str, Any]]:
    """Indicators with their programme and measurements, by implementer, programme, level
    (outcomes first) and code."""
    i, p, o = t.indicators.c, t.programmes.c, t.organisations.c
    query = (select(t.indicators, p.code.label("programme"), p.name.label("programme_name"),
                    p.country, p.pillar, o.code.label("organisation"))
             .join(t.programmes, p.id == i.programme_id)
             .join(t.organisations, o.id == p.organisation_id)
             .order_by(o.code, p.code, i.level, i.code))
    for column, value in ((p.country, country), (p.organisation_id, org_id), (p.code, programme)):
        if value is not None:
            query = query.where(column == value)
    found = [dict(r._mapping) for r in conn.execute(query)]
    if not found:
        return []
    m = t.indicator_measurements.c
    by_indicator: dict[int, list[dict[str, Any]]] = {row["id"]: [] for row in found}
    for r in conn.execute(select(m.indicator_id, m.measured_on, m.sex, m.age, m.value, m.note)
                          .where(m.indicator_id.in_(list(by_indicator)))):
        by_indicator[r.indicator_id].append(
            {"measured_on": r.measured_on, "sex": r.sex, "age": r.age, "value": r.value,
             "note": r.note})
    for row in found:
        row["measurements"] = sorted(by_indicator[row["id"]], key=lambda m: (
            m["measured_on"], SEXES.index(m["sex"]), AGES.index(m["age"])))
    return found


def global_report_totals(conn: Connection, iso3: str, indicators: tuple[str, ...],
                         year: int | None = None) -> list[Any]:
    """Rows of the Global Report table (active submissions) with no breakdown — dimension,
    sex and age all "Total" — for ``iso3``, newest submission first."""
    c = t.country_aggregates.c
    query = (select(c.indicator, c.year, c.value, c.suppressed, c.value_text, c.source,
                    c.submission_id)
             .join(t.submissions, t.submissions.c.id == c.submission_id)
             .where(c.iso3 == iso3, c.indicator.in_(indicators), c.dimension == "Total",
                    c.sex == "Total", c.age == "Total", t.submissions.c.status == "active")
             .order_by(c.submission_id.desc()))
    if year is not None:
        query = query.where(c.year == year)
    return list(conn.execute(query))
