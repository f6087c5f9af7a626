"""The Spark engine must give exactly what the local engine gives: same candidates, same persons.

Spark is an optional extra (``tiphub[spark]``, plus Java 17+): without it these tests skip,
unless ``TIPHUB_REQUIRE_SPARK=1`` (CI installs the extra), where a skip would hide a broken
setup. They start a JVM (a few seconds), so they are slow tests: CI runs them with ``-m slow``.
"""

from __future__ import annotations

import builtins
import importlib
import json
import os
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tiphub.linkage import local
from tiphub.linkage.types import Candidates, Encodings, Matching, MatchParams

# one JVM for the whole module when pytest runs with --dist loadgroup (ignored otherwise)
pytestmark = pytest.mark.xdist_group("spark")

FEBRL_DIR = Path(__file__).resolve().parent / "data" / "febrl"
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def spark():
    """One local session for the module: starting a JVM costs seconds, so it is shared."""
    required = os.environ.get("TIPHUB_REQUIRE_SPARK") == "1"
    if not required:
        pytest.importorskip("pyspark", reason="the Spark engine needs the extra: pip install 'tiphub[spark]'")
        if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
            pytest.skip("the Spark engine needs Java 17 or later")
    from tiphub.linkage import spark as engine

    started = time.perf_counter()
    session = engine.session()
    print(f"spark session started in {time.perf_counter() - started:.1f} s")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def engine(spark):
    from tiphub.linkage import spark as engine

    return engine


def planted(persons: int = 1500, parties: int = 4, *, duplicates: float = 0.0, seed: int = 7) -> Encodings:
    """Encodings of ``persons`` people held by several parties, each copy slightly noisy.

    Each person has a random 1024-bit filter (30 % of bits set, like a CLK); each party holds
    about 60 % of the persons, every copy with 4 % of its bits flipped (Dice about 0.9 to its
    other copies, strangers about 0.3); ``duplicates`` of a party's records appear twice in it.
    Rows are shuffled so that positions carry no hint of who matches whom.
    """
    rng = np.random.default_rng(seed)
    base = rng.random((persons, 1024)) < 0.3
    rows, party = [], []
    for p in range(parties):
        held = np.flatnonzero(rng.random(persons) < 0.6)
        held = np.concatenate([held, held[rng.random(held.size) < duplicates]])
        copies = base[held] ^ (rng.random((held.size, 1024)) < 0.04)
        rows.append(copies)
        party.append(np.full(held.size, p, np.int32))
    bits = np.packbits(np.concatenate(rows), axis=1)
    order = rng.permutation(bits.shape[0])
    return Encodings(bits=np.ascontiguousarray(bits[order]), party=np.concatenate(party)[order])


def assert_same_candidates(got: Candidates, want: Candidates) -> None:
    assert got.i.dtype == want.i.dtype == np.int64
    assert got.j.dtype == want.j.dtype == np.int64
    assert got.score.dtype == want.score.dtype == np.float64
    assert np.array_equal(got.i, want.i)
    assert np.array_equal(got.j, want.j)
    assert np.array_equal(got.score, want.score)  # bit-identical floats, not approximately equal
    assert got.comparisons == want.comparisons
    assert got.blocking == want.blocking


def assert_same_matching(got: Matching, want: Matching) -> None:
    assert np.array_equal(got.person, want.person)
    assert (got.threshold, got.threshold_estimated) == (want.threshold, want.threshold_estimated)
    assert (got.candidates, got.comparisons) == (want.candidates, want.comparisons)
    assert got.blocking == want.blocking
    assert got.warnings == want.warnings


@pytest.fixture(scope="module")
def across() -> Encodings:
    return planted()


@pytest.fixture(scope="module")
def within() -> Encodings:
    return planted(persons=1000, parties=3, duplicates=0.1, seed=11)


def test_without_pyspark_the_error_names_the_extra(monkeypatch) -> None:
    """Not slow: no JVM. The hub imports the engine only when asked, and must say what to install."""
    real_import = builtins.__import__

    def no_pyspark(name, *args, **kwargs):
        if name == "pyspark" or name.startswith("pyspark."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "tiphub.linkage.spark", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_pyspark)
    with pytest.raises(ImportError, match=r"pip install 'tiphub\[spark\]'"):
        importlib.import_module("tiphub.linkage.spark")


@pytest.mark.slow
def test_session_runs_locally_with_this_interpreter(spark) -> None:
    conf = spark.sparkContext.getConf()
    assert spark.sparkContext.master.startswith("local[")
    assert conf.get("spark.ui.enabled") == "false"
    assert conf.get("spark.driver.host") == "127.0.0.1"
    assert spark.sparkContext.pythonExec == sys.executable
    # workers run this interpreter, so they can import tiphub and its compiled kernels
    found = spark.sparkContext.parallelize([0], 1).map(lambda _: __import__("sys").executable).collect()
    assert found == [sys.executable]


@pytest.mark.slow
@pytest.mark.parametrize("blocking", ["lsh", "none"])
def test_candidates_across_parties_are_identical(engine, spark, across, blocking) -> None:
    params = MatchParams(blocking=blocking)
    want = local.candidates(across, params, 0.5)
    got = engine.candidates(across, params, 0.5, spark=spark)
    assert_same_candidates(got, want)
    assert want.i.size > 1000 and (across.party[want.i] != across.party[want.j]).all()


@pytest.mark.slow
@pytest.mark.parametrize("blocking", ["lsh", "none"])
def test_candidates_within_parties_are_identical(engine, spark, within, blocking) -> None:
    params = MatchParams(blocking=blocking, within_party=True)
    want = local.candidates(within, params, 0.5)
    got = engine.candidates(within, params, 0.5, spark=spark)
    assert_same_candidates(got, want)
    assert (within.party[want.i] == within.party[want.j]).any()  # the planted duplicates


@pytest.mark.slow
def test_candidates_of_degenerate_inputs_are_identical(engine, spark) -> None:
    one_party = planted(persons=300, parties=1)
    empty = Encodings(bits=np.zeros((0, 128), np.uint8), party=np.zeros(0, np.int32))
    cases = [
        (empty, MatchParams(blocking="none")),
        (Encodings(bits=one_party.bits[:1], party=one_party.party[:1]), MatchParams(blocking="lsh")),
        (one_party, MatchParams(blocking="none")),  # no eligible pair at all
        (one_party, MatchParams(blocking="lsh", bands=3, bits_per_band=12)),
    ]
    for enc, params in cases:
        assert_same_candidates(engine.candidates(enc, params, 0.0, spark=spark),
                               local.candidates(enc, params, 0.0))


@pytest.mark.slow
@pytest.mark.parametrize("params", [MatchParams(blocking="lsh"), MatchParams(blocking="none", threshold=0.8)],
                         ids=["lsh-estimated", "none-given"])
def test_persons_across_parties_are_identical(engine, spark, across, params) -> None:
    want = local.match(across, params)
    got = engine.match(across, params, spark=spark)
    assert_same_matching(got, want)
    assert np.unique(want.person).size < across.n  # the planted persons were found


@pytest.mark.slow
def test_persons_within_parties_are_identical(engine, spark, within) -> None:
    params = MatchParams(blocking="auto", within_party=True)
    assert_same_matching(engine.match(within, params, spark=spark), local.match(within, params))


@pytest.fixture(scope="module")
def febrl() -> Encodings:
    """FEBRL dataset 4a and 4b (5,000 records each, every 4a record has its 4b partner)."""
    encoding = pytest.importorskip("tiphub.linkage.encoding")
    from tiphub.linkage.evaluate import read_labelled
    from tiphub.linkage.schema import load_schema

    files = [FEBRL_DIR / "dataset4a.csv", FEBRL_DIR / "dataset4b.csv"]
    if not all(f.is_file() for f in files):
        pytest.skip(f"FEBRL data not found in {FEBRL_DIR}")
    secret = json.loads((DATA / "vectors.json").read_text(encoding="utf-8"))["secret"]
    encoder = encoding.Encoder(load_schema(DATA / "febrl_schema.json"), secret)
    parts = [encoder.encode(read_labelled(f, "rec_id")[0]) for f in files]
    party = np.concatenate([np.full(p.shape[0], k, np.int32) for k, p in enumerate(parts)])
    return Encodings(bits=np.ascontiguousarray(np.concatenate(parts)), party=party)


@pytest.mark.slow
@pytest.mark.parametrize("blocking", ["auto", "lsh"])
def test_febrl_persons_are_identical(engine, spark, febrl, blocking) -> None:
    params = MatchParams(blocking=blocking)
    want = local.match(febrl, params)
    got = engine.match(febrl, params, spark=spark)
    assert_same_matching(got, want)
    floor = float(want.blocking["floor"])
    assert_same_candidates(engine.candidates(febrl, params, floor, spark=spark),
                           local.candidates(febrl, params, floor))
