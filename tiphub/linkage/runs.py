"""A link run at the hub: gather the encoded submissions, link them, store the persons.

The hub never sees an identifier: it reads the encodings organisations submitted, hands them
to an engine (:mod:`.local` or :mod:`.spark`, which give the same persons), numbers the persons
and stores which record belongs to which, with the run's provenance. Similarity scores are
not stored: they stay inside the run.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import numpy as np

from tiphub.errors import InvalidInput
from tiphub.linkage.types import Encodings, Matching, MatchParams
from tiphub.records import LinkRun
from tiphub.store import linkage as store
from tiphub.store.engine import Database

ENGINES = ("local", "spark")
PARTY = re.compile(r"^Party (\d+):")


def link(db: Database, *, organisation_ids: Sequence[int] | None = None,
         params: MatchParams | None = None, engine: str = "local", created_by: str = "cli",
         progress: Callable[[str], None] | None = None) -> LinkRun:
    """Link every active encoded submission (of ``organisation_ids``, or all) into persons.

    The same inputs and parameters give the same run: an identical earlier run is returned
    (``reused``) instead of a new one.
    """
    say = progress or (lambda message: None)
    params = params or MatchParams()
    match = engine_match(engine)  # an unknown engine is refused before any work
    _check_params(params)
    with db.connect() as conn:
        inputs = store.encoded_inputs(conn, organisation_ids)
    _check_inputs(inputs, params)
    key = _inputs_key(inputs, params, engine)
    with db.connect() as conn:
        earlier = store.run_by_inputs_key(conn, key)
    if earlier is not None:
        return earlier.model_copy(update={"reused": True})
    say(f"reading {sum(i['records_encoded'] for i in inputs):,} encodings from {len(inputs)} submissions")
    started = time.perf_counter()
    bits, subs, rows, party, orgs = _load(db, inputs)
    say(f"linking with the {engine} engine")
    matching = match(Encodings(bits=bits, party=party), params)
    persons = _number(matching.person)
    warnings = [_named(w, orgs) for w in matching.warnings]
    # records without an encoding (no usable identifier) are persons of their own
    with db.connect() as conn:
        alone = [(i["id"], row) for i in inputs for row in store.unencoded_rows(conn, i["id"])]
    if alone:
        first = int(persons.max()) + 1 if len(persons) else 1
        subs = np.concatenate([subs, np.array([s for s, _ in alone], dtype=np.int64)])
        rows = np.concatenate([rows, np.array([r for _, r in alone], dtype=np.int64)])
        persons = np.concatenate([persons, np.arange(first, first + len(alone), dtype=np.int64)])
    seconds = time.perf_counter() - started
    values = {
        "created_at": datetime.now(UTC), "created_by": created_by[:254], "engine": engine,
        "inputs_key": key, "inputs": [_describe(i) for i in inputs],
        "parameters": {"requested": asdict(params), "threshold": matching.threshold,
                       "blocking": matching.blocking},
        "schema_fingerprint": inputs[0]["schema_fingerprint"], "threshold": matching.threshold,
        "threshold_estimated": matching.threshold_estimated, "records": int(len(persons)),
        "records_without_encoding": len(alone),
        "persons": int(persons.max()) if len(persons) else 0,
        "candidates": matching.candidates, "comparisons": matching.comparisons,
        "seconds": round(seconds, 3), "warnings": warnings,
    }
    members = zip(subs.tolist(), rows.tolist(), persons.tolist(), strict=True)
    with db.begin() as conn:
        run_id = store.create_run(conn, values, members, db.dialect.bulk_insert)
        return store.run(conn, run_id)


def engine_match(name: str) -> Callable[[Encodings, MatchParams], Matching]:
    """The ``match`` function of engine ``name`` (Spark is imported only when asked for)."""
    if name not in ENGINES:
        raise InvalidInput(f"unknown linkage engine {name!r}", hint=f"accepted: {', '.join(ENGINES)}")
    if name == "spark":
        from tiphub.linkage import spark

        return spark.match
    from tiphub.linkage import local

    return local.match


def _check_params(params: MatchParams) -> None:
    if params.threshold is not None and not 0.0 < params.threshold <= 1.0:
        raise InvalidInput("the threshold is a Dice score between 0 and 1",
                           hint="for example 0.8; leave it out to estimate it from the scores")
    if params.blocking not in ("auto", "none", "lsh"):
        raise InvalidInput(f"unknown blocking {params.blocking!r}", hint="accepted: auto, none, lsh")


def _check_inputs(inputs: list[dict[str, Any]], params: MatchParams) -> None:
    if not inputs:
        raise InvalidInput(
            "no encoded submissions to link",
            hint="each organisation runs `tiphub encode` on its people file and imports the result")
    by_schema: dict[tuple[str, int], list[str]] = {}
    for i in inputs:
        by_schema.setdefault((i["schema_fingerprint"], i["filter_bits"]), []).append(
            f"{i['code']} (submission {i['id']})")
    if len(by_schema) > 1:
        groups = "; ".join(f"schema {fp}, {bits} bits: {', '.join(who)}"
                           for (fp, bits), who in sorted(by_schema.items()))
        raise InvalidInput(
            f"the submissions were encoded with different linkage schemas or lengths ({groups})",
            hint="all organisations must encode with the same schema; re-encode the odd ones, "
                 "or link a subset with --org")
    if len({i["organisation_id"] for i in inputs}) < 2 and not params.within_party:
        raise InvalidInput(
            "only one organisation has encoded submissions: there is no one to link it with",
            hint="pass --within-party to find duplicates inside one organisation's records")


def _inputs_key(inputs: list[dict[str, Any]], params: MatchParams, engine: str) -> str:
    described = {"inputs": [(i["id"], i["sha256"]) for i in inputs], "params": asdict(params),
                 "engine": engine}
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()


def _describe(i: dict[str, Any]) -> dict[str, Any]:
    return {"submission_id": i["id"], "organisation": i["code"], "file_name": i["file_name"],
            "sha256": i["sha256"], "records": i["records_encoded"]}


def _load(db: Database, inputs: list[dict[str, Any]]
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """The encodings as one (n, bytes) array, ordered by (submission, row), and who holds each."""
    org_ids = sorted({i["organisation_id"] for i in inputs})
    party_of = {o: k for k, o in enumerate(org_ids)}
    codes = {i["organisation_id"]: i["code"] for i in inputs}
    nbytes = inputs[0]["filter_bits"] // 8
    total = sum(i["records_encoded"] for i in inputs)
    bits = np.empty((total, nbytes), dtype=np.uint8)
    subs = np.empty(total, dtype=np.int64)
    rows = np.empty(total, dtype=np.int64)
    party = np.empty(total, dtype=np.int32)
    at = 0
    with db.connect() as conn:
        for i in inputs:
            for chunk in store.iter_encodings(conn, i["id"]):
                n = len(chunk)
                bits[at:at + n] = np.frombuffer(b"".join(c for _, c in chunk), dtype=np.uint8
                                                ).reshape(n, nbytes)
                rows[at:at + n] = [r for r, _ in chunk]
                subs[at:at + n] = i["id"]
                party[at:at + n] = party_of[i["organisation_id"]]
                at += n
    if at != total:  # the table changed under us: never link a partial picture
        raise InvalidInput("the encoded submissions changed while they were read; run the link again")
    return bits, subs, rows, party, [codes[o] for o in org_ids]


def _number(labels: np.ndarray) -> np.ndarray:
    """Persons numbered 1..P in the order of their first record (labels are first positions)."""
    _, numbers = np.unique(labels, return_inverse=True)
    return numbers.astype(np.int64) + 1


def _named(warning: str, orgs: list[str]) -> str:
    """The engines number parties; say which organisation a warning is about."""
    found = PARTY.match(warning)
    return f"Organisation {orgs[int(found.group(1))]}:{warning[found.end():]}" if found else warning
