"""An uploaded file imported by the API and the web pages alike (:func:`uploaded`): copied to a
temporary folder in the hub's home under its own (made-safe) name, imported, and deleted with
its folder."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from tiphub.accounts import Principal
from tiphub.coordination.indicator_methods import IndicatorImportReport
from tiphub.hub import Hub
from tiphub.records import ImportReport, ProgrammeImportReport

SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


def stored_name(name: str | None) -> str:
    """The uploaded file's own name, made safe (it shows in reports and picks the reader)."""
    base = SAFE_NAME.sub("_", Path(name or "upload.csv").name).strip(" .") or "upload.csv"
    return base[:200]


MAX_TABLE_BYTES = 1 << 20  # an overlap table has at most a few thousand rows


@contextmanager
def uploaded(hub: Hub, stream: BinaryIO, filename: str | None, *,
             max_bytes: int | None = None, too_big: str = "") -> Iterator[Path]:
    """The upload as a file under its own (made-safe) name — the name is what reports and
    errors cite, and picks the reader — in a temporary folder of the hub's home, deleted after."""
    from tiphub.errors import FileRejected

    folder = Path(hub.settings.home) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        path = Path(tmp) / stored_name(filename)
        if max_bytes is None:
            with path.open("wb") as out:
                shutil.copyfileobj(stream, out, length=1 << 20)
        else:
            data = stream.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise FileRejected(too_big or f"the file is over {max_bytes:,} bytes", file=path.name)
            path.write_bytes(data)
        yield path


def estimate_upload(hub: Hub, stream: BinaryIO, filename: str | None, *, principal: Principal,
                    **options: object) -> dict:
    """``hub.estimate`` on an uploaded overlap table (at most 1 MiB)."""
    with uploaded(hub, stream, filename, max_bytes=MAX_TABLE_BYTES,
                  too_big="an overlap table is at most 1 MiB") as path:
        return hub.estimate(path, principal=principal, **options)  # type: ignore[arg-type]


def import_upload(hub: Hub, stream: BinaryIO, filename: str | None, *, org: str,
                  profile: str | None, principal: Principal,
                  replaces: int | None = None, encoding: str | None = None) -> ImportReport:
    """``hub.import_file`` on an uploaded case file."""
    with uploaded(hub, stream, filename) as path:
        return hub.import_file(path, org=org, profile=profile or None, replaces=replaces,
                               encoding=encoding or None, principal=principal)


def programmes_upload(hub: Hub, stream: BinaryIO, filename: str | None, *, org: str,
                      principal: Principal) -> ProgrammeImportReport:
    """``hub.import_programmes`` on an uploaded HXL-tagged CSV."""
    with uploaded(hub, stream, filename) as path:
        return hub.import_programmes(path, org=org, principal=principal)


def indicators_upload(hub: Hub, stream: BinaryIO, filename: str | None, *, org: str,
                      principal: Principal) -> IndicatorImportReport:
    """``hub.import_indicators`` on an uploaded logframe (HXL-tagged CSV)."""
    with uploaded(hub, stream, filename) as path:
        return hub.import_indicators(path, principal, org=org)


def instruments_upload(hub: Hub, stream: BinaryIO, filename: str | None, *,
                       instrument: str | None, format: str, principal: Principal) -> dict:
    """``hub.import_instruments`` on an uploaded status file; its name is the source the
    statuses cite, and tells an XML file's treaty."""
    with uploaded(hub, stream, filename) as path:
        return hub.import_instruments(path, principal, instrument=instrument, format=format)
