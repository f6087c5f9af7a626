"""Publishing with differential privacy (issue 7): accounting, noisy tables, synthetic data.

The core library only — no database, CLI or web here. A release is planned as (ε, δ),
converted once to zCDP's ρ (:mod:`.accounting`), spent on a public workload of noisy
tables (:mod:`.tables`) and/or a synthetic CTDC file (:mod:`.synthetic`), and shipped with
a utility and risk report (:mod:`.report`). Noise comes from OpenDP unless a seed is given
(:mod:`.noise`): seeded output is reproducible and therefore only for tests and demos.
"""

from tiphub.release.accounting import (
    Budget,
    check_epsilon_delta,
    epsilon_to_rho,
    membership_advantage,
    rho_to_epsilon,
    rho_to_epsilon_simple,
)
from tiphub.release.data import (
    Attribute,
    Frame,
    ctdc_attributes,
    frame_from_ctdc,
    read_ctdc_csv,
    write_ctdc_csv,
)
from tiphub.release.report import ReleaseReport, release_report
from tiphub.release.synthetic import SynthConfig, SyntheticRelease, synthesize
from tiphub.release.tables import WORKLOAD, NoisyTable, TableRelease, TableSpec, release_tables

__all__ = [
    "WORKLOAD", "Attribute", "Budget", "Frame", "NoisyTable", "ReleaseReport", "SynthConfig",
    "SyntheticRelease", "TableRelease", "TableSpec", "check_epsilon_delta", "ctdc_attributes",
    "epsilon_to_rho", "frame_from_ctdc", "membership_advantage", "read_ctdc_csv", "release_report",
    "release_tables", "rho_to_epsilon", "rho_to_epsilon_simple", "synthesize", "write_ctdc_csv",
]
