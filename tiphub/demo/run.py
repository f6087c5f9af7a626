"""``Hub.demo``: generate the demo, import it as its organisations would, write the report."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tiphub.errors import Conflict

from .generate import CTDC_KEY, generate_demo

if TYPE_CHECKING:
    from tiphub.hub import Hub

CTDC_ORG = ("ctdc-global", "CTDC-style global synthetic data (demo)", "NGO")


def run_demo(hub: Hub, *, people: int = 1200, global_rows: int = 20_000, seed: int = 2024,
             progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Write the demo under ``<home>/demo``, import every file, write the country report.

    Organisations already registered under a demo code are reused, and a file imported
    before is not imported twice (imports are idempotent), so running it again is safe.
    """
    steps = 8
    tick = progress or (lambda done, total: None)
    manifest = generate_demo(hub.settings.home / "demo", seed=seed, people=people,
                             global_rows=global_rows)
    tick(1, steps)
    orgs = [(o.code, o.name, o.type, o.country) for o in manifest.organisations]
    orgs.append((*CTDC_ORG, None))
    imports = {}
    for done, (code, name, type_, country) in enumerate(orgs, start=2):
        _register(hub, code, name, type_, country)
        key = CTDC_KEY if code == CTDC_ORG[0] else code
        imports[code] = hub.import_file(manifest.files[key], org=code)
        tick(done, steps)
    report = hub.report(country=manifest.country)
    tick(steps, steps)
    records = sum(r.rows_accepted for c, r in imports.items() if c != CTDC_ORG[0])
    lines = [
        f"national demo {manifest.country}: {manifest.people} persons, {records} records from "
        f"{len(manifest.organisations)} organisations (summed counts overstate distinct "
        f"persons by {records / manifest.people - 1:.1%} until records are linked)",
        *(f"  {code:<12} {r.rows_accepted:>7} rows imported, {r.rows_quarantined} quarantined"
          + (" (already imported)" if r.already_imported else "")
          for code, r in imports.items()),
        f"files and truth.csv: {manifest.directory}",
    ]
    return {"country": manifest.country, "directory": str(manifest.directory),
            "report": str(report), "lines": lines, "imports": imports, "manifest": manifest}


def _register(hub: Hub, code: str, name: str, type_: str, country: str | None) -> None:
    try:
        hub.add_organisation(code, name, type=type_, country=country)
    except Conflict:
        pass
