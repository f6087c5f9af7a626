"""The published figures the demo data is calibrated on, as tables.

Every share below is a *target*; the generators sample around it. Sources are the
figures quoted in ``shared/design/domain.md`` §3 (UNODC GLOTIP 2020 and 2024, CTDC's
global synthetic data); where no figure is published, the value is a plausible choice
and is marked *(assumed)*.

===============================  ==========================================================
what                             target (source)
===============================  ==========================================================
sex                              female 69.5 %, male 30 %, trans/non-conforming 0.5 %
                                 (between GLOTIP 2024's 61 % and CTDC's 74 % female)
children (0--17)                 26 % of females, 33 % of males -> about 28 % overall
                                 (CTDC ~24 %, GLOTIP 2024 38 %); 0--8 is 18 % of children
adults 18--29                    59 % of adults -> about 43 % of all (CTDC 43 %)
main form, girls                 sexual 60 %, labour 20 %, other 20 % (GLOTIP 2024: 60 %)
main form, boys                  sexual 8 %, labour 45 %, other 47 % (GLOTIP 2024: 45/47 %)
main form, women                 sexual 55 %, labour 38 %, other 7 % *(assumed)*
main form, men                   sexual 5 %, labour 80 %, other 15 % *(assumed)*
overall                          sexual ~41 %, labour ~44 %, other ~15 % (GLOTIP 2024:
                                 38 / 42 / 20; GLOTIP 2020: 50 / 38 / 12)
second form                      4 % of sexual or labour cases also have the other one
sector given forced labour       women: domestic work 55 %, hospitality 18 %, agriculture
                                 12 %; men: agriculture 32 %, construction 30 % *(assumed)*
means of control                 Bernoulli per means, probability by main form (MEANS
                                 table), scaled by a per-case severity so that means
                                 cluster; at least one when the group is recorded
recruiter relation               one relation (5 % two), by main form and child/adult:
                                 intimate partner mostly in sexual exploitation, family
                                 mostly for children *(assumed)*
duration                         0--12 months ~58 %, 13--24 ~23 %, 25+ ~19 % *(assumed)*
registration year                2012--2023, +10 % a year, dips in 2020 and 2021
flows                            see ``countries.py``: ~83 % of flows with both ends
                                 known stay within one UN region (CTDC victim-perpetrator
                                 file), many domestic
missingness (CTDC file)          see MISSING: age 22 %, citizenship 25 %, country of
                                 exploitation 15 %, duration 50 %, means group 35 %,
                                 recruiter group 55 % blank *(assumed, CTDC-like)*
===============================  ==========================================================
"""

from __future__ import annotations

import numpy as np

YEARS = tuple(range(2012, 2024))
_YEAR_DIP = {2020: 0.75, 2021: 0.9}
YEAR_WEIGHTS = np.array([1.1 ** (y - YEARS[0]) * _YEAR_DIP.get(y, 1.0) for y in YEARS])

# gender index: 0 female, 1 male, 2 transgender / non-conforming
GENDER_SHARES = np.array([0.695, 0.30, 0.005])
P_CHILD = np.array([0.26, 0.33, 0.15])

# age bands in CTDC order; the first two are children
AGE_BANDS = ("0-8", "9-17", "18-20", "21-23", "24-26", "27-29", "30-38", "39-47", "48+")
AGE_BOUNDS = ((1, 8), (9, 17), (18, 20), (21, 23), (24, 26), (27, 29), (30, 38), (39, 47),
              (48, 70))
CHILD_BAND_SHARES = np.array([0.18, 0.82])
ADULT_BAND_SHARES = np.array([0.15, 0.16, 0.15, 0.13, 0.25, 0.11, 0.05])

# main form index: 0 sexual exploitation, 1 forced labour, 2 other forms
SE, FL, OTHER = 0, 1, 2
# rows: (gender, child) as gender * 2 + child
FORM_SHARES = np.array([
    [0.55, 0.38, 0.07],  # woman
    [0.60, 0.20, 0.20],  # girl
    [0.05, 0.80, 0.15],  # man
    [0.08, 0.45, 0.47],  # boy
    [0.70, 0.20, 0.10],  # trans / non-conforming adult
    [0.60, 0.20, 0.20],  # trans / non-conforming child
])
P_SECOND_FORM = 0.04

# forced-labour sectors: agriculture, construction, domestic work, hospitality, other
SECTORS = ("agriculture", "construction", "domestic_work", "hospitality", "other")
SECTOR_SHARES = np.array([
    [0.12, 0.02, 0.55, 0.18, 0.13],  # female
    [0.32, 0.30, 0.05, 0.10, 0.23],  # male
    [0.15, 0.05, 0.35, 0.25, 0.20],  # other
])
P_SECOND_SECTOR = 0.06

# type of sexual exploitation: prostitution only, pornography only, both
SEX_TYPE_SHARES = np.array([0.88, 0.07, 0.05])

# CTDC means-of-control columns, in CTDC order
MEANS = ("debt_bondage_earnings", "threats", "abuse", "false_promises", "drugs_alcohol",
         "deny_basic_needs", "excessive_work_hours", "withhold_docs")
MEANS_P = np.array([
    # debt  threat abuse false  drugs deny  hours docs
    [0.40, 0.45, 0.55, 0.35, 0.15, 0.20, 0.10, 0.20],  # sexual exploitation
    [0.45, 0.35, 0.35, 0.45, 0.03, 0.30, 0.40, 0.45],  # forced labour
    [0.20, 0.40, 0.45, 0.30, 0.10, 0.25, 0.15, 0.15],  # other forms
])
SEVERITY = np.array([0.6, 1.0, 1.5])
SEVERITY_SHARES = np.array([0.3, 0.45, 0.25])

# recruiter relation: intimate partner, friend/acquaintance, family, other/unacquainted
RECRUITERS = ("intimate_partner", "friend", "family", "other")
# rows: main form * 2 + child
RECRUITER_SHARES = np.array([
    [0.25, 0.35, 0.10, 0.30],  # sexual, adult
    [0.15, 0.30, 0.35, 0.20],  # sexual, child
    [0.03, 0.35, 0.07, 0.55],  # labour, adult
    [0.01, 0.20, 0.45, 0.34],  # labour, child
    [0.10, 0.30, 0.20, 0.40],  # other, adult
    [0.03, 0.25, 0.45, 0.27],  # other, child
])
P_SECOND_RECRUITER = 0.05

# duration bands 0-12, 13-24, 25+ months, by main form
DURATION_BANDS = ((0, 12), (13, 24), (25, 72))
DURATION_SHARES = np.array([
    [0.62, 0.22, 0.16],
    [0.55, 0.25, 0.20],
    [0.60, 0.22, 0.18],
])

# share of blank cells in the CTDC synthetic file (whole flag groups for *_group)
MISSING = {
    "gender": 0.01,
    "age": 0.22,
    "citizenship": 0.25,
    "exploitation_country": 0.15,
    "duration": 0.50,
    "forms_group": 0.08,
    "means_group": 0.35,
    "recruiter_group": 0.55,
    "labour_group_given_labour": 0.40,
    "sex_group_given_sexual": 0.35,
}
