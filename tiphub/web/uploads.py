"""An uploaded file imported the way the API does it: copied to a temporary folder in the hub's
home under its own (made-safe) name, imported, and deleted with its folder."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from tiphub.accounts import Principal
from tiphub.api.routes.submissions import _stored_name, _upload_dir
from tiphub.hub import Hub
from tiphub.records import ImportReport


def import_upload(hub: Hub, stream: BinaryIO, filename: str | None, *, org: str,
                  profile: str | None, principal: Principal,
                  replaces: int | None = None, encoding: str | None = None) -> ImportReport:
    """``hub.import_file`` on a temporary copy of an uploaded ``stream``."""
    with tempfile.TemporaryDirectory(dir=_upload_dir(hub)) as tmp:
        path = Path(tmp) / _stored_name(filename)
        with path.open("wb") as out:
            shutil.copyfileobj(stream, out, length=1 << 20)
        return hub.import_file(path, org=org, profile=profile or None, replaces=replaces,
                               encoding=encoding or None, principal=principal)
