"""The parts of a report around the tables: what the data are, the headline figures, and
where the figures come from (organisations and data sources)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tiphub.reports import views as v
from tiphub.reports.charts import Group, bar_chart
from tiphub.reports.sections import Section, caption, fetch, fill
from tiphub.reports.svg import Datum, number
from tiphub.stats import Key, StatTable

AGGREGATES = "Global Report aggregates"
PROFILE_NAMES = {
    "htcds": "HTCDS case records",
    "ctdc-synthetic": "CTDC global synthetic dataset",
    "ctdc-kanon": "CTDC global k-anonymised dataset",
    "ctdc-vp": "CTDC victim–perpetrator dataset",
    "glotip": "UNODC Global Report table",
}
SEX_AGE = (("Women", "female", "adult"), ("Girls", "female", "minor"),
           ("Men", "male", "adult"), ("Boys", "male", "minor"))
DOMINANT = 0.5  # a source holding more than this share of the records gets a warning


@dataclass(frozen=True)
class Member:
    name: str
    code: str
    type: str
    sent: str  # what it sent, by profile


@dataclass
class Figure:
    label: str
    value: str
    detail: str = ""
    withheld: bool = False


@dataclass
class Headline:
    figures: list[Figure] = field(default_factory=list)
    forms: list[Figure] = field(default_factory=list)
    note: str = ""


@dataclass
class Sources:
    members: list[Member]
    kinds: list[str]  # "case records (CTDC global synthetic dataset)", "UNODC Global Report ..."
    sections: list[Section]
    warning: str | None = None


# -- headline -----------------------------------------------------------------------------


def headline(sex_age: StatTable | None, forms: StatTable | None) -> Headline:
    """Headline figures, each from a published cell divided by a published total only."""
    out = Headline()
    if sex_age is not None:
        total = sex_age.total
        parts = [(name, v.find(sex_age, sex, age)) for name, sex, age in SEX_AGE]
        parts.append(("Children", v.column_total(sex_age, "minor")))
        out.figures = [Figure("Detected victims", v.shown(total).text, withheld=total.suppressed)]
        out.figures += [_part(name, cell, total) for name, cell in parts if cell is not None]
        out.note = ("Shares are of all detected victims, including those whose sex or age "
                    "was not recorded.")
    if forms is not None:
        out.forms = top_forms(forms)
    return out


def _part(name: str, cell: Any, total: Any) -> Figure:
    if cell.suppressed:
        why = "too few to publish" if cell.display.startswith("<") else "to protect other cells"
        return Figure(name, cell.display, f"withheld: {why}", withheld=True)
    share = v.share_of(cell, total)
    return Figure(name, share or v.shown(cell).text, f"{number(cell.count)} detected victims"
                  if share else "share withheld")


def top_forms(forms: StatTable, top: int = 3) -> list[Figure]:
    """The ``top`` forms with the most detected victims (published row totals only)."""
    ranked = [(k, t) for k, t in zip(forms.rows, forms.row_totals, strict=True)
              if not t.suppressed and t.count and k.code not in v.GAPS]
    ranked.sort(key=lambda pair: -(pair[1].count or 0))  # stable: ties keep the vocabulary order
    out = []
    for key, cell in ranked[:top]:
        count = number(cell.count or 0)
        share = v.percent(cell.share) if cell.share is not None else count
        out.append(Figure(v.key_label(key), share, f"{count} detected victims"))
    return out


# -- sources ------------------------------------------------------------------------------


def sources(hub: Any, country: str | None, place: str, sex_age: StatTable | None) -> Sources:
    by_org, _ = fetch(hub, "sex-age", country, by="organisation")
    by_source, _ = fetch(hub, "sex-age", country, by="data_source")
    orgs = {str(o.id): o for o in hub.organisations()}
    aggregates_only = sex_age is not None and sex_age.source == AGGREGATES
    if aggregates_only or by_org is None or by_org.by != "organisation":
        return _aggregate_sources(hub, orgs, sex_age)
    members = _members(hub, [orgs[k.code] for k in by_org.columns if k.code in orgs],
                       glotip=False)

    def org_label(key: Key) -> str:
        org = orgs.get(key.code)
        return f"{org.name} ({org.code})" if org else key.label

    sections = [breakdown("by-organisation", "By organisation", by_org, place, org_label),
                breakdown("by-data-source", "By data source", by_source, place, v.key_label)]
    kinds = sorted({kind for m in members for kind in m.sent.split(", ")})
    return Sources(members, [f"case records ({k})" for k in kinds], sections,
                   _dominance(by_org, org_label))


def _members(hub: Any, organisations: list[Any], *, glotip: bool) -> list[Member]:
    """The organisations, each with what it sent: Global Report files (``glotip``) or case
    records; an organisation that sent none of those is left out."""
    wanted = {o.id for o in organisations}
    sent: dict[int, set[str]] = {}
    for sub in hub.submissions():
        if sub.organisation_id in wanted and sub.status == "active" and (
                (sub.profile == "glotip") == glotip):
            sent.setdefault(sub.organisation_id, set()).add(
                PROFILE_NAMES.get(sub.profile, sub.profile))
    return [Member(o.name, o.code, o.type, ", ".join(sorted(sent[o.id])))
            for o in organisations if o.id in sent]


def _aggregate_sources(hub: Any, orgs: dict[str, Any], sex_age: StatTable | None) -> Sources:
    members = _members(hub, list(orgs.values()), glotip=True)
    year = sex_age.filters.get("year") if sex_age is not None else None
    kind = "UNODC Global Report table" + (f" (latest data year {year})" if year else "")
    note = ("no case records are held for this place: its figures come from UNODC's Global "
            "Report table alone, so there is no breakdown by organisation or data source")
    return Sources(members, [kind], [Section("by-organisation", "By organisation", "",
                                             unavailable=note)])


def breakdown(slug: str, heading: str, table: StatTable | None, place: str,
              label: v.Labeller) -> Section:
    intro = ("Detected victims by sex for each " + heading.lower().removeprefix("by ")
             + ", because one large source can dominate the totals and their patterns.")
    section = Section(slug, heading, intro)
    if table is None:
        section.unavailable = "no record holds this information"
        return section
    title = caption(table, place)
    fill(section, table, title, None, f"chart-{slug}", place, label)
    totals = [v.datum(label(k), t, share=False)
              for k, t in zip(table.columns, table.column_totals, strict=True)]
    totals = [_with_share(d, t, table.total) for d, t in zip(totals, table.column_totals,
                                                                 strict=True)]
    if v.any_published(table.column_totals):
        section.chart = bar_chart(f"chart-{slug}", f"Detected victims {heading.lower()}, {place}",
                                  [Group(None, tuple(totals))])
    return section


def _with_share(d: Datum, cell: Any, total: Any) -> Datum:
    share = v.share_of(cell, total)
    return Datum(d.label, d.value, f"{d.text} ({share})") if share and not d.withheld else d


def _dominance(table: StatTable, label: v.Labeller) -> str | None:
    total = table.total
    for key, cell in zip(table.columns, table.column_totals, strict=True):
        if cell.suppressed or total.suppressed or not total.count or cell.count is None:
            continue
        if len(table.columns) > 1 and cell.count / total.count > DOMINANT:
            return (f"{label(key)} recorded {v.percent(cell.count / total.count)} of the "
                    "detected victims: the figures in this report mostly reflect its caseload.")
    return None
