"""Property-based fuzzing of the readers and profiles: whatever bytes arrive, an import either
accounts for every row or rejects the whole file — never another exception, never half."""

from __future__ import annotations

import json

import pytest
from factories import CTDC_SYNTHETIC, GLOTIP_HEADER, HTCDS_HEADER
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tiphub import FileRejected, Hub, Settings

CELLS = st.one_of(
    st.sampled_from(["", "1", "0", "-99", "Woman", "Man", "18--20", "9--17", "UKR", "NA", "00",
                     "2020", "2099", "=1+1", "<5", "FeMiNiNe", "SexualExploitation;Other", '"']),
    st.text(max_size=8),
)
HEADERS = st.sampled_from([CTDC_SYNTHETIC, HTCDS_HEADER, GLOTIP_HEADER, ["a", "b"]])
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"])


@pytest.fixture(scope="module")
def fuzz_hub(tmp_path_factory: pytest.TempPathFactory):
    with Hub(Settings(home=tmp_path_factory.mktemp("fuzz"), current_year=2025)) as hub:
        hub.add_organisation("f", "Fuzz")
        yield hub


def check(hub: Hub, path) -> None:
    before = hub.summary()
    try:
        report = hub.import_file(path, org="f")
    except FileRejected as exc:
        assert exc.message and hub.summary() == before
        return
    assert report.rows_total == report.rows_accepted + report.rows_quarantined
    for problem in report.problems:
        assert problem.rule and problem.message


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(header=HEADERS, rows=st.lists(st.lists(CELLS, max_size=30), max_size=12),
       delimiter=st.sampled_from([",", ";", "\t"]), encoding=ENCODINGS, n=st.integers())
def test_csv_never_crashes(fuzz_hub: Hub, tmp_path_factory, header, rows, delimiter, encoding, n) -> None:
    lines = [delimiter.join(header)] + [delimiter.join(r) for r in rows]
    path = tmp_path_factory.mktemp("c") / f"f{n}.csv"
    try:
        path.write_bytes("\n".join(lines).encode(encoding))
    except UnicodeEncodeError:
        return
    check(fuzz_hub, path)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".xlsx", ".json", ".jsonl"]),
       n=st.integers())
def test_arbitrary_bytes_never_crash(fuzz_hub: Hub, tmp_path_factory, data, suffix, n) -> None:
    path = tmp_path_factory.mktemp("b") / f"f{n}{suffix}"
    path.write_bytes(data)
    check(fuzz_hub, path)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(records=st.lists(st.dictionaries(st.sampled_from(CTDC_SYNTHETIC), st.one_of(
    CELLS, st.integers(), st.none(), st.booleans(), st.lists(CELLS, max_size=2))), max_size=8),
    n=st.integers())
def test_json_never_crashes(fuzz_hub: Hub, tmp_path_factory, records, n) -> None:
    path = tmp_path_factory.mktemp("j") / f"f{n}.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    check(fuzz_hub, path)


@pytest.mark.slow
@settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck))
@given(header=HEADERS, rows=st.lists(st.lists(CELLS, max_size=30), max_size=20),
       delimiter=st.sampled_from([",", ";", "\t", "|"]), encoding=ENCODINGS, n=st.integers())
def test_csv_never_crashes_long_run(fuzz_hub: Hub, tmp_path_factory, header, rows, delimiter,
                                    encoding, n) -> None:
    test_csv_never_crashes.hypothesis.inner_test(fuzz_hub, tmp_path_factory, header, rows,
                                                 delimiter, encoding, n)
