"""Multiple systems estimation (MSE): how many victims did no list see?

Log-linear Poisson models on the overlap table of several lists (agencies), with the existence and
identifiability checks of Chan, Silverman & Vincent (2019), stepwise and exhaustive model selection,
parametric-bootstrap and profile-likelihood intervals, and estimates by stratum.

>>> from tiphub.estimation import estimate
>>> result = estimate("overlap.csv")                      # doctest: +SKIP
>>> result.total, result.interval, result.diagnostics      # doctest: +SKIP
"""

from tiphub.estimation.estimate import METHODS, estimate
from tiphub.estimation.existence import ModelCheck, check_model
from tiphub.estimation.models import Fit, fit_model
from tiphub.estimation.result import ASSUMPTIONS, Alternative, Interval, MSEResult, StratifiedResult
from tiphub.estimation.stratify import estimate_strata
from tiphub.estimation.table import OverlapTable, merge_lists, read_overlap, read_strata

__all__ = ["ASSUMPTIONS", "METHODS", "Alternative", "Fit", "Interval", "MSEResult", "ModelCheck",
           "OverlapTable", "StratifiedResult", "check_model", "estimate", "estimate_strata", "fit_model",
           "merge_lists", "read_overlap", "read_strata"]
