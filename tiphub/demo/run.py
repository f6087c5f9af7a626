"""What `tiphub demo` does: generate the demo data, import it as its organisations would,
and write the country report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tiphub.errors import Conflict

if TYPE_CHECKING:
    from tiphub.hub import Hub

GLOBAL_ORG = ("ctdc-global", "Global CTDC-style dataset (demo)", "NGO")


def run_demo(hub: Hub, *, people: int, global_rows: int, seed: int,
             progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    from tiphub.demo import generate_demo

    directory = Path(hub.settings.home) / "demo"
    manifest = generate_demo(directory, seed=seed, people=people, global_rows=global_rows)
    lines = [f"demo data in {directory} (seed {seed})"]
    orgs = [(o.code, o.name, o.type, o.country) for o in manifest.organisations]
    orgs.append((*GLOBAL_ORG, None))
    for code, name, type_, country in orgs:
        try:
            hub.add_organisation(code, name, type=type_, country=country)
        except Conflict:
            pass  # a second run reuses the organisations
    national = 0
    for code, *_ in orgs:
        key = "ctdc-global" if code == GLOBAL_ORG[0] else code
        report = hub.import_file(manifest.files[key], org=code, progress=progress)
        state = "already imported" if report.already_imported else "imported"
        lines.append(f"  {code}: {state} {report.rows_accepted} records"
                     + (f", {report.rows_quarantined} quarantined" if report.rows_quarantined else ""))
        if code != GLOBAL_ORG[0]:
            national += report.rows_accepted
    lines.append(
        f"{manifest.country}: {national} records from {len(orgs) - 1} organisations describe "
        f"{manifest.people} distinct persons — summing agency counts overstates them by "
        f"{(national / manifest.people - 1):.1%} (record linkage counts each person once)"
    )
    path = hub.report(country=manifest.country)
    return {"lines": lines, "country": manifest.country, "report": str(path),
            "directory": str(directory)}
