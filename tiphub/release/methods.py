"""The Hub's release methods (mixed into :class:`tiphub.Hub`): the privacy-budget ledger and
differentially private releases of the hub's case records.

One dataset for now, :data:`DATASET`: every active case record of every organisation, as a
CTDC-format frame (:mod:`tiphub.release.cases`). A hub administrator sets its budget (ε, δ);
each release spends ρ from it in the transaction that stores the release, so a release and
its spend exist together or not at all; a release that would overspend is refused with
what remains. Published releases are immutable: nothing changes a release but
:meth:`ReleaseMethods.publish_release`, and that only once.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

import numpy as np

from tiphub.accounts.policy import allowed, authorize
from tiphub.accounts.principal import SYSTEM, Principal
from tiphub.errors import Conflict, InvalidInput, NotFound

if TYPE_CHECKING:
    from tiphub.accounts.service import Accounts
    from tiphub.config import Settings
    from tiphub.store.engine import Database

DATASET = "case-records"
MAX_ROWS = 1_000_000  # synthetic rows one release may ask for
TABLE_SHARE = 0.5  # of a release's ρ, when it has both tables and a synthetic file


class ReleaseMethods:
    db: Database
    settings: Settings
    accounts: Accounts

    # -- the ledger ------------------------------------------------------------------------

    def _budget(self, conn: Any, *, lock: bool = False) -> Any:
        """The dataset's :class:`~tiphub.release.Budget` rebuilt from the ledger."""
        from tiphub.release import Budget
        from tiphub.store import releases as store

        entry = store.budget(conn, DATASET, lock=lock)
        if entry is None:
            raise Conflict(f"no privacy budget is set for {DATASET}",
                           hint="a hub administrator sets one: tiphub release budget --epsilon 3")
        budget = Budget(epsilon=entry["epsilon"], delta=entry["delta"])
        budget.spent = [_spend(s) for s in store.spends(conn, DATASET)]
        budget.approx = [_approx(s) for s in store.spends(conn, DATASET, "spend-dp")]
        return budget

    def privacy_budget(self, *, principal: Principal = SYSTEM) -> dict[str, Any]:
        """The dataset's budget: total, spent and remaining, as (ε, δ) and as ρ."""
        authorize(principal, "releases:manage")
        with self.db.connect() as conn:
            budget = self._budget(conn)
        return _budget_view(budget)

    def set_privacy_budget(self, epsilon: float, delta: float = 1e-6, *,
                           principal: Principal = SYSTEM) -> dict[str, Any]:
        """Set (or change) the dataset's total budget; never below what is already spent."""
        from tiphub.release import Budget
        from tiphub.store import releases as store

        authorize(principal, "releases:manage")
        new = Budget(epsilon=epsilon, delta=delta)  # refuses meaningless (ε, δ)
        with self.db.begin() as conn:
            new.spent = [_spend(s) for s in store.spends(conn, DATASET)]
            new.approx = [_approx(s) for s in store.spends(conn, DATASET, "spend-dp")]
            if (new.spent_rho > new.total_rho * (1 + 1e-9) or new.zcdp_delta <= 0
                    or new.approx_epsilon > epsilon * (1 + 1e-9)):
                raise Conflict(
                    f"releases have already spent epsilon {new.spent_epsilon():.3g} at delta "
                    f"{delta:g}: a budget of epsilon {epsilon:g} would be overdrawn",
                    hint="a spent budget cannot be taken back; set at least what is spent")
            store.add_entry(conn, DATASET, "budget", epsilon=epsilon, delta=delta,
                            rho=new.total_rho, actor=principal.label)
        self.accounts.audit(principal, "privacy_budget:set", target_type="dataset",
                            target_id=DATASET, detail={"epsilon": epsilon, "delta": delta})
        return _budget_view(new)

    # -- releases --------------------------------------------------------------------------

    def create_release(self, tables: list[str] | None = None, epsilon: float = 1.0, *,
                       synthetic: bool = False, rows: int | None = None, seed: int | None = None,
                       synthesiser: str = "mst",
                       principal: Principal = SYSTEM) -> dict[str, Any]:
        """A draft release of noisy ``tables`` (workload names; all when None and no synthetic
        file) and/or a synthetic CTDC file, spending ``epsilon`` from the dataset's budget.

        ``synthesiser`` is ``"mst"`` (tiphub's, zCDP) or ``"pac-synth"`` (CTDC's, charged in
        (ε, δ): :mod:`tiphub.release.pacsynth`). ``seed`` makes the noise reproducible — and
        not private against whoever knows it: a seeded release can be stored and inspected but
        never published.
        """
        from tiphub.release import (
            check_epsilon_delta,
            epsilon_to_rho,
            release_report,
            release_tables,
            synthesize,
        )
        from tiphub.release.cases import CASE_COLUMNS, frame_from_cases
        from tiphub.release.pacsynth import (
            DELTA_SHARE,
            MechanismFailed,
            check_synthesiser,
            synthesize_pacsynth,
        )
        from tiphub.release.synthetic import MIN_ROWS
        from tiphub.release.tables import workload
        from tiphub.store import releases as store

        authorize(principal, "releases:manage")
        names = [s.name for s in workload(tables)] if tables or not synthetic else []
        check_synthesiser(synthesiser)
        if rows is not None and not synthetic:
            raise InvalidInput("--rows is for the synthetic file", hint="add --synthetic")
        if synthesiser != "mst" and not synthetic:
            raise InvalidInput("--synthesiser is for the synthetic file", hint="add --synthetic")
        pac = synthetic and synthesiser == "pac-synth"
        if pac:
            from tiphub.release.pacsynth import _module

            _module()  # refuse now, before anything is read, if pac-synth is not installed
        if seed is not None and not 0 <= seed <= 2**32:
            raise InvalidInput("the seed is a whole number from 0 to 2^32")
        if rows is not None and not 1 <= rows <= MAX_ROWS:
            raise InvalidInput(f"rows must be between 1 and {MAX_ROWS:,}")
        with self.db.connect() as conn:
            budget = self._budget(conn)
        check_epsilon_delta(epsilon, budget.delta)  # refuses ε ≤ 0 or > 10
        pac_epsilon = pac_delta = 0.0
        if pac:  # (ε, δ) charged beside the ρ of the tables: see tiphub.release.pacsynth
            pac_delta = DELTA_SHARE * budget.zcdp_delta
            pac_epsilon = epsilon * (1 - TABLE_SHARE) if names else epsilon
            rho = epsilon_to_rho(epsilon - pac_epsilon, budget.delta - pac_delta) if names else 0.0
        else:
            rho = epsilon_to_rho(epsilon, budget.delta)
        self._check_spend(budget, rho, principal, epsilon=pac_epsilon, delta=pac_delta)
        with self.db.connect() as conn:
            frame = frame_from_cases(store.record_rows(conn, CASE_COLUMNS))
        if frame.n == 0:
            raise InvalidInput("the hub holds no case records to release")
        if synthetic and frame.n < MIN_ROWS:
            raise InvalidInput(
                f"{frame.n} case records are too few for useful synthetic data (at least "
                f"{MIN_ROWS})", hint="release noisy tables only: leave out --synthetic")
        rho_tables = rho * (TABLE_SHARE if synthetic and not pac else 1.0) if names else 0.0
        noisy = release_tables(frame, rho_tables, names, seed=seed) if names else None
        if pac:
            try:
                synth = synthesize_pacsynth(frame, pac_epsilon, pac_delta, rows=rows)
            except MechanismFailed:  # the failure is an outcome seen: charge the attempt
                with self.db.begin() as conn:
                    store.add_entry(conn, DATASET, "spend-dp", epsilon=pac_epsilon, delta=pac_delta,
                                    rho=0.0, actor=principal.label, release_id=None)
                self.accounts.audit(principal, "release:create", outcome="failed",
                                    target_type="dataset", target_id=DATASET,
                                    detail={"synthesiser": synthesiser, "epsilon_dp": pac_epsilon,
                                            "delta_dp": pac_delta, "charged": True})
                raise
        else:
            synth = (synthesize(frame, rho - rho_tables, rows=rows,
                                seed=None if seed is None else seed + 1) if synthetic else None)
        report = release_report(frame, epsilon, budget.delta,
                                synthetic=synth.frame if synth else None,
                                tables=list(noisy.tables.values()) if noisy else ())
        csv_text = None
        if synth is not None:
            buffer = io.StringIO()
            _write_frame(synth.frame, buffer)
            csv_text = buffer.getvalue()
        parameters = {"tables": names, "synthetic": synthetic, "rows": synth.frame.n if synth else None,
                      "seed": seed, "secure": seed is None, "records": frame.n,
                      "rho_tables": rho_tables, "rho_synthetic": rho - rho_tables,
                      "synthesiser": synthesiser if synthetic else None,
                      "pac_epsilon": pac_epsilon, "pac_delta": pac_delta,
                      "warnings": synth.warnings if synth else []}
        internal = {**report.public(), "tvd": [vars(t) for t in report.tvd],
                    "table_mae": report.table_mae, "synthetic_table_mae": report.synthetic_table_mae,
                    "rare_combinations": report.rare_combinations,
                    "unique_matches": report.unique_matches}
        with self.db.begin() as conn:  # the release and its spend: together or not at all
            budget = self._budget(conn, lock=True)
            self._check_spend(budget, rho, principal, epsilon=pac_epsilon, delta=pac_delta)
            release_id = store.add_release(conn, {
                "dataset": DATASET, "epsilon": epsilon, "delta": budget.delta, "rho": rho,
                "parameters": parameters, "tables": [_table_json(t) for t in
                                                     (noisy.tables.values() if noisy else ())],
                "synthetic_csv": csv_text, "report_internal": _plain(internal),
                "report_public": report.public(), "created_by": principal.label})
            store.add_entry(conn, DATASET, "spend", epsilon=epsilon, delta=budget.delta, rho=rho,
                            actor=principal.label, release_id=release_id)
            if pac:
                store.add_entry(conn, DATASET, "spend-dp", epsilon=pac_epsilon, delta=pac_delta,
                                rho=0.0, actor=principal.label, release_id=release_id)
                budget.spend_approx(pac_epsilon, pac_delta, f"release {release_id}")
            budget.spend(rho, f"release {release_id}")
        self.accounts.audit(principal, "release:create", target_type="release",
                            target_id=release_id,
                            detail={"epsilon": epsilon, "delta": budget.delta, "rho": rho,
                                    "tables": names, "synthetic": synthetic,
                                    "synthesiser": synthesiser if synthetic else None,
                                    "remaining_epsilon": round(budget.remaining_epsilon(), 6)})
        return self.release(release_id, principal=principal)

    def _check_spend(self, budget: Any, rho: float, principal: Principal, *,
                     epsilon: float = 0.0, delta: float = 0.0) -> None:
        try:
            budget.check(rho, "this release", epsilon=epsilon, delta=delta)
        except Conflict:
            self.accounts.audit(principal, "release:create", outcome="refused",
                                target_type="dataset", target_id=DATASET,
                                detail={"rho": rho, "epsilon_dp": epsilon, "delta_dp": delta,
                                        "remaining_rho": budget.remaining_rho})
            raise

    def delete_release(self, release_id: int, *, principal: Principal = SYSTEM) -> dict[str, Any]:
        """Delete a draft (hub administrators). Published releases are immutable: refused.

        The draft's spend is **not** refunded: its noisy answers were computed from the real
        data and seen by whoever prepared it, so the privacy they cost is spent whether or not
        the draft is ever published. Its tables, synthetic file and reports are erased; the
        ledger keeps the spend, and the audit log the deletion.
        """
        from tiphub.store import releases as store

        authorize(principal, "releases:manage")
        with self.db.begin() as conn:
            stored = store.release(conn, release_id, lock=True)  # NotFound: none, or deleted
            if stored["status"] == "published" or not store.delete_draft(conn, release_id):
                raise Conflict(f"release {release_id} is published: a published release is "
                               "never changed or deleted",
                               hint="it stays citable; a new release can supersede it")
        self.accounts.audit(principal, "release:delete", target_type="release",
                            target_id=release_id,
                            detail={"epsilon": stored["epsilon"], "rho": stored["rho"],
                                    "refunded": False})
        return {"id": release_id, "status": "deleted", "epsilon": stored["epsilon"],
                "delta": stored["delta"], "refunded": False}

    def publish_release(self, release_id: int, *, principal: Principal = SYSTEM) -> dict[str, Any]:
        """Make a draft public and immutable (once: publishing again is a Conflict)."""
        from tiphub.store import releases as store

        authorize(principal, "releases:manage")
        with self.db.begin() as conn:
            stored = store.release(conn, release_id, lock=True)
            if stored["status"] == "published":
                raise Conflict(f"release {release_id} is already published",
                               hint="a published release never changes; create a new one")
            if not stored["parameters"]["secure"]:
                raise Conflict(f"release {release_id} was made with a seed: its noise can be "
                               "recomputed, so it protects no one", hint="create it again "
                               "without --seed, then publish that one")
            if not store.publish(conn, release_id):
                raise Conflict(f"release {release_id} is already published")
        self.accounts.audit(principal, "release:publish", target_type="release",
                            target_id=release_id)
        return self.release(release_id, principal=principal)

    def releases(self, *, principal: Principal = SYSTEM) -> list[dict[str, Any]]:
        """Published releases, newest first (drafts too for hub administrators)."""
        from tiphub.store import releases as store

        authorize(principal, "releases:read")
        manager = allowed(principal, "releases:manage")
        with self.db.connect() as conn:
            found = store.releases(conn, status=None if manager else "published")
        return [_view(r, manager) for r in found]

    def release(self, release_id: int, *, principal: Principal = SYSTEM) -> dict[str, Any]:
        """One release with its tables (a draft: hub administrators only)."""
        from tiphub.store import releases as store

        authorize(principal, "releases:read")
        with self.db.connect() as conn:
            stored = store.release(conn, release_id)
        manager = allowed(principal, "releases:manage")
        if stored["status"] != "published" and not manager:
            raise NotFound(f"no published release {release_id}",
                           hint="GET /releases lists the published ones")
        view = _view(stored, manager)
        view["tables"] = stored["tables"]
        view["has_synthetic"] = stored["synthetic_csv"] is not None
        return view

    def release_tables_csv(self, release_id: int, *, principal: Principal = SYSTEM) -> str:
        """The release's tables, one row per cell, with error bars."""
        view = self.release(release_id, principal=principal)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["table", "dimension_1", "value_1", "dimension_2", "value_2", "count",
                         "sd", "ci95", "flagged"])
        for table in view["tables"]:
            counts = np.asarray(table["counts"])
            for idx in np.ndindex(*counts.shape):
                keys: list[str] = []
                for a, d, i in zip(table["attributes"], table["domains"], idx, strict=True):
                    keys += [a, d[i]]
                keys += [""] * (4 - len(keys))
                n = int(counts[idx])
                writer.writerow([table["name"], *keys, n, table["sd"], table["ci95"],
                                 int(n <= table["ci95"])])
        return buffer.getvalue()

    def release_synthetic_csv(self, release_id: int, *, principal: Principal = SYSTEM) -> str:
        """The release's synthetic file in the CTDC global synthetic format."""
        from tiphub.store import releases as store

        self.release(release_id, principal=principal)  # policy and drafts
        with self.db.connect() as conn:
            text = store.release(conn, release_id)["synthetic_csv"]
        if text is None:
            raise NotFound(f"release {release_id} has no synthetic file")
        return text


def _spend(entry: dict[str, Any]) -> Any:
    from tiphub.release.accounting import Spend

    return Spend(f"release {entry['release_id']}", float(entry["rho"]))


def _approx(entry: dict[str, Any]) -> Any:
    from tiphub.release.accounting import ApproxSpend

    return ApproxSpend(f"release {entry['release_id']}", float(entry["epsilon"]),
                       float(entry["delta"]))


def _budget_view(budget: Any) -> dict[str, Any]:
    return {"dataset": DATASET, "epsilon": budget.epsilon, "delta": budget.delta,
            "spent_epsilon": round(budget.spent_epsilon(), 6),
            "remaining_epsilon": round(budget.remaining_epsilon(), 6),
            "total_rho": budget.total_rho, "spent_rho": budget.spent_rho,
            "remaining_rho": budget.remaining_rho, "releases": len(budget.spent),
            "spent_epsilon_dp": budget.approx_epsilon, "spent_delta_dp": budget.approx_delta}


def _table_json(table: Any) -> dict[str, Any]:
    return {"name": table.name, "title": table.title, "attributes": list(table.attributes),
            "domains": [list(d) for d in table.domains], "counts": table.counts.tolist(),
            "total": table.total, "sd": round(table.sd, 4), "ci95": round(table.half_width, 4),
            "rho": table.rho, "flagged": int(table.flagged.sum())}


def _write_frame(frame: Any, buffer: io.StringIO) -> None:
    from tiphub.release.data import frame_to_rows

    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(frame.names)
    writer.writerows(frame_to_rows(frame))


def _plain(value: Any) -> Any:
    """JSON-ready: numpy numbers and tuples as Python ones."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


PUBLIC_PARAMETERS = ("tables", "synthetic", "rows", "synthesiser")  # not the exact record count


def _view(stored: dict[str, Any], manager: bool) -> dict[str, Any]:
    """A release as ``manager`` (hub administrators) or anyone else may see it."""
    view = {k: stored[k] for k in ("id", "dataset", "status", "epsilon", "delta", "created_at",
                                   "published_at", "report_public")}
    params = dict(stored["parameters"])
    if params.get("synthetic") and not params.get("synthesiser"):
        params["synthesiser"] = "mst"  # releases made before pac-synth was offered
    view["parameters"] = params if manager else {k: params.get(k) for k in PUBLIC_PARAMETERS}
    if manager:
        view["rho"] = stored["rho"]
        view["created_by"] = stored["created_by"]
        if "report_internal" in stored:
            view["report_internal"] = stored["report_internal"]
    return view
