"""pac-synth — the synthesiser CTDC used for its global synthetic file — as an option beside MST.

pac-synth (Microsoft's Synthetic Data Showcase, PyPI ``pac-synth``, the optional extra
``tiphub[pacsynth]``) measures every 1-, 2- and 3-way combination of values with Gaussian
noise, keeps the combinations whose noisy count passes a threshold, and samples records
from them. It reads the same CTDC-format frame as :func:`tiphub.release.synthesize` and
gives back the same 27 columns, so a release can use either.

**Privacy accounting.** pac-synth does its own: given (ε, δ) it splits ε between the record
count (Laplace), the DP percentiles and the Gaussian marginals, and its guarantee is
(ε, δ)-differential privacy — not zCDP: the values it reports are found *in the data* and
thresholded, and that costs a δ no ρ can express. So tiphub takes pac-synth at its word and
charges the ledger in (ε, δ): the run's ε and δ are added by basic composition to the
zCDP part of the ledger (:class:`tiphub.release.accounting.Budget`; concurrent composition,
Vadhan & Wang 2021, keeps this sound when releases of both kinds interleave). That is
conservative — ε adds linearly, where Gaussian spends compose in ρ — and needs nothing of
pac-synth beyond its stated guarantee. Each run gets :data:`DELTA_SHARE` of the δ the budget
still has, so approximate spends never exhaust δ.

Utility: the issue's benchmark measured pac-synth at a mean 2-way TVD of 0.1–0.35 on the
demo table where MST reaches 0.04–0.065 (``benchmarks/dp_synthetic.py`` prints both). It is
offered for compatibility with CTDC's own files, not as the default.

pac-synth has no seed: its noise is always fresh (the release's ``seed`` does not reach it).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tiphub.errors import InvalidInput
from tiphub.release.data import Frame, frame_to_rows
from tiphub.release.synthetic import MIN_ROWS, SyntheticRelease

__all__ = ["DELTA_SHARE", "SYNTHESISERS", "available", "synthesize_pacsynth"]

SYNTHESISERS = ("mst", "pac-synth")
DELTA_SHARE = 0.1  # of the δ the budget still holds, given to one pac-synth run
REPORTING_LENGTH = 3  # pac-synth's default: combinations of up to 3 values, as CTDC used


def _module() -> Any:
    try:
        import pacsynth
    except ImportError:
        raise InvalidInput("the pac-synth synthesiser is not installed on this hub",
                           hint="install it with pip install 'tiphub[pacsynth]', or choose "
                                "the synthesiser mst") from None
    return pacsynth


def available() -> bool:
    """Whether pac-synth can be imported here."""
    try:
        _module()
    except InvalidInput:
        return False
    return True


class MechanismFailed(InvalidInput):
    """The mechanism ran on the real data, then stopped: its outcome (the failure) was seen,
    so the attempt's privacy cost is spent even though nothing is released."""


def check_synthesiser(name: str) -> str:
    if name not in SYNTHESISERS:
        raise InvalidInput(f"unknown synthesiser {name[:40]!r}",
                           hint=f"accepted: {', '.join(SYNTHESISERS)}")
    return name


def synthesize_pacsynth(frame: Frame, epsilon: float, delta: float, *, rows: int | None = None,
                        reporting_length: int = REPORTING_LENGTH) -> SyntheticRelease:
    """Synthetic records with the columns and public domains of ``frame`` from pac-synth's
    (``epsilon``, ``delta``)-DP aggregates. ``rows`` defaults to pac-synth's noisy count.

    Values pac-synth leaves empty come back blank — CTDC's "not recorded" — as in CTDC's
    own pac-synth files. Frames under :data:`~tiphub.release.synthetic.MIN_ROWS` records are
    refused before anything is measured.
    """
    pacsynth = _module()
    if not 0 < epsilon <= 10 or not 0 < delta < 1:
        raise InvalidInput("pac-synth needs epsilon in (0, 10] and delta in (0, 1)")
    if frame.n < MIN_ROWS:
        raise InvalidInput(
            f"{frame.n} records are too few for useful synthetic data (at least {MIN_ROWS})",
            hint="publish noisy tables instead, or pool more data")
    if rows is not None and rows < 1:
        raise InvalidInput("rows must be at least 1")
    names = list(frame.names)
    dataset = pacsynth.Dataset([names, *(list(r) for r in frame_to_rows(frame))])
    params = (pacsynth.DpAggregateSeededParametersBuilder()
              .reporting_length(reporting_length).epsilon(float(epsilon)).delta(float(delta))
              .build())
    synthesizer = pacsynth.DpAggregateSeededSynthesizer(params)
    try:
        synthesizer.fit(dataset)
        raw = synthesizer.sample(rows) if rows is not None else synthesizer.sample()
    except BaseException as exc:  # a Rust panic is a BaseException (pyo3's PanicException)
        if type(exc).__name__ != "PanicException":
            raise
        # e.g. "adding noise to number of records resulted in a negative number": the message
        # is pac-synth's own and holds no data, but is kept out of what users see all the same
        raise MechanismFailed(
            "pac-synth stopped on its noisy measurements (a noisy count came out impossible); "
            "nothing was released",
            hint="use the MST synthesiser, or more epsilon; the attempt's epsilon is spent") from None
    return SyntheticRelease(frame=_encode(frame, raw), rho=0.0, edges=[], kept={},
                            warnings=_warnings(frame), secure=True)


def _encode(frame: Frame, raw: list[list[str]]) -> Frame:
    """pac-synth's rows (header first) back onto the frame's attributes and column order."""
    header, body = raw[0], raw[1:]
    position = {name: i for i, name in enumerate(header)}
    data = np.empty((len(body), len(frame.attributes)), dtype=np.int32)
    for j, attr in enumerate(frame.attributes):
        index = attr.index()
        blank = index.get("")
        col = position.get(attr.name)
        for i, record in enumerate(body):
            value = record[col] if col is not None else ""
            code = index.get(value, blank)
            if code is None:  # pac-synth only reports values of the data: cannot happen
                raise InvalidInput(f"pac-synth returned a value outside column {attr.name!r}")
            data[i, j] = code
    return Frame(frame.attributes, data)


def _warnings(frame: Frame) -> list[str]:
    out = ["pac-synth reports only combinations found in the data; rare values are dropped "
           "and some records come back with blank columns"]
    if frame.n < 5 * MIN_ROWS:
        out.append("few records: expect large errors in the 2-way tables")
    return out
