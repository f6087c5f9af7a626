"""Countries of citizenship and of exploitation, and the flows between them.

``COUNTRIES`` lists, per ISO alpha-3 code: the UN M49 region, a weight as a country of
citizenship of detected victims, a weight as a country of exploitation, the share of its
nationals exploited at home, and whether its nationals are detected more often in forced
labour (+1) or in sexual exploitation (-1). ``CORRIDORS`` add the known migration routes
(share of a country's *non-domestic* flows). What is left goes 62 % to the same region
and 38 % elsewhere, by destination weight. With these numbers about 83 % of flows stay
within one UN region, as in CTDC's victim-perpetrator file. The weights are plausible,
rounded choices shaped like CTDC's and GLOTIP's published country lists, not counts.

``NATIONAL_ORIGINS`` overrides the citizenship mix of a national demo where the published
shape is well known (GBR: UK nationals and Albanians first, then Eritrea, Vietnam, Sudan,
as in the UK National Referral Mechanism statistics).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from tiphub.vocab import geo

REGIONS = tuple(geo.regions())

# iso3: (origin weight, destination weight, domestic share, labour lean); the UN M49 region
# comes from tiphub.vocab.geo
COUNTRIES: dict[str, tuple[float, float, float, int]] = {
    # Europe
    "UKR": (8.0, 1.0, 0.15, -1), "MDA": (4.0, 0.3, 0.05, -1),
    "ROU": (4.0, 1.5, 0.30, -1), "BGR": (2.0, 0.8, 0.20, -1),
    "ALB": (2.5, 0.3, 0.10, -1), "POL": (1.0, 2.0, 0.30, 1),
    "RUS": (2.0, 6.0, 0.50, 0), "BLR": (1.0, 0.5, 0.20, -1),
    "GBR": (1.5, 5.0, 0.60, 0), "DEU": (0.3, 4.0, 0.60, 0),
    "ITA": (0.2, 3.0, 0.30, 0), "ESP": (0.2, 2.0, 0.30, 0),
    "FRA": (0.2, 2.0, 0.30, 0), "NLD": (0.2, 2.0, 0.50, 0),
    "GRC": (0.1, 1.0, 0.20, 0), "SRB": (0.5, 0.5, 0.40, -1),
    "CZE": (0.3, 1.0, 0.40, 0),
    # Asia
    "PHL": (10.0, 1.5, 0.50, 1), "IDN": (6.0, 2.0, 0.50, 1),
    "KHM": (3.0, 0.6, 0.40, 1), "MMR": (3.0, 0.5, 0.30, 1),
    "LAO": (1.5, 0.3, 0.20, 0), "VNM": (2.0, 0.8, 0.30, 0),
    "THA": (1.5, 4.0, 0.50, -1), "CHN": (2.0, 3.0, 0.50, 0),
    "IND": (2.0, 3.0, 0.80, 1), "BGD": (2.0, 0.5, 0.40, 1),
    "NPL": (1.5, 0.3, 0.30, 0), "LKA": (0.7, 0.2, 0.30, 1),
    "PAK": (1.0, 0.5, 0.50, 1), "AFG": (0.8, 0.2, 0.30, 0),
    "IRN": (0.4, 0.3, 0.20, 0), "IRQ": (0.5, 0.4, 0.30, 0),
    "SYR": (0.5, 0.2, 0.20, 0), "KAZ": (0.8, 1.5, 0.50, 1),
    "UZB": (1.5, 0.2, 0.20, 1), "KGZ": (1.0, 0.3, 0.20, 1),
    "TJK": (0.6, 0.1, 0.10, 1), "MYS": (0.3, 4.0, 0.30, 1),
    "SAU": (0.0, 5.0, 0.00, 1), "ARE": (0.0, 4.0, 0.00, 1),
    "QAT": (0.0, 2.0, 0.00, 1), "KWT": (0.0, 2.0, 0.00, 1),
    "LBN": (0.2, 1.2, 0.20, 1), "JOR": (0.1, 1.0, 0.20, 1),
    "TUR": (0.3, 2.5, 0.30, 0), "JPN": (0.1, 1.5, 0.50, -1),
    "KOR": (0.1, 1.0, 0.50, -1),
    # Africa
    "NGA": (3.0, 1.5, 0.60, -1), "GHA": (1.5, 0.8, 0.70, 0),
    "UGA": (2.5, 0.5, 0.50, 1), "KEN": (1.5, 0.7, 0.50, 1),
    "ETH": (2.0, 0.5, 0.40, 1), "ERI": (1.0, 0.1, 0.10, 1),
    "SDN": (1.0, 0.6, 0.30, 1), "EGY": (0.6, 0.8, 0.40, 0),
    "LBY": (0.0, 1.2, 0.00, 1), "MAR": (0.4, 0.5, 0.40, 0),
    "SEN": (0.6, 0.5, 0.50, 0), "CIV": (0.5, 0.5, 0.60, 1),
    "BFA": (0.5, 0.3, 0.50, 1), "MLI": (0.5, 0.6, 0.60, 1),
    "NER": (0.5, 0.5, 0.60, 1), "COD": (1.0, 0.5, 0.80, 0),
    "ZAF": (0.5, 1.5, 0.60, -1), "ZWE": (0.5, 0.3, 0.40, 0),
    "SOM": (0.4, 0.2, 0.30, 0), "CMR": (0.6, 0.4, 0.60, 0),
    "TUN": (0.2, 0.4, 0.40, 0),
    # Americas
    "USA": (5.0, 8.0, 0.85, -1), "MEX": (1.5, 2.0, 0.70, 0),
    "GTM": (0.8, 0.6, 0.70, 0), "HND": (0.8, 0.3, 0.60, 0),
    "SLV": (0.5, 0.3, 0.60, 0), "HTI": (1.5, 0.2, 0.30, 1),
    "DOM": (0.4, 0.5, 0.50, -1), "COL": (1.0, 1.0, 0.60, -1),
    "VEN": (1.2, 0.3, 0.30, -1), "PER": (0.6, 0.6, 0.80, 0),
    "BOL": (1.0, 0.6, 0.70, 1), "PRY": (0.4, 0.3, 0.60, 0),
    "ARG": (0.5, 1.5, 0.60, 0), "BRA": (1.0, 1.5, 0.85, 1),
    "CAN": (0.3, 1.5, 0.70, -1), "ECU": (0.4, 0.4, 0.60, 0),
    # Oceania
    "AUS": (0.1, 0.8, 0.50, 0), "NZL": (0.05, 0.2, 0.50, 0),
    "FJI": (0.05, 0.1, 0.50, 0),
}

# (origin, destination): share of the origin's non-domestic flows
CORRIDORS: dict[tuple[str, str], float] = {
    ("ALB", "GBR"): 0.35, ("ALB", "ITA"): 0.15, ("VNM", "GBR"): 0.20, ("VNM", "CHN"): 0.30,
    ("ERI", "LBY"): 0.35, ("ERI", "GBR"): 0.15, ("SDN", "LBY"): 0.30, ("SDN", "GBR"): 0.20,
    ("NGA", "ITA"): 0.30, ("NGA", "GBR"): 0.10, ("ROU", "GBR"): 0.25, ("ROU", "ITA"): 0.20,
    ("ROU", "DEU"): 0.15, ("BGR", "DEU"): 0.30, ("UKR", "POL"): 0.30, ("UKR", "RUS"): 0.30,
    ("MDA", "RUS"): 0.40, ("MMR", "THA"): 0.50, ("KHM", "THA"): 0.50, ("LAO", "THA"): 0.70,
    ("PHL", "SAU"): 0.25, ("PHL", "ARE"): 0.15, ("PHL", "MYS"): 0.15, ("IDN", "MYS"): 0.40,
    ("IDN", "SAU"): 0.20, ("NPL", "IND"): 0.40, ("BGD", "IND"): 0.40, ("VEN", "COL"): 0.40,
    ("HND", "USA"): 0.40, ("SLV", "USA"): 0.40, ("GTM", "MEX"): 0.40, ("MEX", "USA"): 0.60,
    ("HTI", "DOM"): 0.60, ("ETH", "SAU"): 0.50, ("UGA", "ARE"): 0.30, ("UGA", "SAU"): 0.30,
    ("KEN", "SAU"): 0.40, ("UZB", "RUS"): 0.60, ("KGZ", "RUS"): 0.60, ("TJK", "RUS"): 0.70,
    ("BOL", "ARG"): 0.60, ("PRY", "ARG"): 0.50, ("AFG", "IRN"): 0.40, ("AFG", "GBR"): 0.10,
    ("IRN", "TUR"): 0.30, ("IRQ", "TUR"): 0.30, ("SYR", "LBN"): 0.40, ("SYR", "TUR"): 0.30,
    ("EGY", "JOR"): 0.30, ("BLR", "RUS"): 0.50, ("CHN", "MYS"): 0.20, ("NGA", "LBY"): 0.10,
}
SAME_REGION = 0.62

NATIONAL_ORIGINS: dict[str, dict[str, float]] = {
    "GBR": {
        "GBR": 0.27, "ALB": 0.22, "ERI": 0.06, "VNM": 0.06, "SDN": 0.05, "ROU": 0.04,
        "UKR": 0.03, "AFG": 0.03, "IRN": 0.03, "IRQ": 0.03, "NGA": 0.03, "EGY": 0.02,
        "BGR": 0.02, "POL": 0.02, "CHN": 0.02, "IND": 0.02, "ETH": 0.02, "PHL": 0.01,
        "SYR": 0.01, "MDA": 0.01,
    },
}


@dataclass(frozen=True)
class Flows:
    """Arrays over ``codes``: origin distributions by main form and the flow matrix."""

    codes: tuple[str, ...]
    region: np.ndarray          # region index per country
    origin_cum: np.ndarray      # (3 forms, n) cumulative origin distribution
    dest_cum: np.ndarray        # (n, n) cumulative destination distribution per origin
    flow: np.ndarray            # (n, n) P(destination | origin)


def _flow_matrix(codes: tuple[str, ...]) -> np.ndarray:
    n = len(codes)
    index = {c: i for i, c in enumerate(codes)}
    region = np.array([REGIONS.index(geo.region_of(c) or "") for c in codes])
    dest_w = np.array([COUNTRIES[c][1] for c in codes])
    flow = np.zeros((n, n))
    for i, code in enumerate(codes):
        domestic = COUNTRIES[code][2]
        abroad = 1.0 - domestic
        flow[i, i] = domestic
        fixed = 0.0
        for (orig, dest), share in CORRIDORS.items():
            if orig == code:
                flow[i, index[dest]] += abroad * share
                fixed += share
        rest = abroad * (1.0 - fixed)
        others = dest_w.copy()
        others[i] = 0.0
        same = np.where(region == region[i], others, 0.0)
        away = np.where(region != region[i], others, 0.0)
        flow[i] += rest * (SAME_REGION * same / same.sum() + (1 - SAME_REGION) * away / away.sum())
    return flow / flow.sum(axis=1, keepdims=True)


@cache
def flows() -> Flows:
    """The flow tables, built once (``flows().codes`` lists the countries)."""
    codes = tuple(COUNTRIES)
    flow = _flow_matrix(codes)
    origin = np.array([COUNTRIES[c][0] for c in codes])
    lean = np.array([COUNTRIES[c][3] for c in codes])
    by_form = np.stack([
        origin * np.where(lean < 0, 2.0, np.where(lean > 0, 0.5, 1.0)),  # sexual exploitation
        origin * np.where(lean > 0, 2.0, np.where(lean < 0, 0.5, 1.0)),  # forced labour
        origin,                                                          # other forms
    ])
    by_form /= by_form.sum(axis=1, keepdims=True)
    region = np.array([REGIONS.index(geo.region_of(c) or "") for c in codes])
    return Flows(codes, region, _cumulative(by_form), _cumulative(flow), flow)


def _cumulative(p: np.ndarray) -> np.ndarray:
    cum = np.cumsum(p, axis=1)
    cum[:, -1] = 1.0
    return cum


def national_origins(country: str) -> dict[str, float]:
    """Citizenship shares of the victims detected in ``country`` (ISO alpha-3)."""
    if country in NATIONAL_ORIGINS:
        return NATIONAL_ORIGINS[country]
    f = flows()
    if country in f.codes:
        origin = np.diff(f.origin_cum[2], prepend=0.0)
        inflow = origin * f.flow[:, f.codes.index(country)]
        inflow[f.codes.index(country)] *= 3.0  # a national mechanism sees its own nationals first
    else:
        inflow = np.diff(f.origin_cum[2], prepend=0.0) * 0.2
        shares = {c: float(w) for c, w in zip(f.codes, inflow, strict=True) if w > 0}
        shares[country] = 0.4 * sum(shares.values()) / 0.6
        return _top(shares)
    return _top({c: float(w) for c, w in zip(f.codes, inflow, strict=True) if w > 0})


def _top(shares: dict[str, float], keep: int = 20) -> dict[str, float]:
    best = sorted(shares.items(), key=lambda kv: (-kv[1], kv[0]))[:keep]
    total = sum(w for _, w in best)
    return {c: w / total for c, w in best}
