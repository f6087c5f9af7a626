"""HTCDS case records whose identifying columns were replaced by a linkage encoding.

``tiphub encode`` turns an organisation's people file into this shape on its own machine:
the analytic HTCDS columns as they were, plus ``clk`` (the base64 Bloom filter of the
identifying fields) and ``clk_schema`` (the fingerprint of the linkage schema that made it).
The records are imported like any HTCDS file; the encodings go to their own table
(:class:`EncodingSink`) for ``tiphub link``. The encoding is personal data: it is never put
in quarantine, reports or errors.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from tiphub.errors import FileRejected
from tiphub.ingest.profiles.base import Col, Mapper, Problem, norm
from tiphub.ingest.profiles.htcds import Htcds
from tiphub.records import RECORD_FIELDS
from tiphub.store import schema as t

SUBMISSION_SLOT = len(RECORD_FIELDS)  # where Mapper.start puts the submission id
ROW_SLOT = 1  # the record's row number


class EncodingSink:
    """Collects the accepted rows' encodings while the records stream into the database."""

    table = t.encodings
    columns = ("submission_id", "row_number", "clk")

    def __init__(self, file: str = "-") -> None:
        self.file = file
        self.pending: list[tuple[int, int, bytes]] = []
        self.schema: str | None = None
        self.nbytes: int | None = None
        self.encoded = 0
        self.without = 0  # records with an empty encoding: counted, never linked

    def check(self, rec: list[Any], problems: list[Problem], raw: dict[str, str]) -> None:
        """The finisher: validate the row's encoding; keep it if the row is otherwise good.

        One file holds one schema's encodings: a row of another length or schema rejects the
        whole file (nothing is stored), because which rows are "the odd ones" cannot be told.
        """
        text = raw.get("clk", "").strip()
        fingerprint = raw.get("clk_schema", "").strip()
        if not text:
            if not problems:
                self.without += 1
            return
        try:
            clk = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            problems.append(("clk", "not-an-encoding"))
            return
        if not clk or len(clk) % 8:
            problems.append(("clk", "not-an-encoding"))
            return
        if self.nbytes is None:
            self.nbytes, self.schema = len(clk), fingerprint
        elif len(clk) != self.nbytes or fingerprint != self.schema:
            raise FileRejected(
                f"row {rec[ROW_SLOT]} was encoded with another linkage schema or filter length than "
                "the file's first encoded row: one file must hold one schema's encodings",
                file=self.file, hint="encode the whole file again with one schema (`tiphub encode`)")
        if problems:
            return
        if not any(clk):  # an empty filter: no identifier was encoded
            self.without += 1
            return
        self.pending.append((rec[SUBMISSION_SLOT], rec[ROW_SLOT], clk))

    def drain(self) -> list[tuple[int, int, bytes]]:
        rows, self.pending = self.pending, []
        self.encoded += len(rows)
        return rows

    def finish(self, conn: Connection, submission_id: int) -> None:
        if self.encoded:
            conn.execute(t.encoded_submissions.insert().values(
                submission_id=submission_id, schema_fingerprint=self.schema or "",
                filter_bits=(self.nbytes or 0) * 8, records_encoded=self.encoded))

    def notes(self) -> list[str]:
        if self.without:
            return [f"{self.without} record(s) carry no encoding (no usable identifier): they "
                    "are counted as records but each stays a person of its own in linkage"]
        return []


class HtcdsEncoded(Htcds):
    name = "htcds-encoded"
    schema_version = "htcds/2.0+clk"
    description = "HTCDS case records with a linkage encoding instead of identifying fields"
    signature = (*Htcds.signature, "clk", "clkschema")

    def score(self, header: Sequence[str]) -> float:
        names = {norm(h) for h in header}
        # an encoded file is an HTCDS file with two more columns: prefer this profile for it
        return 1.0 + super().score(header) if {"clk", "clkschema"} <= names else 0.0

    def columns(self) -> list[Col]:
        return [*super().columns(),
                Col("clk", "raw", required=True,
                    accepted="base64 of a Bloom filter, the same length on every row"),
                Col("clk_schema", "raw", required=True,
                    accepted="the same schema fingerprint on every row")]

    def raw_columns(self) -> tuple[str, ...]:
        return (*super().raw_columns(), "clk", "clk_schema")

    def bind(self, header: list[str], *, file: str, current_year: int) -> Mapper:
        mapper = super().bind(header, file=file, current_year=current_year)
        sink = EncodingSink(file)
        mapper.finishers.append(sink.check)  # last, so it sees every other problem first
        mapper.sidecar = sink
        mapper.withheld += [h for h in header if norm(h) == "clk"]
        return mapper
