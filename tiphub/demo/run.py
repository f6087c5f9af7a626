"""``Hub.demo``: generate the demo, import it as its organisations would, write the report."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tiphub.errors import Conflict
from tiphub.linkage.encode_file import encode_file
from tiphub.linkage.encoding import read_secret
from tiphub.linkage.evaluate import pairwise
from tiphub.linkage.schema import default_schema

from .coordination import load_coordination
from .generate import CTDC_KEY, generate_demo
from .instruments import load_instruments
from .logframes import load_logframes

if TYPE_CHECKING:
    from tiphub.hub import Hub

CTDC_ORG = ("ctdc-global", "CTDC-style global synthetic data (demo)", "NGO")


def run_demo(hub: Hub, *, people: int = 1200, global_rows: int = 20_000, seed: int = 2024,
             progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Write the demo under ``<home>/demo``, import every file, write the country report.

    Organisations already registered under a demo code are reused, and a file imported
    before is not imported twice (imports are idempotent), so running it again is safe.
    """
    steps = 9
    tick = progress or (lambda done, total: None)
    manifest = generate_demo(hub.settings.home / "demo", seed=seed, people=people,
                             global_rows=global_rows)
    tick(1, steps)
    orgs = [(o.code, o.name, o.type, o.country) for o in manifest.organisations]
    orgs.append((*CTDC_ORG, None))
    secret = _demo_secret(manifest.directory, seed)
    imports = {}
    for done, (code, name, type_, country) in enumerate(orgs, start=2):
        _register(hub, code, name, type_, country)
        if code == CTDC_ORG[0]:
            imports[code] = hub.import_file(manifest.files[CTDC_KEY], org=code)
        else:  # what each organisation does on its own machine, then submits the result
            encoded = manifest.directory / f"{code}.encoded.csv"
            encode_file(manifest.files[code], encoded, schema=default_schema(), secret=secret)
            imports[code] = hub.import_file(encoded, org=code)
        tick(done, steps)
    run = hub.link()
    estimate = hub.link_estimate(run.id)
    activities = load_coordination(hub, manifest.directory, manifest.country,
                                   [o.code for o in manifest.organisations], seed=seed)
    indicators = load_logframes(hub, manifest.directory, manifest.country)
    treaty_status = load_instruments(hub, manifest.directory)
    tick(steps - 1, steps)
    report = hub.report(country=manifest.country)
    tick(steps, steps)
    records = sum(r.rows_accepted for c, r in imports.items() if c != CTDC_ORG[0])
    quality = linkage_quality(hub, manifest.directory / "truth.csv", run.id)
    lines = [
        f"national demo {manifest.country}: {manifest.people} persons, {records} records from "
        f"{len(manifest.organisations)} organisations",
        *(f"  {code:<12} {r.rows_accepted:>7} rows imported, {r.rows_quarantined} quarantined"
          + (" (already imported)" if r.already_imported else "")
          for code, r in imports.items()),
        f"linked (run {run.id}): {run.records} records are {run.persons} distinct persons "
        f"(the demo's truth: {manifest.people}); against the truth, precision "
        f"{quality['precision']:.3f}, recall {quality['recall']:.3f}",
        f"estimated from how the lists overlap: {estimate['total']:,.0f} victims in all, 95 % interval "
        f"{estimate['intervals'][0]['lower']:,.0f}–{estimate['intervals'][0]['upper'] or float('inf'):,.0f} "
        "(multiple systems estimation; the demo hands its persons to organisations at random "
        "instead of modelling victims nobody found: it shows the method, not a finding)",
        f"coordination: {len(activities)} organisations submitted {sum(activities.values())} "
        f"activities (5W); the national mechanisms are in the directory",
        f"indicators: {indicators} programme indicators with baselines, targets and "
        "measurements (tiphub indicators list)",
        f"instruments: an illustrative treaty-status table for {treaty_status['countries']} countries "
        "(not the depositaries' record; tiphub instruments list)",
        f"files, encoded files and truth.csv: {manifest.directory}",
    ]
    return {"country": manifest.country, "directory": str(manifest.directory),
            "report": str(report), "lines": lines, "imports": imports, "manifest": manifest,
            "link_run": run, "linkage_quality": quality, "estimate": estimate,
            "activities": activities}


def _demo_secret(directory: Path, seed: int) -> bytes:
    """The demo organisations' shared secret, derived from the seed: the same demo encodes to
    the same bits in every home (imports stay idempotent, the quality figures reproducible).
    Written beside the demo files to show what organisations keep; never a real secret."""
    secret = hashlib.sha256(f"tiphub demo linkage secret, seed {seed}".encode()).hexdigest()
    path = directory / "linkage-secret.key"
    path.write_text(secret + "\n", encoding="ascii")
    path.chmod(0o600)
    return read_secret(path)


def linkage_quality(hub: Hub, truth: Path, run_id: int) -> dict[str, float]:
    """Pairwise precision and recall of a demo link run against the demo's ``truth.csv``."""
    with truth.open(newline="", encoding="utf-8") as fh:
        person_of = {(r["org"], r["prs_Id"]): r["person_id"] for r in csv.DictReader(fh)}
    found: list[tuple[int, str]] = []
    for code in {org for org, _ in person_of}:
        for rec in hub.link_records(code, run_id):
            found.append((rec["person"], person_of[(code, rec["local_id"])]))
    hits, predicted, true = pairwise([p for p, _ in found], [t for _, t in found])
    return {"precision": hits / predicted if predicted else 1.0,
            "recall": hits / true if true else 1.0}


def _register(hub: Hub, code: str, name: str, type_: str, country: str | None) -> None:
    try:
        hub.add_organisation(code, name, type=type_, country=country)
    except Conflict:
        pass
