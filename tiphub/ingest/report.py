"""Collecting problems while rows stream past, and turning them into an import report."""

from __future__ import annotations

from collections import Counter

from tiphub.ingest.rules import FIXES, RULES
from tiphub.records import Problem, ProblemSummary

FIRST_ROWS = 10


class ProblemCollector:
    """Counts every problem; keeps the first ``limit`` of each (column, rule) one by one."""

    def __init__(self, accepted: dict[str, str], limit: int) -> None:
        self.accepted = accepted
        self.limit = limit
        self.counts: Counter[tuple[str, str, str]] = Counter()
        self.first: dict[tuple[str, str, str], list[int]] = {}
        self.listed: list[Problem] = []
        self.truncated = 0
        self.notes: dict[tuple[str, str, str], str] = {}

    def add(self, row: int | None, column: str, rule: str, *, severity: str = "error",
            message: str | None = None) -> None:
        key = (column, rule, severity)
        self.counts[key] += 1
        rows = self.first.setdefault(key, [])
        if row is not None and len(rows) < FIRST_ROWS:
            rows.append(row)
        if message:
            self.notes.setdefault(key, message)
        if self.counts[key] > self.limit:
            self.truncated += 1
            return
        self.listed.append(
            Problem(
                row=row,
                column=column or None,
                rule=rule,
                message=message or describe(rule),
                accepted=self.accepted.get(column),
                severity=severity,
            )
        )

    def summary(self) -> list[ProblemSummary]:
        return [
            ProblemSummary(
                column=column or None,
                rule=rule,
                severity=severity,
                count=count,
                first_rows=self.first.get((column, rule, severity), []),
                message=self.notes.get((column, rule, severity)) or describe(rule),
                accepted=self.accepted.get(column),
            )
            for (column, rule, severity), count in sorted(
                self.counts.items(), key=lambda kv: (-kv[1], kv[0])
            )
        ]


def describe(rule: str) -> str:
    text = RULES.get(rule, rule)
    fix = FIXES.get(rule)
    return f"{text}; {fix}" if fix else text
