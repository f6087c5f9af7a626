"""The Hub's linkage methods (mixed into :class:`tiphub.Hub`): policy, audit, then the work."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from tiphub.accounts.policy import allowed, authorize
from tiphub.accounts.principal import SYSTEM, Principal
from tiphub.linkage import overlap, runs
from tiphub.linkage.types import MatchParams
from tiphub.records import LinkRun
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
        authorize(principal, "linkage:read")
        with self.db.connect() as conn:
            return store.runs(conn, limit)

    def link_run(self, run_id: int | None = None, *, principal: Principal = SYSTEM) -> LinkRun:
        """Run ``run_id``, or the newest one."""
        authorize(principal, "linkage:read")
        with self.db.connect() as conn:
            return store.run(conn, run_id)

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
            codes = {o.id: o.code for o in repo.organisations(conn)}
        used = {i["organisation"] for i in run.inputs}
        records: dict[int, int] = {}
        for i in run.inputs:
            org_id = next(k for k, c in codes.items() if c == i["organisation"])
            records[org_id] = records.get(org_id, 0) + i["records"]
        summary = overlap.summarise(pairs, {k: c for k, c in codes.items() if c in used}, records,
                                    min_cell=self.settings.min_cell_size, exact=exact)
        return {"run": run.model_dump(mode="json"), **summary}

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
