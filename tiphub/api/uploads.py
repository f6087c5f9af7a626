"""An uploaded file imported by the API and the web pages alike: copied to a temporary folder in
the hub's home under its own (made-safe) name, imported, and deleted with its folder."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from tiphub.accounts import Principal
from tiphub.hub import Hub
from tiphub.records import ImportReport, ProgrammeImportReport

SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


def stored_name(name: str | None) -> str:
    """The uploaded file's own name, made safe (it shows in reports and picks the reader)."""
    base = SAFE_NAME.sub("_", Path(name or "upload.csv").name).strip(" .") or "upload.csv"
    return base[:200]


MAX_TABLE_BYTES = 1 << 20  # an overlap table has at most a few thousand rows


def estimate_upload(hub: Hub, stream: BinaryIO, filename: str | None, *, principal: Principal,
                    **options: object) -> dict:
    """``hub.estimate`` on a temporary copy of an uploaded overlap table (at most 1 MiB)."""
    from tiphub.errors import FileRejected

    folder = Path(hub.settings.home) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        path = Path(tmp) / stored_name(filename)
        data = stream.read(MAX_TABLE_BYTES + 1)
        if len(data) > MAX_TABLE_BYTES:
            raise FileRejected("an overlap table is at most 1 MiB", file=path.name,
                               hint="one row per capture history: 0/1 per list, then the count")
        path.write_bytes(data)
        return hub.estimate(path, principal=principal, **options)  # type: ignore[arg-type]


def import_upload(hub: Hub, stream: BinaryIO, filename: str | None, *, org: str,
                  profile: str | None, principal: Principal,
                  replaces: int | None = None, encoding: str | None = None) -> ImportReport:
    """``hub.import_file`` on a temporary copy of an uploaded ``stream``."""
    folder = Path(hub.settings.home) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        path = Path(tmp) / stored_name(filename)
        with path.open("wb") as out:
            shutil.copyfileobj(stream, out, length=1 << 20)
        return hub.import_file(path, org=org, profile=profile or None, replaces=replaces,
                               encoding=encoding or None, principal=principal)


def programmes_upload(hub: Hub, stream: BinaryIO, filename: str | None, *, org: str,
                      principal: Principal) -> ProgrammeImportReport:
    """``hub.import_programmes`` on a temporary copy of an uploaded HXL-tagged CSV."""
    folder = Path(hub.settings.home) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        path = Path(tmp) / stored_name(filename)
        with path.open("wb") as out:
            shutil.copyfileobj(stream, out, length=1 << 20)
        return hub.import_programmes(path, org=org, principal=principal)
