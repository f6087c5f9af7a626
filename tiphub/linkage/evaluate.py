"""``tiphub link-eval``: encode labelled files, link them, and score the persons found.

Labelled files carry the truth in a column (FEBRL's ``rec_id``: ``rec-12-org`` and
``rec-12-dup-0`` are the same person). Two files are linked as two parties (one record per
party per person); one file is deduplicated (several records of the same party may be one
person). Scores are pairwise: a pair of records is predicted to match when both are in one
person, and truly matches when both carry the same label.
"""

from __future__ import annotations

import csv
import re
import time
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tiphub.errors import FileRejected, InvalidInput
from tiphub.linkage.encoding import Encoder
from tiphub.linkage.schema import LinkageSchema
from tiphub.linkage.types import Encodings, MatchParams

FEBRL_ID = re.compile(r"^rec-(\d+)-")


@dataclass(frozen=True)
class Evaluation:
    records: int
    true_pairs: int
    predicted_pairs: int
    true_positives: int
    threshold: float
    threshold_estimated: bool
    comparisons: int
    encode_seconds: float
    link_seconds: float
    blocking: dict
    warnings: list[str]

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def read_labelled(path: Path, truth_column: str) -> tuple[list[dict[str, str]], list[str]]:
    """Rows as {column: stripped value} and each row's truth label."""
    if not path.is_file():
        raise FileRejected("file not found", file=str(path))
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh, skipinitialspace=True)
        header = [h.strip() for h in next(reader, [])]
        if truth_column not in header:
            raise FileRejected(f"no truth column {truth_column!r}", file=path.name,
                               hint=f"pass --truth-column; the columns are: {', '.join(header)}")
        at = header.index(truth_column)
        rows, labels = [], []
        for row in reader:
            if not any(row):
                continue
            values = [v.strip() for v in row]
            rows.append(dict(zip(header, values, strict=False)))
            label = values[at] if at < len(values) else ""
            match = FEBRL_ID.match(label)
            labels.append(match.group(1) if match else label)
    return rows, labels


def evaluate(files: list[Path], *, schema: LinkageSchema, secret: bytes,
             threshold: float | None = None, blocking: str = "auto",
             truth_column: str = "rec_id", engine: str = "local") -> Evaluation:
    if not 1 <= len(files) <= 2:
        raise InvalidInput("link-eval takes one file (duplicates within it) or two (linked)")
    encoder = Encoder(schema, secret)
    started = time.perf_counter()
    parts, labels, parties = [], [], []
    for k, path in enumerate(files):
        rows, truth = read_labelled(Path(path), truth_column)
        parts.append(encoder.encode(rows))
        labels += truth
        parties.append(np.full(len(rows), k, dtype=np.int32))
    encoded = time.perf_counter()
    enc = Encodings(bits=np.ascontiguousarray(np.concatenate(parts)), party=np.concatenate(parties))
    params = MatchParams(threshold=threshold, blocking=blocking, within_party=len(files) == 1)
    from tiphub.linkage.runs import engine_match  # runs imports the store; only needed here

    matching = engine_match(engine)(enc, params)
    linked = time.perf_counter()
    true_positives, predicted, true = pairwise(matching.person.tolist(), labels)
    return Evaluation(
        records=enc.n, true_pairs=true, predicted_pairs=predicted, true_positives=true_positives,
        threshold=matching.threshold, threshold_estimated=matching.threshold_estimated,
        comparisons=matching.comparisons, encode_seconds=encoded - started,
        link_seconds=linked - encoded, blocking=matching.blocking, warnings=matching.warnings)


def pairwise(found: Sequence[Hashable], truth: Sequence[Hashable]) -> tuple[int, int, int]:
    """(true positives, predicted pairs, true pairs) of record pairs: a pair is predicted when
    both records have the same ``found`` label, and true when they have the same ``truth``."""
    def pairs(labels: Iterable[Hashable]) -> int:
        return sum(n * (n - 1) // 2 for n in Counter(labels).values())

    return pairs(zip(found, truth, strict=True)), pairs(found), pairs(truth)
