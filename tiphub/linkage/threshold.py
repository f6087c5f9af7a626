"""The match threshold: given by the user, or read off the score distribution.

Method (:func:`estimate`). The engine keeps every scored pair at or above a *floor*
(:func:`floor_for`) set low enough that the candidates hold the upper tail of the
strangers' scores as well as the true matches: the floor is the score that a random sample
of eligible pairs exceeds only ``budget / comparisons`` of the time, so about ``budget``
(four per record) strangers' pairs come through. Their scores fall steeply from the floor,
while true matches form a second mode higher up. The histogram of candidate scores (bins of
0.005, smoothed over 0.025) is split once by Otsu's method to find the two classes, and the
threshold is the middle of the lowest stretch of the smoothed histogram between the two class
means — the valley, where a score is as likely to come from either side.

Why all candidate scores and not each record's best match: when every record has a partner
(FEBRL 4a/4b) the best-match histogram has no strangers' mode to separate from.

The distribution is *clearly separated* when the valley is at most half as high as the lower
of the two peaks on either side and the upper side holds at least a few pairs. Where very many
strangers look alike, their tail outweighs the matches and Otsu's split lands inside it; then
the first deep valley above the strangers' mode is taken (:func:`_first_valley`). Otherwise the
estimate is not trusted: the threshold falls back to ``FALLBACK`` (linking only near-identical
encodings) and a warning says so in plain words. :func:`party_warnings` flags a party whose
records match almost nobody while the others match — the sign of a different secret or schema.
"""

from __future__ import annotations

import numpy as np

from .blocking import eligible_pairs
from .kernel import as_words, dice_pairs, popcounts
from .types import Encodings, MatchParams

__all__ = ["FALLBACK", "estimate", "floor_for", "party_warnings"]

FALLBACK = 0.85  # used when the scores show no clear separation (and a warning is given)
BIN = 0.005
SMOOTH = 5  # bins
PILOT_PAIRS = 200_000
VALLEY_SPAN = 8  # bins (0.04) a valley must stay the lowest point over, rightwards
BUDGET_PER_RECORD = 4


def floor_for(enc: Encodings, params: MatchParams, comparisons: int) -> float:
    """The lowest score the engine keeps: the threshold when given, else a data-driven floor.

    ``comparisons`` is how many pairs the chosen blocking will score (an estimate is fine).
    Deterministic for a given seed, so every engine uses the same floor.
    """
    if params.threshold is not None:
        return float(params.threshold)
    budget = max(BUDGET_PER_RECORD * enc.n, 100_000)
    if comparisons <= budget or enc.n < 2 or eligible_pairs(enc.party, params.within_party) == 0:
        return 0.0
    rng = np.random.Generator(np.random.PCG64(params.seed))
    i = rng.integers(0, enc.n, 3 * PILOT_PAIRS)
    j = rng.integers(0, enc.n, 3 * PILOT_PAIRS)
    keep = (i != j) if params.within_party else (enc.party[i] != enc.party[j])
    i, j = i[keep][:PILOT_PAIRS], j[keep][:PILOT_PAIRS]
    if i.size == 0:
        return 0.0
    rows = np.unique(np.concatenate([i, j]))
    words = as_words(enc.bits[rows])
    scores = dice_pairs(words, popcounts(words), np.searchsorted(rows, i), np.searchsorted(rows, j))
    return float(np.quantile(scores, 1.0 - budget / comparisons, method="lower"))


def _smoothed_histogram(scores: np.ndarray, floor: float) -> tuple[np.ndarray, np.ndarray]:
    lo = np.floor(floor / BIN) * BIN
    edges = np.arange(lo, 1.0 + 2 * BIN, BIN)
    counts, edges = np.histogram(scores, bins=edges)
    kernel = np.ones(SMOOTH) / SMOOTH
    return np.convolve(counts.astype(np.float64), kernel, mode="same"), edges


def _otsu(counts: np.ndarray, centres: np.ndarray) -> int:
    """Index of the last bin of the lower class that maximises between-class variance."""
    w = counts / counts.sum()
    w0 = np.cumsum(w)
    mu = np.cumsum(w * centres)
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mu[-1] * w0 - mu) ** 2 / (w0 * (1 - w0))
    between[~np.isfinite(between)] = -1
    return int(np.argmax(between))


def estimate(scores: np.ndarray, floor: float) -> tuple[float, list[str]]:
    """The threshold read off candidate scores (all >= ``floor``), and warnings if unsure."""
    scores = np.asarray(scores, np.float64)
    if scores.size < 10:
        return FALLBACK, [
            f"Too few scored pairs ({scores.size}) to estimate a threshold; used {FALLBACK}. "
            "Set a threshold to be sure."]
    smooth, edges = _smoothed_histogram(scores, floor)
    centres = (edges[:-1] + edges[1:]) / 2
    split = _otsu(smooth, centres)
    below, above = smooth[: split + 1], smooth[split + 1:]
    if below.sum() == 0 or above.sum() == 0:
        return FALLBACK, [_unclear()]
    mean_low = int(np.round(np.average(np.arange(split + 1), weights=below)))
    mean_high = split + 1 + int(np.round(np.average(np.arange(above.size), weights=above)))
    window = smooth[mean_low: mean_high + 1]
    low = window.min()
    flat = np.flatnonzero(window <= low + 1e-9)
    # the middle of the first stretch of minimum bins
    run_end = flat[0]
    while run_end + 1 < window.size and window[run_end + 1] <= low + 1e-9:
        run_end += 1
    valley = mean_low + (flat[0] + run_end) // 2
    threshold = float(np.round(centres[valley], 4))
    peak_low = smooth[: valley + 1].max()
    peak_high = smooth[valley:].max()
    n_high = int((scores >= threshold).sum())
    if low > 0.5 * min(peak_low, peak_high) or n_high < 3:
        second = _first_valley(smooth, centres)
        if second is not None and int((scores >= second).sum()) >= 3:
            return second, []
        return max(FALLBACK, threshold), [_unclear()]
    return threshold, []


def _first_valley(smooth: np.ndarray, centres: np.ndarray) -> float | None:
    """The first deep valley above the strangers' mode, when Otsu's split misses it.

    Where very many strangers look alike (large populations with common names), their tail
    outweighs the matches and Otsu's split lands inside it. Walking up from the strangers'
    mode, the first local minimum that is at most half of both the mode and the highest bin
    above it, and the lowest point of the next ``VALLEY_SPAN`` bins (so a ripple on the
    strangers' slope is not taken for it), is the valley. The first, not the deepest: true
    matches can have a dip of their own between near-identical and exactly identical records.
    """
    n = smooth.size
    mode = int(np.argmax(smooth[: max(n // 2, 1)]))
    for v in range(mode + 1, n - 1):
        if smooth[v] > smooth[v - 1] or smooth[v] > smooth[v + 1]:
            continue
        ahead = smooth[v: v + VALLEY_SPAN + 1]
        if (smooth[v] <= 0.5 * smooth[v:].max() and smooth[v] <= 0.5 * smooth[mode]
                and smooth[v] <= ahead.min() + 1e-9):
            return float(np.round(centres[v], 4))
    return None


def _unclear() -> str:
    return ("The scores show no clear separation between matching and non-matching records, so the "
            f"threshold could not be estimated reliably; used {FALLBACK} or higher. Check that every "
            "organisation encoded with the same secret and schema, or set a threshold.")


def party_warnings(enc: Encodings, person: np.ndarray) -> list[str]:
    """Warn about parties whose records match almost nobody while the other parties' do."""
    parties = np.unique(enc.party)
    if parties.size < 2:
        return []
    sizes = np.bincount(person, minlength=enc.n)
    linked = sizes[person] > 1
    rates = {int(p): float(linked[enc.party == p].mean()) for p in parties}
    out = []
    for p, rate in rates.items():
        others = [r for q, r in rates.items() if q != p]
        typical = float(np.median(others))
        if typical >= 0.01 and rate < 0.1 * typical:
            out.append(
                f"Party {p}: only {rate:.1%} of its records match another party's, against "
                f"{typical:.1%} for the others; it may have encoded with a different secret or schema.")
    if not linked.any() and enc.n > 0:
        out.append("No record matched any other: check that every party used the same secret and schema.")
    return out
