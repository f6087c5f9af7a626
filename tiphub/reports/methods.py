"""The Hub's national report methods (mixed into :class:`tiphub.Hub`): the national report for
the Secretary-General's report on the resolution, and the Global Report long-table export.

Both are built from outputs that are already protected (``stats``, the link run's protected
summary, the published estimate, the directory, programmes, coverage and indicators), so any
member who may read reports may have them; both are written to the audit log."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tiphub.accounts.policy import authorize
from tiphub.accounts.principal import SYSTEM, Principal
from tiphub.errors import TiphubError

if TYPE_CHECKING:
    from tiphub.accounts.service import Accounts
    from tiphub.config import Settings


class ReportMethods:
    settings: Settings
    accounts: Accounts

    if TYPE_CHECKING:  # provided by Hub
        @staticmethod
        def _country(text: str) -> str: ...

    def national_report(self, country: str, year: int, principal: Principal = SYSTEM, *,
                        path: Path | str | None = None, pdf: bool = True) -> dict[str, Path]:
        """Write the national report of ``country`` for data year ``year`` as HTML and, with
        ``pdf``, as PDF. ``path``: a directory or an ``.html``/``.pdf`` file name (default: the
        hub's ``reports`` directory). Returns ``{"html": Path, "pdf": Path}`` (no ``pdf`` key
        without it).

        Raises :class:`~tiphub.reports.national.PdfUnavailable` (after writing the HTML) when
        the PDF cannot be printed on this machine."""
        from tiphub.reports.national import check_year, write_national

        authorize(principal, "reports:read")
        iso3 = self._country(country)
        year = check_year(year, self._report_year_limit())
        target = Path(path) if path else self.settings.home / "reports"
        detail = {"year": year, "pdf": pdf}
        try:
            written = write_national(self, iso3, year, target, pdf=pdf)
        except TiphubError as exc:
            self.accounts.audit(principal, "report:national", outcome="failed",
                                target_type="report", target_id=iso3,
                                detail=detail | {"reason": type(exc).__name__})
            raise
        self.accounts.audit(principal, "report:national", target_type="report", target_id=iso3,
                            detail=detail)
        return written

    def national_report_html(self, country: str, year: int,
                             principal: Principal = SYSTEM) -> str:
        """The national report's HTML as text (for the API and the web page)."""
        from tiphub.reports.national import build, check_year, render

        authorize(principal, "reports:read")
        iso3 = self._country(country)
        year = check_year(year, self._report_year_limit())
        html = render(build(self, iso3, year))
        self.accounts.audit(principal, "report:national", target_type="report", target_id=iso3,
                            detail={"year": year, "format": "html"})
        return html

    def national_report_pdf(self, country: str, year: int,
                            principal: Principal = SYSTEM) -> bytes:
        """The national report printed to PDF (bytes)."""
        from tiphub.reports.national import build, check_year, pdf_bytes, render

        authorize(principal, "reports:read")
        iso3 = self._country(country)
        year = check_year(year, self._report_year_limit())
        data = pdf_bytes(render(build(self, iso3, year)))
        self.accounts.audit(principal, "report:national", target_type="report", target_id=iso3,
                            detail={"year": year, "format": "pdf"})
        return data

    def glotip_export(self, country: str, principal: Principal = SYSTEM, *,
                      year: int | None = None, path: Path | str | None = None) -> Any:
        """The country's figures in the Global Report's long-table shape (domain.md section 3):
        CSV text, or written to ``path`` (the Path is returned). Case-record figures come from
        the protected statistics; stored Global Report figures keep their withheld marks."""
        from tiphub.reports.glotip import glotip_rows, to_csv
        from tiphub.reports.national import check_year

        authorize(principal, "reports:read")
        iso3 = self._country(country)
        if year is not None:
            year = check_year(year, self._report_year_limit())
        rows = glotip_rows(self, iso3, year=year)
        text = to_csv(rows)
        self.accounts.audit(principal, "report:glotip", target_type="report", target_id=iso3,
                            detail={"year": year, "rows": len(rows)})
        if path is None:
            return text
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_text(text, encoding="utf-8", newline="")
        tmp.replace(target)
        return target

    def _report_year_limit(self) -> int:
        return self.settings.current_year or datetime.now(UTC).year
