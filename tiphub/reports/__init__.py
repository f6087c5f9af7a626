"""Report builders."""

from tiphub.reports.html import write_report

__all__ = ["write_report"]
