"""Seeded, deterministic demo data calibrated on published figures.

Two kinds of data, both made up, none about a real person:

- a *national demo*: the case files of five organisations of one country (police, an
  NGO shelter, a hotline, a labour inspectorate, an immigration service) in the flat
  HTCDS format, whose caseloads overlap, with the typos and spelling variants that
  make linkage hard, and a ``truth.csv`` that says which records are the same person;
- a *global CTDC-style synthetic file* (27 columns), any size, streamed.

>>> import tempfile
>>> from pathlib import Path
>>> demo = generate_demo(Path(tempfile.mkdtemp()), people=100, global_rows=1000)
>>> demo.country, demo.people
('GBR', 100)

The national demo defaults to the United Kingdom (``GBR``): a destination country whose
referral mechanism pools exactly these kinds of organisations, whose 2013 multi-list data
is a reference for estimating the hidden number (domain.md §4), and whose caseload mixes
names in Latin, Cyrillic and Arabic script and Vietnamese with diacritics — what record
linkage has to cope with. Any ISO alpha-3 country works (``country="THA"``).

The calibration tables are in :mod:`tiphub.demo.calibration` and
:mod:`tiphub.demo.countries`; names are in ``data/names.json``. Randomness comes only
from generators seeded by ``seed`` (numpy ``SeedSequence`` streams and ``random.Random``
instances), never from global state or today's date.
"""

from .ctdc import EDITIONS as CTDC_EDITIONS
from .ctdc import columns as ctdc_columns
from .ctdc import iter_ctdc_synthetic, write_ctdc_synthetic
from .generate import DEFAULT_COUNTRY, DemoManifest, generate_demo
from .national import HTCDS_COLUMNS, IDENTIFYING
from .organisations import DemoOrganisation

__all__ = [
    "CTDC_EDITIONS",
    "DEFAULT_COUNTRY",
    "HTCDS_COLUMNS",
    "IDENTIFYING",
    "DemoManifest",
    "DemoOrganisation",
    "ctdc_columns",
    "generate_demo",
    "iter_ctdc_synthetic",
    "write_ctdc_synthetic",
]
