"""Helpers shared by the benchmark scripts: timing, tables, generated inputs."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def print_table(title: str, header: list[str], rows: list[list[Any]]) -> None:
    cells = [header] + [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(str(r[i])) for r in cells) for i in range(len(header))]
    print(f"\n{title}")
    for n, row in enumerate(cells):
        print("  " + "  ".join(str(c).rjust(w) for c, w in zip(row, widths, strict=True)))
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if value < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def ctdc_file(directory: Path, rows: int, seed: int = 7) -> Path:
    from tiphub.demo import write_ctdc_synthetic

    path = directory / f"ctdc-{rows}.csv"
    if not path.exists():
        write_ctdc_synthetic(path, rows, seed=seed)
    return path


class scratch_postgres:
    """A throw-away database on the PostgreSQL server at ``admin_url`` (dropped on exit)."""

    def __init__(self, admin_url: str) -> None:
        import uuid

        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        self.name = f"tiphub_bench_{uuid.uuid4().hex[:10]}"
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.url = make_url(admin_url).set(database=self.name).render_as_string(hide_password=False)

    def __enter__(self) -> str:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{self.name}"')
        return self.url

    def __exit__(self, *exc: object) -> None:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.admin.dispose()


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(sorted_values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of already sorted values, nearest rank."""
    import math

    if not sorted_values:
        return float("nan")
    rank = math.ceil(q / 100 * len(sorted_values)) - 1
    return sorted_values[max(0, min(len(sorted_values) - 1, rank))]


class tiphub_server:
    """``tiphub serve`` on a free loopback port in a child process, for as long as the block.

        with tiphub_server(home, workers=2) as base_url:
            ...  # base_url is e.g. http://127.0.0.1:41234

    The server's output goes to ``home / "server.log"``; start-up waits for /api/v1/health.
    """

    def __init__(self, home: Path, *, workers: int = 1, env: dict[str, str] | None = None,
                 timeout: float = 60.0) -> None:
        self.home, self.workers, self.env, self.timeout = Path(home), workers, env or {}, timeout
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = self.home / "server.log"
        self.process: Any = None

    def __enter__(self) -> str:
        import os
        import subprocess
        import sys

        command = [sys.executable, "-m", "tiphub", "--home", str(self.home), "serve",
                   "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers)]
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                            env={**os.environ, **self.env})
        self._wait_until_up()
        return self.url

    def _wait_until_up(self) -> None:
        import urllib.request

        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped at start:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/v1/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError(f"the server did not answer within {self.timeout} s: see {self.log}")

    def __exit__(self, *exc: object) -> None:
        import signal
        import subprocess

        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)  # uvicorn stops its workers on SIGINT
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
