"""What the coverage and gap analysis reads besides programmes: which countries have figures of
detected victims at all (only the codes: the counts themselves come from the protected
statistics)."""

from __future__ import annotations

from sqlalchemy import Connection, select

from tiphub.store import schema as t


def aggregate_countries(conn: Connection, indicator: str) -> list[str]:
    """Countries with Global Report figures for ``indicator`` in an active submission."""
    c = t.country_aggregates.c
    query = (select(c.iso3).distinct()
             .join(t.submissions, t.submissions.c.id == c.submission_id)
             .where(c.indicator == indicator, t.submissions.c.status == "active")
             .order_by(c.iso3))
    return [row[0] for row in conn.execute(query)]
