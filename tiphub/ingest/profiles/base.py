"""The machinery every case-record profile shares.

A profile describes its columns declaratively (:class:`Col`); :meth:`Profile.bind` matches them
against a file's header once and compiles them into one function (:mod:`.compiler`) that turns
a row of text cells into a record, or a list of problems.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tiphub.errors import FileRejected
from tiphub.ingest.profiles.compiler import Fill, compile_fill
from tiphub.ingest.profiles.setters import make_setter
from tiphub.ingest.profiles.spec import (
    BAD,
    FIELD_INDEX,
    GROUP_SLOTS,
    Col,
    Finisher,
    Problem,
    artefact,
    code_table,
    norm,
)
from tiphub.records import RECORD_FIELDS
from tiphub.vocab.codes import ANALYTIC

EXTRA = FIELD_INDEX["extra"]

__all__ = ["BAD", "FIELD_INDEX", "GROUP_SLOTS", "Col", "Finisher", "Mapper", "Problem",
           "Profile", "artefact", "code_table", "majority_from_band", "norm"]


@dataclass
class Mapper:
    """A profile bound to one file's header."""

    profile: str
    schema_version: str
    header: list[str]
    fill: Fill
    finishers: list[Finisher]
    accepted: dict[str, str]
    withheld: list[str]
    unmapped: list[str]
    extra_idx: list[tuple[int, str]]
    width: int
    raw_needed: list[tuple[str, int]] = field(default_factory=list)  # (canonical name, index)
    target: str = "case_records"
    #: what :meth:`convert` returns, in order: the record fields, then its provenance
    columns: tuple[str, ...] = RECORD_FIELDS + ("submission_id", "organisation_id")
    template: list[Any] = field(default_factory=list)
    #: rows for a second table written beside the records (e.g. linkage encodings), or None
    sidecar: Any = None

    def start(self, submission_id: int, organisation_id: int) -> None:
        """Bind the mapper to the submission its records will belong to."""
        self.template = [None] * len(RECORD_FIELDS) + [submission_id, organisation_id]

    def convert(self, row: list[str], row_number: int) -> tuple[list[Any] | None, list[Problem]]:
        """A record (a list in :attr:`columns` order) or ``None``, and the row's problems."""
        problems: list[Problem] = []
        if len(row) != self.width:
            if len(row) > self.width and not any(row[self.width :]):
                row = row[: self.width]
            else:
                return None, [("", "ragged-row")]
        rec = self.template[:]
        rec[1] = row_number
        self.fill(row, rec, problems)
        if self.finishers:
            scratch = {name: row[i] for name, i in self.raw_needed} if self.raw_needed else {}
            for finish in self.finishers:
                finish(rec, problems, scratch)
        if self.extra_idx:
            extra = {name: row[i] for i, name in self.extra_idx if row[i]}
            rec[EXTRA] = json.dumps(extra, ensure_ascii=False) if extra else None
        return (None if problems else rec), problems

    def keepable(self, row: list[str]) -> dict[str, str]:
        """The row's cells minus identifying columns: what quarantine may hold."""
        withheld = set(self.withheld)
        return {
            name: (row[i] if i < len(row) else "")
            for i, name in enumerate(self.header)
            if name not in withheld
        }


class Profile:
    """A source format of case records."""

    name: str = ""
    schema_version: str = ""
    description: str = ""
    signature: tuple[str, ...] = ()  # normalised header names that identify the profile
    group_rule: str = "explicit"  # how blank flags read: "ctdc" (blank = no if any 1) or "explicit"
    #: whether columns the profile does not know are kept (in ``extra``). Case files may hold
    #: names, addresses or notes under any header, so a profile of personal records says no.
    keeps_unmapped: bool = True

    def columns(self) -> list[Col]:
        raise NotImplementedError

    def finishers(self, current_year: int) -> list[Finisher]:
        """Row-level rules run after every column is set (``current_year`` bounds dates)."""
        return []

    def raw_columns(self) -> tuple[str, ...]:
        """Columns the finishers read as raw text."""
        return ()

    def score(self, header: Sequence[str]) -> float:
        names = {norm(h) for h in header}
        return sum(1 for s in self.signature if s in names) / max(len(self.signature), 1)

    def bind(self, header: list[str], *, file: str, current_year: int) -> Mapper:
        by_norm: dict[str, int] = {}
        for i, h in enumerate(header):
            by_norm.setdefault(norm(h), i)
        bound: list[tuple[int, str, Col]] = []
        accepted: dict[str, str] = {}
        withheld: list[str] = []
        used: set[int] = set()
        missing: list[str] = []
        for col in self.columns():
            idx = next(
                (by_norm[n] for n in map(norm, (col.name, *col.aliases)) if n in by_norm), None
            )
            if idx is None:
                if col.required:
                    missing.append(col.name)
                continue
            used.add(idx)
            name = header[idx]
            if col.accepted or col.codes:
                accepted[name] = col.accepted or ", ".join(sorted(k for k in col.codes if k))
            if col.kind == "identifying":
                withheld.append(name)
                continue
            if col.kind == "raw":  # read by a finisher through raw_columns()
                continue
            if col.kind == "extra":
                used.discard(idx)
                continue
            bound.append((idx, name, col))
        if missing:
            raise FileRejected(
                f"missing required column(s) for profile {self.name}: {', '.join(missing)}",
                file=file,
                hint="check the header row, or pass another --profile",
            )
        raw_needed = [(c, by_norm[norm(c)]) for c in self.raw_columns() if norm(c) in by_norm]
        extra_idx = [(i, h) for i, h in enumerate(header) if i not in used and h.strip()]
        if not self.keeps_unmapped:
            withheld += [h for _, h in extra_idx]
            extra_idx = []
        return Mapper(
            profile=self.name,
            schema_version=self.schema_version,
            header=header,
            fill=compile_fill(
                bound, group_rule=self.group_rule,
                slow=lambda col, name: make_setter(col, name, current_year),
                current_year=current_year,
            ),
            finishers=self.finishers(current_year),
            accepted=accepted,
            withheld=withheld,
            unmapped=[h for _, h in extra_idx],
            extra_idx=extra_idx,
            width=len(header),
            raw_needed=raw_needed,
        )


def majority_from_band(rec: list[Any], problems: list[Problem], column: str) -> None:
    """Derive majority status from the age band, or flag a contradiction with the one given."""
    band = rec[FIELD_INDEX["age_band"]]
    status_i = FIELD_INDEX["majority_status"]
    derived = (
        "minor" if band in ANALYTIC.minor_bands else "adult" if band in ANALYTIC.adult_bands else None
    )
    given = rec[status_i]
    if derived and given in ("adult", "minor") and given != derived:
        problems.append((column, "age-majority-contradiction"))
    elif derived and given in (None, "unknown"):
        rec[status_i] = derived
