"""The demo's programme logframes: a few indicators with baselines, targets and measurements,
written as the HXL file an organisation would submit and imported, laid out so that the
indicators page shows every progress status (achieved, on track, at risk, off track, no data,
not started).

Dates are counted in months from the first day of the current month, so the statuses hold
whenever the demo runs. Figures are invented.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from tiphub.coordination.logframes import MAPPING

if TYPE_CHECKING:
    from tiphub.hub import Hub


@dataclass(frozen=True)
class DemoIndicator:
    org: str
    programme: str  # a code prefix of one of the demo's programmes (tiphub.demo.coordination)
    code: str
    name: str
    level: str
    unit: str
    baseline: float
    baseline_month: int  # months from the first day of the current month
    target: float
    target_month: int
    measurements: tuple[tuple[int, float], ...] = ()  # (month, total)
    by_sex_age: bool = False


INDICATORS = (
    # on track: 0 → 400 over 24 months, measured close to the line
    DemoIndicator("shelter", "SH-BEDS", "OUT-1", "Victims given safe accommodation", "output",
                  "people", 0, -18, 400, 6, ((-15, 45), (-12, 95), (-9, 150), (-6, 200),
                                             (-3, 250), (-1, 268)), by_sex_age=True),
    # off track: 40 % → 70 %, a third of the way where two thirds were expected
    DemoIndicator("shelter", "SH-BEDS", "OC-1", "Survivors still in contact six months after "
                  "leaving the shelter", "outcome", "%", 40, -18, 70, 6, ((-9, 44), (-1, 50))),
    # at risk (a decrease): 45 → 5 days, a third of the way where nearly half was expected
    DemoIndicator("police", "P-TRAIN", "OC-1", "Average days to a reasonable-grounds decision",
                  "outcome", "days", 45, -12, 5, 12, ((-6, 38), (-1, 32))),
    # achieved
    DemoIndicator("police", "P-TRAIN", "OUT-1", "Investigators trained in trafficking cases",
                  "output", "people", 0, -24, 300, -3, ((-18, 60), (-12, 150), (-4, 320))),
    # no data yet
    DemoIndicator("police", "P-TRAIN", "OUT-2", "Prosecutors trained in trafficking cases",
                  "output", "people", 0, -2, 100, 10),
    # not started: the baseline survey is in two months
    DemoIndicator("police", "P-TRAIN", "OC-2", "Share of trained officers who referred a possible "
                  "victim", "outcome", "%", 0, 2, 60, 14),
)
SEX_AGE_SHARES = (("female", "adults", 0.45), ("female", "children", 0.2),
                  ("male", "adults", 0.25), ("male", "children", 0.1))


def month(offset: int, today: date | None = None) -> date:
    """The first day of the month ``offset`` months from the current one."""
    today = today or date.today()
    index = today.year * 12 + today.month - 1 + offset
    return date(index // 12, index % 12 + 1, 1)


def write_logframe(path: Path, programmes: dict[tuple[str, str], str],
                   today: date | None = None) -> int:
    """Write the demo's indicators of the programmes found (``(org, code prefix)`` → programme
    code) to ``path``; returns how many indicators were written."""
    columns = [c.field for c in MAPPING]
    written = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow([c.header for c in MAPPING])
        out.writerow([c.tag for c in MAPPING])
        for ind in INDICATORS:
            code = programmes.get((ind.org, ind.programme))
            if code is None:
                continue
            written += 1
            base = {"organisation": ind.org, "programme": code, "code": ind.code,
                    "name": ind.name, "level": ind.level, "unit": ind.unit,
                    "direction": "increase" if ind.target >= ind.baseline else "decrease",
                    "disaggregation": "sex_age" if ind.by_sex_age else "total",
                    "baseline": f"{ind.baseline:g}",
                    "baseline_date": month(ind.baseline_month, today).isoformat(),
                    "target": f"{ind.target:g}",
                    "target_date": month(ind.target_month, today).isoformat()}
            if not ind.measurements:
                out.writerow([base.get(c, "") for c in columns])
            for when, value in ind.measurements:
                day = month(when, today).isoformat()
                out.writerow([(base | {"measured_on": day, "value": f"{value:g}", "sex": "all",
                                       "age": "all"}).get(c, "") for c in columns])
                if ind.by_sex_age:
                    cells = [round(value * share) for _, _, share in SEX_AGE_SHARES]
                    cells[0] += round(value) - sum(cells)
                    for (sex, age, _), n in zip(SEX_AGE_SHARES, cells, strict=True):
                        out.writerow([(base | {"measured_on": day, "value": str(n), "sex": sex,
                                               "age": age}).get(c, "") for c in columns])
    return written


def load_logframes(hub: Hub, directory: Path, country: str) -> int:
    """Import the demo's logframes for the demo programmes in ``country`` (idempotent);
    returns how many indicators were imported."""
    found: dict[tuple[str, str], str] = {}
    for org in sorted({i.org for i in INDICATORS}):
        try:
            programmes = hub.programmes(country=country, org=org)
        except Exception:  # noqa: BLE001 — an organisation the demo did not register
            continue
        for ind in INDICATORS:
            if ind.org != org or (org, ind.programme) in found:
                continue
            match = [p.code for p in programmes if p.code.startswith(ind.programme)]
            if match:
                found[(org, ind.programme)] = sorted(match)[0]
    path = directory / "logframes.csv"
    written = write_logframe(path, found)
    if not written:
        return 0
    by_org = {i.org for i in INDICATORS if (i.org, i.programme) in found}
    hub.import_indicators(path, org=sorted(by_org)[0])
    return written
