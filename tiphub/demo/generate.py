"""Write a whole demo: the national organisations' files, the truth, a global CTDC file."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pycountry

from .ctdc import write_ctdc_synthetic
from .national import HTCDS_COLUMNS, Person, assign, make_people, write_record
from .organisations import HABITS, DemoOrganisation, Habits

DEFAULT_COUNTRY = "GBR"
CTDC_KEY = "ctdc-global"
_CASES_STREAM = 1  # stream 0 is the CTDC file's (see ctdc.py)
_PEOPLE_STREAM = 2
_RECORDS_STREAM = 3


@dataclass(frozen=True)
class DemoManifest:
    """What :func:`generate_demo` wrote, and where."""

    directory: Path
    country: str
    organisations: list[DemoOrganisation]
    files: dict[str, Path]
    truth: Path
    people: int


def _streams(seed: int) -> tuple[np.random.Generator, random.Random, random.Random]:
    """Independent random streams: case facts (numpy), persons and records (Python)."""
    def seq(stream: int) -> np.random.SeedSequence:
        return np.random.SeedSequence(seed, spawn_key=(stream,))

    def py(stream: int) -> random.Random:
        return random.Random(int.from_bytes(seq(stream).generate_state(4).tobytes(), "little"))

    cases = np.random.Generator(np.random.PCG64(seq(_CASES_STREAM)))
    return cases, py(_PEOPLE_STREAM), py(_RECORDS_STREAM)


def generate_demo(directory: Path, *, seed: int = 2024, country: str = DEFAULT_COUNTRY,
                  people: int = 1200, global_rows: int = 5000,
                  held_by_several: float = 0.07) -> DemoManifest:
    """Write a national demo for ``country`` (ISO alpha-3) and a global CTDC-style file.

    ``held_by_several`` is the share of persons known to two to four organisations; the
    default makes the sum of the organisations' counts overstate distinct persons by
    about 8 %, as in the published multi-list data (5.5--9.6 %).

    >>> import tempfile
    >>> demo = generate_demo(Path(tempfile.mkdtemp()), people=50, global_rows=100)
    >>> sorted(demo.files)
    ['ctdc-global', 'hotline', 'immigration', 'labour', 'police', 'shelter']
    """
    country = country.upper()
    if pycountry.countries.get(alpha_3=country) is None:
        raise ValueError(f"country must be an ISO 3166 alpha-3 code, got {country!r}")
    if people < 1:
        raise ValueError("people must be at least 1")
    if not 0.0 <= held_by_several <= 1.0:
        raise ValueError("held_by_several must be between 0 and 1")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    rng, rnd_people, rnd_records = _streams(seed)
    persons = make_people(people, country, rng, rnd_people)
    held = assign(persons, held_by_several, rnd_people)
    truth: list[tuple[str, str, str]] = []
    files: dict[str, Path] = {}
    for habits in HABITS:
        rows = _org_rows(habits, [(p, d) for h, p, d in held if h is habits], rnd_records)
        files[habits.code] = _write_csv(directory / f"{habits.code}.csv", HTCDS_COLUMNS,
                                        [[r[c] for c in HTCDS_COLUMNS] for _, r in rows])
        truth.extend((habits.code, r["prs_Id"], pid) for pid, r in rows)
    truth_path = _write_csv(directory / "truth.csv", ("org", "prs_Id", "person_id"), truth)
    files[CTDC_KEY] = write_ctdc_synthetic(directory / "ctdc_global_synthetic.csv",
                                           global_rows, seed=seed)
    organisations = [DemoOrganisation(h.code, h.name, h.type, country) for h in HABITS]
    return DemoManifest(directory, country, organisations, files, truth_path, people)


def _org_rows(habits: Habits, held: list[tuple[Person, date]],
             rnd: random.Random) -> list[tuple[str, dict[str, str]]]:
    """The organisation's rows in the order it met the persons, with its own case numbers."""
    held = sorted(held, key=lambda pd: (pd[1], pd[0].person_id))
    out = []
    for seq, (person, day) in enumerate(held, start=1):
        prs_id = habits.id_pattern.format(year=day.year, yy=day.year % 100, seq=seq)
        out.append((person.person_id, write_record(habits, person, day, prs_id, rnd)))
    return out


def _write_csv(path: Path, header: tuple[str, ...], rows: list[list[str]] | list[tuple[str, ...]],
               ) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path
