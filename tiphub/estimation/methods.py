"""The Hub's estimation methods (mixed into :class:`tiphub.Hub`): policy, audit, then the work."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from tiphub.accounts.policy import allowed, authorize
from tiphub.accounts.principal import SYSTEM, Principal
from tiphub.errors import InvalidInput
from tiphub.store import repo

if TYPE_CHECKING:
    from tiphub.accounts.service import Accounts
    from tiphub.config import Settings
    from tiphub.store.engine import Database

MAX_BOOTSTRAP = 10_000
#: strata of a link run's persons: the option, the case-record column it reads
STRATA = {"sex": "gender", "age": "majority_status", "form": "forms_yes"}


class EstimationMethods:
    db: Database
    settings: Settings
    accounts: Accounts
    _run_estimates: dict[tuple[int, int], dict[str, Any]]

    def link_run(self, run_id: int | None = None, *,
                 principal: Principal = SYSTEM) -> Any:  # provided by Hub
        raise NotImplementedError

    def _rounder(self, conn: Any) -> Any:  # provided by Hub
        raise NotImplementedError

    def _strata_rows(self, summary: dict[str, Any], column: str, name: str) -> list[dict[str, Any]]:
        """The run's overlap table split by a person's value of ``column`` (the value most of
        the person's records give; "not recorded" when none does)."""
        from collections import Counter

        from tiphub.store import linkage as store

        with self.db.connect() as conn:
            values = store.person_values(conn, summary["run"]["id"], column)
            holders = store.person_organisations(conn, summary["run"]["id"])
            codes = {o.id: o.code for o in repo.organisations(conn)}
        votes: dict[int, Counter] = {}
        if column == "forms_yes":  # several forms per record: a person's forms are all its records'
            masks: dict[int, int] = {}
            for person, value in values:
                masks[person] = masks.get(person, 0) | int(value or 0)
            values = [(person, _form_stratum(mask)) for person, mask in masks.items()]
        for person, value in values:
            votes.setdefault(person, Counter())[value or "not recorded"] += 1
        held: dict[int, set[str]] = {}
        for person, org in holders:
            held.setdefault(person, set()).add(codes[org])
        cells: Counter = Counter()
        for person, orgs in held.items():
            ranked = sorted(votes[person].items(), key=lambda kv: (-kv[1], kv[0] == "not recorded", kv[0]))
            cells[(tuple(int(c in orgs) for c in summary["lists"]), ranked[0][0])] += 1
        return [{**dict(zip(summary["lists"], pattern, strict=True)), name: label, "count": n}
                for (pattern, label), n in sorted(cells.items())]

    def link_estimate(self, run_id: int | None = None, *, bootstrap: int = 1000,
                      principal: Principal = SYSTEM) -> dict[str, Any]:
        """The estimate of a link run (the newest by default) with the hub's standard options
        (stepwise AIC, seeded bootstrap): in full for hub administrators, otherwise as it may be
        published (:func:`published`). Computed once per run and kept in memory."""
        authorize(principal, "linkage:read")
        run = self.link_run(run_id)
        key = (run.id, bootstrap)
        cache = self.__dict__.setdefault("_run_estimates", {})
        if key not in cache:
            cache[key] = self.estimate(link_run=run.id, bootstrap=bootstrap)
        if allowed(principal, "linkage:run"):
            return cache[key]
        with self.db.connect() as conn:
            return published(cache[key], self._rounder(conn))

    def link_summary(self, run_id: int | None = None, *, exact: bool = False,
                     principal: Principal = SYSTEM) -> dict[str, Any]:  # provided by Hub
        raise NotImplementedError

    def estimate(self, source: Path | str | list[dict[str, Any]] | None = None, *,
                 link_run: int | None = None, latest_run: bool = False, method: str = "stepwise",
                 criterion: str = "aic", interactions: list[str] | None = None,
                 bootstrap: int = 1000, seed: int = 2024, merge_below: int | None = None,
                 stratum: str | None = None, name: str | None = None, by: str | None = None,
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
        if by is not None and by not in STRATA:
            raise InvalidInput(f"cannot estimate by {by!r}", hint=f"accepted: {', '.join(STRATA)}")
        if source is None:
            summary = self.link_summary(link_run, exact=True, principal=principal)  # linkage:run
            if by is not None:
                rows = self._strata_rows(summary, STRATA[by], by)
                result = estimate_strata(rows, by, merge_below=merge_below, **options).to_dict()
            else:
                rows = [{**dict(zip(summary["lists"], r["pattern"], strict=True)), "count": r["persons"]}
                        for r in summary["overlap"]]
                table = read_overlap(rows, name=f"link run {summary['run']['id']}",
                                     merge_below=merge_below)
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


def _form_stratum(mask: int) -> str | None:
    """A person's form-of-exploitation stratum: disjoint, as strata must be."""
    from tiphub.vocab.codes import ANALYTIC

    forms = ANALYTIC.flag_group("forms")
    sexual = bool(mask & forms.bit("sexual_exploitation"))
    labour = bool(mask & forms.bit("forced_labour"))
    if sexual and labour:
        return "sexual exploitation and forced labour"
    if sexual:
        return "sexual exploitation"
    if labour:
        return "forced labour"
    return "other forms" if mask else None


def significant(value: float | None, digits: int = 3) -> float | None:
    """``value`` to ``digits`` significant figures: an estimate is not precise to the person."""
    if value is None:
        return None
    if value == 0:
        return 0.0
    from math import floor, log10

    return float(round(value, -int(floor(log10(abs(value)))) + digits - 1))


def published(result: dict[str, Any], rounder: Any) -> dict[str, Any]:
    """What an estimate from a link run shows to members who may not read the exact table:
    the persons seen rounded like every published count, the estimates to three significant
    figures, the model and its caveats; not the fit's criteria and p-values, which are
    computed from the exact cells."""
    shown = dict(result)
    shown["observed"] = rounder(result["observed"])
    for key in ("unseen", "total"):
        shown[key] = significant(result[key])
    shown["intervals"] = [{**i, "lower": significant(i["lower"]), "upper": significant(i["upper"])}
                          for i in result["intervals"]]
    shown["alternatives"] = [{"model": a["model"], "total": significant(a["total"])}
                             for a in result["alternatives"]]
    shown["selection"] = {k: v for k, v in result["selection"].items() if k in ("method", "criterion", "why")}
    shown["rounded"] = True
    return shown
