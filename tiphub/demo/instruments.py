"""The demo's treaty statuses: an illustrative table (``data/instruments-illustrative-demo.csv``,
see ``data/SOURCES.md``) imported like a status file a hub administrator uploads, so that the
instruments page and the national report have something to show. Not the depositaries' record."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tiphub.hub import Hub

FILE = "instruments-illustrative-demo.csv"


def load_instruments(hub: Hub, directory: Path) -> dict[str, Any]:
    """Copy the illustrative status table beside the demo files and import it (importing it
    again changes nothing); returns the import's report."""
    target = directory / FILE
    with resources.as_file(resources.files("tiphub.demo").joinpath("data", FILE)) as source:
        shutil.copyfile(source, target)
    return hub.import_instruments(target)
