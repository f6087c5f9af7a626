"""Ingest: readers for CSV/XLSX/JSON/JSONL, the source profiles, validation and the import."""

from tiphub.ingest.pipeline import ImportOptions, import_file
from tiphub.ingest.profiles import PROFILES, detect_profile, get_profile

__all__ = ["PROFILES", "ImportOptions", "detect_profile", "get_profile", "import_file"]
