"""The Hub's coverage and gap analysis (mixed into :class:`tiphub.Hub`): the place × pillar ×
intervention matrix of programmes, overlaps, and places where victims are detected but no
protection activity runs. The computation is :mod:`tiphub.coordination.coverage`; this module
only gathers its inputs — the programmes, and the *published* counts of detected victims per
country (the protected statistics: rounded, small cells withheld as ``<k``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tiphub.accounts.policy import authorize
from tiphub.accounts.principal import SYSTEM, Principal
from tiphub.coordination import coverage as cov
from tiphub.coordination import vocab
from tiphub.errors import InvalidInput, NotFound
from tiphub.stats.aggregates import INDICATOR
from tiphub.store import coverage as store
from tiphub.store import repo

if TYPE_CHECKING:
    from tiphub.config import Settings
    from tiphub.records import Programme
    from tiphub.stats import StatTable
    from tiphub.store.engine import Database

#: The years a coverage question may ask about.
YEARS = range(1900, 2101)


class CoverageMethods:
    db: Database
    settings: Settings

    if TYPE_CHECKING:  # provided by Hub and CoordinationMethods
        def stats(self, table: str, country: str | None = None, region: str | None = None,
                  year: int | None = None, by: str | None = None, org: str | None = None, *,
                  principal: Principal = SYSTEM) -> StatTable: ...

        def programmes(self, *, country: str | None = None, pillar: str | None = None,
                       intervention: str | None = None, org: str | None = None,
                       principal: Principal = SYSTEM) -> list[Programme]: ...

        @staticmethod
        def _country(text: str) -> str: ...

    def coverage(self, principal: Principal = SYSTEM, *, country: str | None = None,
                 year: int | None = None, pillar: str | None = None) -> dict[str, Any]:
        """Coverage and gaps of the programmes (5W), JSON-ready.

        ``matrix``: one cell per place × pillar × intervention type with the number of distinct
        implementing organisations, of activities, people targeted and reached (and by sex ×
        age) and reached / targeted; ``overlaps``: several organisations doing the same type of
        intervention in the same place in overlapping periods; ``gaps``: countries where
        victims are detected but no protection-and-assistance activity runs, and places with
        activities where some pillars have none; ``countries``: a status per country for a
        map-like view; ``filters`` and ``notes``.

        ``year`` keeps the activities whose period intersects that year and the victims
        detected (registered) that year; without it every activity and every year counts.
        Victim counts are those the protected statistics publish (:meth:`stats`), never raw."""
        authorize(principal, "programmes:read")
        if pillar is not None and pillar not in vocab.codes("pillars"):
            raise InvalidInput(f"unknown pillar {pillar!r}",
                               hint=f"accepted: {', '.join(vocab.codes('pillars'))}")
        if year is not None and year not in YEARS:
            raise InvalidInput(f"year {year} is out of range", hint="a year from 1900 to 2100")
        iso3 = self._country(country) if country else None
        period = cov.Period.year(year) if year is not None else cov.ALWAYS
        programmes = self.programmes(country=iso3, principal=principal)
        victims = self._published_victims(principal, iso3, year,
                                          {p.country for p in programmes})
        result = cov.coverage(programmes, victims, country=iso3, period=period, pillar=pillar)
        k = self.settings.min_cell_size
        return {
            **result,
            "filters": {"country": iso3, "year": year, "pillar": pillar,
                        "period": period.as_dict()},
            "notes": [
                "An activity counts in a year when its period intersects that year; an activity "
                "without dates counts in every year.",
                "Organisations are distinct implementers; reached / targeted is over the "
                "activities that report both.",
                "Victims detected are the published counts of the protected statistics "
                f"(rounded; fewer than {k} shown as <{k}); the case records name only the "
                "country of exploitation, so victim gaps are per country.",
                "An activity for a whole country counts as present in each of its regions.",
            ],
        }

    def _published_victims(self, principal: Principal, iso3: str | None, year: int | None,
                           extra: set[str]) -> dict[str, dict[str, Any]]:
        """Country -> the published total of detected victims (what ``stats sex-age`` shows)."""
        with self.db.connect() as conn:
            codes = ({code for code, _ in repo.record_countries(conn)}
                     | set(store.aggregate_countries(conn, INDICATOR)) | extra)
        if iso3 is not None:
            codes = {iso3} & codes
        out: dict[str, dict[str, Any]] = {}
        for code in sorted(codes):
            if len(code) != 3 or not code.isalpha() or not code.isupper():
                continue  # "unknown" and other placeholders
            try:
                table = self.stats("sex-age", country=code, year=year, principal=principal)
            except (NotFound, InvalidInput):
                continue  # no figures for this country (or not for this year)
            total = table.total
            out[code] = {"count": total.count, "display": total.display,
                         "suppressed": total.suppressed, "source": table.source,
                         "year": table.filters.get("year")}
        return out
