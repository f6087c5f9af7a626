"""The Hub's estimation methods (mixed into :class:`tiphub.Hub`): policy, audit, then the work."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from tiphub.accounts.policy import authorize
from tiphub.accounts.principal import SYSTEM, Principal
from tiphub.errors import InvalidInput

if TYPE_CHECKING:
    from tiphub.accounts.service import Accounts
    from tiphub.config import Settings
    from tiphub.store.engine import Database

MAX_BOOTSTRAP = 10_000


class EstimationMethods:
    db: Database
    settings: Settings
    accounts: Accounts

    def link_summary(self, run_id: int | None = None, *, exact: bool = False,
                     principal: Principal = SYSTEM) -> dict[str, Any]:  # provided by Hub
        raise NotImplementedError

    def estimate(self, source: Path | str | list[dict[str, Any]] | None = None, *,
                 link_run: int | None = None, latest_run: bool = False, method: str = "stepwise",
                 criterion: str = "aic", interactions: list[str] | None = None,
                 bootstrap: int = 1000, seed: int = 2024, merge_below: int | None = None,
                 stratum: str | None = None, name: str | None = None,
                 principal: Principal = SYSTEM) -> dict[str, Any]:
        """Estimate the victims no list saw, from an overlap table (a CSV file or rows in the
        estimation format) or from a link run's exact overlap table (hub administrators).

        Returns the estimate as a JSON-ready dict (see :class:`tiphub.estimation.MSEResult`),
        with ``source`` saying where the table came from.
        """
        from tiphub.estimation import estimate, estimate_strata, read_overlap

        if (source is None) == (link_run is None and not latest_run):  # latest_run: the newest run
            raise InvalidInput("give an overlap table or a link run, not both or neither",
                               hint="tiphub estimate overlap.csv, or tiphub estimate --link-run RUN")
        if not 0 <= bootstrap <= MAX_BOOTSTRAP:
            raise InvalidInput(f"the number of bootstrap replicates is between 0 and {MAX_BOOTSTRAP}",
                               hint="1000 is usual; 0 skips the bootstrap")
        options: dict[str, Any] = {"method": method, "criterion": criterion, "bootstrap": bootstrap,
                                   "seed": seed, "interactions": interactions}
        if source is None:
            summary = self.link_summary(link_run, exact=True, principal=principal)  # linkage:run
            rows = [{**dict(zip(summary["lists"], r["pattern"], strict=True)), "count": r["persons"]}
                    for r in summary["overlap"]]
            table = read_overlap(rows, name=f"link run {summary['run']['id']}", merge_below=merge_below)
            result = estimate(table, **options).to_dict()
            result["source"] = {"link_run": summary["run"]["id"]}
            self.accounts.audit(principal, "estimates:run", target_type="link_run",
                                target_id=summary["run"]["id"])
            return result
        authorize(principal, "estimates:run")
        label = name or (Path(source).name if isinstance(source, (str, Path)) else "overlap table")
        if stratum:
            result = estimate_strata(source, stratum, merge_below=merge_below, **options).to_dict()
        else:
            table = read_overlap(source, name=label, merge_below=merge_below)
            result = estimate(table, **options).to_dict()
        result["source"] = {"table": label}
        return result
