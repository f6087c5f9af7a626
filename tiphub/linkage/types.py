"""The values the linkage modules hand each other (engines, clustering, the hub)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Encodings:
    """Bloom-filter encodings of ``n`` records, one row each, and who holds each record.

    Records are known by position (0..n-1); the caller maps positions to its own ids.
    ``party[i]`` is the index (0..k-1) of the submission or organisation holding record i.
    """

    bits: np.ndarray  # uint8, shape (n, filter_bytes), C-contiguous
    party: np.ndarray  # int32, shape (n,)

    def __post_init__(self) -> None:
        if self.bits.dtype != np.uint8 or self.bits.ndim != 2:
            raise ValueError("bits must be a 2-d uint8 array")
        if self.party.shape != (self.bits.shape[0],):
            raise ValueError("party must have one entry per record")

    @property
    def n(self) -> int:
        return int(self.bits.shape[0])


@dataclass(frozen=True)
class MatchParams:
    """What the user chose; ``None`` means "decide from the data" and is resolved in the run."""

    threshold: float | None = None  # Dice score from which two records are the same person
    blocking: str = "auto"  # "auto" (compare all pairs when small, else LSH), "none", "lsh"
    bands: int | None = None  # LSH: number of bands (None: chosen from n)
    bits_per_band: int | None = None  # LSH: sampled bit positions per band
    seed: int = 0  # LSH bit sampling is seeded, so runs are reproducible
    within_party: bool = False  # allow several records of one party in one person (dedupe)


@dataclass(frozen=True)
class Candidates:
    """Scored candidate pairs: i < j, sorted by (i, j), each pair once, score >= the floor."""

    i: np.ndarray  # int64
    j: np.ndarray  # int64
    score: np.ndarray  # float64, Dice coefficient 2|A&B| / (|A| + |B|)
    comparisons: int  # how many pairs were scored to find them
    blocking: dict = field(default_factory=dict)  # the blocking actually used (for provenance)


@dataclass(frozen=True)
class Matching:
    """Persons: ``person[i]`` is the smallest record position in record i's person."""

    person: np.ndarray  # int64, shape (n,)
    threshold: float
    threshold_estimated: bool
    candidates: int
    comparisons: int
    blocking: dict
    warnings: list[str] = field(default_factory=list)
