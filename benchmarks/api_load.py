"""The dashboard API under load: 50 concurrent clients on the six statistics tables, against the
real server (``tiphub serve``) on loopback with 1 million case records, next to the static
health endpoint measured the same way in the same run.

Bar (issue #5): dashboard p95 latency under 300 ms, and no errors.

    python benchmarks/api_load.py [--rows 1000000] [--clients 50] [--seconds 20] [--workers 1]
                                  [--tool wrk|python] [--per-table] [--home DIR]

The load comes from ``wrk`` (Debian package ``wrk``; C, so the load generator stays out of the
way of the server on a small machine) or, without it, from a built-in asyncio + httpx client.
Each client sends its next request when the previous answer arrives (a closed loop), rotating
through the dashboard's URLs: every table unfiltered and with the filters the dashboard offers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import ctdc_file, percentile, print_table, tiphub_server  # noqa: E402

from tiphub import Hub, Settings  # noqa: E402
from tiphub.stats import TABLES  # noqa: E402

BAR_MS = 300.0
PASSWORD = "correct horse battery staple"
ANALYST = "analyst@bench.test"
FILTERS = {  # the dashboard's calls: every table plain, and with the filters it offers
    "sex-age": ["", "?year=2020"],
    "forms": ["", "?by=organisation"],
    "means": ["", "?year=2020&by=organisation"],
    "recruiters": ["", "?country=GBR"],
    "flows": ["", "?country=GBR"],
    "trends": ["", "?country=GBR", "?by=organisation"],
}


def dashboard_urls(tables: list[str] | None = None) -> list[str]:
    return [f"/api/v1/stats/{t}{q}" for t in (tables or list(FILTERS)) for q in FILTERS[t]]


@dataclass
class Result:
    group: str
    requests: int
    errors: int
    p50: float  # milliseconds
    p95: float
    p99: float
    seconds: float

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


# -- the hub -----------------------------------------------------------------------------------


def prepare(home: Path, rows: int, work: Path) -> str:
    """A hub in ``home`` holding ``rows`` records of two organisations; returns an API token."""
    with Hub(Settings(home=home)) as hub:
        if hub.summary().get("case_records", 0) < rows:
            first = rows * 3 // 5
            for org, name, count, seed in (("police", "Police", first, 7),
                                           ("shelter", "Shelter", rows - first, 8)):
                hub.add_organisation(org, name)
                source = ctdc_file(work, count, seed=seed)
                started = time.perf_counter()
                report = hub.import_file(source, org=org, profile="ctdc-synthetic")
                print(f"loaded {report.rows_accepted:,} records for {org} in "
                      f"{time.perf_counter() - started:.0f} s", flush=True)
                source.unlink()
            hub.create_user(ANALYST, "Analyst", PASSWORD)
            hub.set_role(ANALYST, "police", "analyst")
        principal = hub.login(ANALYST, PASSWORD, ip="127.0.0.1")[0]
        return hub.create_api_token(principal, "load benchmark", ["read"], days=1)[1]


# -- load with wrk ------------------------------------------------------------------------------

WRK_SCRIPT = """
local paths = %(paths)s
local started = 0
function setup(thread)
  started = started + 1
  thread:set("offset", started * 7)
end
function init(args)
  n = offset or 0
  wrk.headers["Authorization"] = "Bearer %(token)s"
end
function request()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%.3f %%.3f %%.3f\\n", summary.requests,
    summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def run_wrk(base: str, group: str, paths: list[str], token: str, clients: int, seconds: int,
            work: Path) -> Result:
    script = work / "load.lua"
    script.write_text(WRK_SCRIPT % {"paths": "{" + ", ".join(json.dumps(p) for p in paths) + "}",
                                    "token": token})
    threads = max(1, min(2, clients))
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{clients}", f"-d{seconds}s", "--timeout", "60s",
         "-s", str(script), base], capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    requests, micros, errors, p50, p95, p99 = line.split()[1:]
    return Result(group, int(requests), int(errors), float(p50), float(p95), float(p99),
                  int(micros) / 1e6)


# -- load with asyncio + httpx -------------------------------------------------------------------


async def _client(http, paths: list[str], start: int, until: float, times: list[float],
                  errors: list[int]) -> None:
    n = start
    while time.perf_counter() < until:
        n += 1
        began = time.perf_counter()
        try:
            answer = await http.get(paths[n % len(paths)])
            ok = answer.status_code == 200
        except Exception:  # noqa: BLE001 — any failure is an error of the run
            ok = False
        times.append((time.perf_counter() - began) * 1000)
        errors[0] += not ok


async def _load(base: str, paths: list[str], token: str, clients: int, seconds: int):
    import httpx

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    times: list[float] = []
    errors = [0]
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60,
                                 headers={"Authorization": f"Bearer {token}"}) as http:
        began = time.perf_counter()
        until = began + seconds
        await asyncio.gather(*(_client(http, paths, 7 * i, until, times, errors)
                               for i in range(clients)))
        return times, errors[0], time.perf_counter() - began


def run_python(base: str, group: str, paths: list[str], token: str, clients: int,
               seconds: int, work: Path) -> Result:
    times, errors, elapsed = asyncio.run(_load(base, paths, token, clients, seconds))
    times.sort()
    return Result(group, len(times), errors, percentile(times, 50), percentile(times, 95),
                  percentile(times, 99), elapsed)


# -- the run -------------------------------------------------------------------------------------


def warm_up(base: str, token: str) -> None:
    """One request to every URL first: the bar is about a serving hub, not its first answer."""
    import httpx

    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"},
                      timeout=60) as http:
        for path in dashboard_urls():
            answer = http.get(path)
            if answer.status_code != 200:
                raise SystemExit(f"{path} answered {answer.status_code}: {answer.text[:300]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=20, help="per endpoint group")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--tool", choices=["wrk", "python"],
                        default="wrk" if shutil.which("wrk") else "python")
    parser.add_argument("--per-table", action="store_true",
                        help="also load each table on its own (a group per table)")
    parser.add_argument("--home", type=Path,
                        help="keep the hub here and reuse it on the next run (default: temporary)")
    args = parser.parse_args()
    run = run_wrk if args.tool == "wrk" else run_python
    assert set(FILTERS) == set(TABLES), "the benchmark must call every statistics table"

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        home = args.home or work / "home"
        home.mkdir(parents=True, exist_ok=True)
        token = prepare(home, args.rows, work)
        env = {"TIPHUB_ENVIRONMENT": "development"}
        with tiphub_server(home, workers=args.workers, env=env) as base:
            warm_up(base, token)
            groups = [("health (baseline)", ["/api/v1/health"]),
                      ("dashboard: 6 tables, 13 URLs", dashboard_urls())]
            if args.per_table:
                groups += [(f"  {t} ({len(FILTERS[t])} URLs)", dashboard_urls([t])) for t in FILTERS]
            results = []
            for group, paths in groups:
                print(f"loading {group} for {args.seconds} s ...", flush=True)
                results.append(run(base, group, paths, token, args.clients, args.seconds, work))
    return report(results, args)


def report(results: list[Result], args: argparse.Namespace) -> int:
    health, dashboard = results[0], results[1]
    rows = [[r.group, r.requests, r.errors, r.p50, r.p95, r.p99, r.throughput,
             f"{r.p95 / health.p95:.1f}x" if health.p95 else "-"] for r in results]
    print_table(f"{args.clients} clients, {args.rows:,} records, {args.workers} server worker(s), "
                f"{args.seconds} s a group, load by {args.tool} on {os.cpu_count()} CPUs",
                ["endpoint group", "requests", "errors", "p50 ms", "p95 ms", "p99 ms", "req/s",
                 "p95 / health"], rows)
    errors = sum(r.errors for r in results)
    ok = dashboard.p95 < BAR_MS and errors == 0
    print(f"\nbar: dashboard p95 {dashboard.p95:.0f} ms < {BAR_MS:.0f} ms and no errors "
          f"({errors}) -> {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
