"""Where the randomness of a release comes from: OpenDP for real releases, a seed for tests.

Why two sources: the noise protects people only if nobody can reproduce it, so a real
release draws it from OpenDP's cryptographically secure sampler (the exact discrete Gaussian
of Canonne-Kamath-Steinke, and report-noisy-max with Gumbel noise). Tests, benchmarks and
demos need the same numbers run after run; :class:`SeededNoise` draws *the same
distributions* from a numpy generator — never use it for data about real people (anyone
with the seed can subtract the noise).
"""

from __future__ import annotations

import math
from typing import Protocol

import numpy as np

from tiphub.release.accounting import gaussian_rho

__all__ = ["Noise", "OpenDPNoise", "SeededNoise", "noise_source"]


class Noise(Protocol):
    """Adds discrete Gaussian noise to integer counts; picks the best of noisy scores."""

    secure: bool

    def gaussian(self, counts: np.ndarray, sigma: float) -> np.ndarray:
        """``counts`` (integers) plus discrete Gaussian noise of scale ``sigma`` (costs ρ=1/2σ²)."""
        ...

    def noisy_max(self, scores: np.ndarray, scale: float) -> int:
        """Index of the largest score after Gumbel noise (non-monotonic, sensitivity-1 scores:
        costs ρ = 1/(2·scale²))."""
        ...

    def spawn(self) -> np.random.Generator:
        """A generator for post-processing randomness (sampling records), itself seeded."""
        ...


class OpenDPNoise:
    """Noise from OpenDP (``opendp>=0.16``): secure, not reproducible."""

    secure = True

    def __init__(self) -> None:
        import opendp.prelude as dp

        dp.enable_features("contrib")
        self._dp = dp

    def gaussian(self, counts: np.ndarray, sigma: float) -> np.ndarray:
        dp = self._dp
        flat = np.asarray(counts).round().astype(np.int64).ravel()
        meas = dp.m.make_gaussian(dp.vector_domain(dp.atom_domain(T="i64")), dp.l2_distance(T="i64"),
                                  scale=float(sigma))
        # the accounting (ρ = 1/2σ²) must match what OpenDP proves for this mechanism
        assert meas.map(1) <= gaussian_rho(sigma) * (1 + 1e-9)
        return np.asarray(meas(flat.tolist()), dtype=float).reshape(np.shape(counts))

    def noisy_max(self, scores: np.ndarray, scale: float) -> int:
        dp = self._dp
        meas = dp.m.make_noisy_max(dp.vector_domain(dp.atom_domain(T=float, nan=False)),
                                   dp.linf_distance(T=float), dp.zero_concentrated_divergence(),
                                   scale=float(scale))
        assert meas.map(1.0) <= gaussian_rho(scale) * (1 + 1e-9)
        return int(meas([float(s) for s in scores]))

    def spawn(self) -> np.random.Generator:
        return np.random.default_rng()


class SeededNoise:
    """The same distributions from ``numpy``'s PCG64, reproducible from ``seed`` (not secure)."""

    secure = False

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(np.random.SeedSequence(seed))

    def gaussian(self, counts: np.ndarray, sigma: float) -> np.ndarray:
        # exact discrete Gaussian by inverting its CDF on ±(12σ+2): the cut tail weighs < 1e-30
        k = math.ceil(12 * sigma) + 2
        support = np.arange(-k, k + 1)
        pmf = np.exp(-(support.astype(float) ** 2) / (2 * sigma**2))
        cdf = np.cumsum(pmf / pmf.sum())
        draws = support[np.minimum(np.searchsorted(cdf, self.rng.random(np.shape(counts))), 2 * k)]
        return np.asarray(counts, dtype=float).round() + draws

    def noisy_max(self, scores: np.ndarray, scale: float) -> int:
        noisy = np.asarray(scores, dtype=float) + self.rng.gumbel(scale=scale, size=len(scores))
        return int(np.argmax(noisy))

    def spawn(self) -> np.random.Generator:
        return np.random.default_rng(self.rng.integers(2**63))


def noise_source(seed: int | None) -> Noise:
    """OpenDP when ``seed`` is None (real releases), :class:`SeededNoise` otherwise."""
    return OpenDPNoise() if seed is None else SeededNoise(seed)
