"""The Hub's linkage methods (mixed into :class:`tiphub.Hub`): policy, audit, then the work."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from tiphub.accounts.policy import allowed, authorize
from tiphub.accounts.principal import SYSTEM, Principal
from tiphub.linkage import overlap, runs
from tiphub.linkage.types import MatchParams
from tiphub.records import LinkRun
from tiphub.stats.rounding import secret_rounder
from tiphub.store import linkage as store
from tiphub.store import repo

if TYPE_CHECKING:
    from tiphub.accounts.service import Accounts
    from tiphub.config import Settings
    from tiphub.records import Organisation
    from tiphub.store.engine import Database


class LinkageMethods:
    db: Database
    settings: Settings
    accounts: Accounts

    def organisation(self, code: str) -> Organisation:  # provided by Hub
        raise NotImplementedError

    def link(self, orgs: Sequence[str] | None = None, *, threshold: float | None = None,
             blocking: str = "auto", engine: str = "local", within_party: bool = False,
             seed: int = 0, principal: Principal = SYSTEM,
             progress: Callable[[str], None] | None = None) -> LinkRun:
        """Link the encoded submissions of ``orgs`` (default: every organisation) into persons."""
        authorize(principal, "linkage:run")
        org_ids = [self.organisation(code).id for code in orgs] if orgs else None
        params = MatchParams(threshold=threshold, blocking=blocking, seed=seed,
                             within_party=within_party)
        run = runs.link(self.db, organisation_ids=org_ids, params=params, engine=engine,
                        created_by=principal.label, progress=progress)
        if not run.reused:
            self.accounts.audit(principal, "linkage:run", target_type="link_run", target_id=run.id,
                                detail={"records": run.records, "persons": run.persons,
                                        "engine": engine})
        return run

    def link_runs(self, limit: int = 50, *, principal: Principal = SYSTEM) -> list[LinkRun]:
        """Link runs, newest first: in full for hub administrators, else what may be published."""
        authorize(principal, "linkage:read")
        with self.db.connect() as conn:
            runs_ = store.runs(conn, limit)
            shown = self._run_view(conn, principal)
        return [shown(r) for r in runs_]

    def link_run(self, run_id: int | None = None, *, principal: Principal = SYSTEM) -> LinkRun:
        """Run ``run_id``, or the newest one (see :meth:`link_runs` for what is shown)."""
        authorize(principal, "linkage:read")
        with self.db.connect() as conn:
            return self._run_view(conn, principal)(store.run(conn, run_id))

    def _run_view(self, conn: Any, principal: Principal) -> Callable[[LinkRun], LinkRun]:
        """Everything for those who may link; for everyone else the run without what would
        give away another organisation's files or exact sizes (file names, hashes, record
        counts, pairs compared), with its totals rounded like every published count."""
        if allowed(principal, "linkage:run"):
            return lambda run: run
        rounder = self._rounder(conn)

        def public(run: LinkRun) -> LinkRun:
            codes = sorted({i["organisation"] for i in run.inputs})
            return run.model_copy(update={
                "created_by": "hub administrator", "inputs": [{"organisation": c} for c in codes],
                "parameters": {"threshold": run.threshold}, "records": rounder(run.records),
                "persons": rounder(run.persons), "candidates": None, "comparisons": None})

        return public

    def _rounder(self, conn: Any) -> Callable[[int], int]:
        """The secret rounding every published count goes through (made on first use)."""
        rounder = secret_rounder(repo.state_secret(conn, "rounding"), self.settings.rounding_base)
        conn.commit()
        return rounder

    def link_summary(self, run_id: int | None = None, *, exact: bool = False,
                     principal: Principal = SYSTEM) -> dict[str, Any]:
        """Records against distinct persons per organisation, and the overlap table.

        Counts are protected (small cells hidden) unless ``exact``, which only the command
        line and hub administrators may ask for (estimation needs the exact table).
        """
        authorize(principal, "linkage:run" if exact else "linkage:read")
        with self.db.connect() as conn:
            run = store.run(conn, run_id)
            pairs = store.person_organisations(conn, run.id)
            records = store.records_per_organisation(conn, run.id)
            codes = {o.id: o.code for o in repo.organisations(conn)}
            rounder = self._rounder(conn)
            shown = self._run_view(conn, principal)(run)
        summary = overlap.summarise(pairs, {k: codes[k] for k in records}, records,
                                    min_cell=self.settings.min_cell_size, exact=exact, rounder=rounder)
        if exact:
            self.accounts.audit(principal, "linkage:overlap", target_type="link_run", target_id=run.id)
        return {"run": shown.model_dump(mode="json"), **summary}

    def link_records(self, org: str, run_id: int | None = None, *,
                     principal: Principal = SYSTEM) -> list[dict[str, Any]]:
        """One organisation's own records with their person and who else holds that person.

        Case-level: members of the organisation who may read its records (audited).
        """
        organisation = self.organisation(org)
        if not allowed(principal, "records:read", organisation.id):
            self.accounts.audit(principal, "linkage:records", outcome="denied",
                                target_type="organisation", target_id=organisation.id,
                                organisation_id=organisation.id)
        authorize(principal, "records:read", organisation.id)
        with self.db.connect() as conn:
            run = store.run(conn, run_id)
            mine = store.members_of_organisation(conn, run.id, organisation.id)
            pairs = store.person_organisations(conn, run.id)
            codes = {o.id: o.code for o in repo.organisations(conn)}
        holders: dict[int, list[str]] = {}
        for person, org_id in pairs:
            if org_id != organisation.id:
                holders.setdefault(person, []).append(codes[org_id])
        self.accounts.audit(principal, "linkage:records", target_type="organisation",
                            target_id=organisation.id, organisation_id=organisation.id,
                            detail={"run": run.id, "records": len(mine)})
        return [{"local_id": local, "row_number": row, "person": person,
                 "also_held_by": sorted(holders.get(person, []))} for local, row, person in mine]
