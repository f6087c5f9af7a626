"""Rules of the code base that a test can check by reading import statements."""

from __future__ import annotations

import ast
from pathlib import Path

import tiphub

PACKAGE = Path(tiphub.__file__).parent
SHELLS = {"cli.py", "__main__.py", "api", "web"}
SHELL_LIBRARIES = {"typer", "fastapi", "starlette", "click", "rich"}
DRIVERS = {"sqlite3", "psycopg", "psycopg2", "duckdb"}


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def modules(exclude: set[str]) -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py")
            if p.relative_to(PACKAGE).parts[0] not in exclude and "migrations" not in p.parts]


def test_core_never_imports_shell_libraries() -> None:
    offenders = {str(p.relative_to(PACKAGE)): imports(p) & SHELL_LIBRARIES
                 for p in modules(SHELLS)}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_jinja2_only_in_reports_and_web() -> None:
    offenders = [str(p.relative_to(PACKAGE)) for p in modules(SHELLS | {"reports"})
                 if "jinja2" in imports(p)]
    assert offenders == []


def test_only_store_talks_to_database_drivers() -> None:
    offenders = {str(p.relative_to(PACKAGE)): imports(p) & DRIVERS
                 for p in modules({"store"})}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_public_names_are_pinned() -> None:
    assert sorted(tiphub.__all__) == sorted([
        "ConfigError", "Conflict", "DatabaseError", "FileRejected", "Hub", "InvalidInput",
        "NotFound", "Settings", "TiphubError", "__version__",
    ])


def test_every_setting_has_a_description() -> None:
    missing = [name for name, field in tiphub.Settings.model_fields.items() if not field.description]
    assert missing == []


def test_settings_reference_is_current() -> None:
    from pathlib import Path

    from tiphub.config import settings_reference

    doc = Path(__file__).parents[1] / "docs" / "settings.md"
    assert doc.read_text(encoding="utf-8") == settings_reference(), (
        "run: python -m tiphub.config > docs/settings.md")
