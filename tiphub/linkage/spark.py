"""The Spark engine: the local engine's candidate pairs, computed on a Spark cluster.

Why a second engine: the local engine is bounded by one machine's cores; a hub that links
tens of millions of records can hand the same work to a cluster. It must find *exactly* the
same candidates as :func:`.local.candidates` — same pairs, same float64 scores, same
``comparisons`` and ``blocking`` — so a run gives the same persons whichever engine ran it.
That is why nothing is re-implemented here: the blocking choice (:func:`.blocking.choose`),
the band positions and keys (:mod:`.blocking`) and every score (:mod:`.kernel`) come from the
same functions, run on the executors; only the distribution of the work is Spark's.

* LSH: records travel as rows ``(idx, party, bits)``, a few thousand per partition (as numpy
  arrays, so that Python never loops over rows). Each partition computes its rows' band keys
  (:func:`.blocking.band_keys`) and emits the rows (band, key, record), shuffled on
  (band, key): every bucket lands whole in one partition. That is the self-join on
  (band, key), done by co-location instead of materialising the pairs, which would cost a
  shuffle of every pair and a second one to fetch their bits. Each partition then scores its
  buckets with :func:`.blocking.score_runs` — the local engine's loop over one band's runs —
  which skips same-party pairs unless ``within_party`` and counts comparisons exactly as the
  local engine does (a pair that collides in several bands is scored, and counted, once per
  band); pairs are deduplicated afterwards.
* No blocking: every pair is compared. Records are cut into blocks (sorted by party inside),
  and the cross join is one of *blocks*: each block pair a <= c is one task, which scores it
  with the all-pairs kernels, party rectangle by party rectangle, so no task scores a pair it
  would have to drop.

Pairs found more than once (several bands) are deduplicated on the cluster, in ranges of
``i``, and the ranges come back in order, so the driver only concatenates. Scores never leave
the run (they are not logged, and the encodings never appear in messages).

Executors need tiphub and its dependencies installed (numba compiles the kernels on first use
and caches them). Import this module only when asked for: pyspark is an optional extra.
"""

from __future__ import annotations

import atexit
import math
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import numpy as np

try:
    import pyspark  # noqa: F401 - only to fail early, with a useful message
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("the Spark engine needs the optional extra: pip install 'tiphub[spark]'") from exc

from tiphub.errors import ConfigError

from . import blocking, kernel
from .types import Candidates, Encodings, Matching, MatchParams

if TYPE_CHECKING:
    from pyspark import RDD, SparkContext
    from pyspark.sql import SparkSession

__all__ = ["candidates", "match", "session"]

#: records per partition when computing band keys (one numba call per partition)
KEY_CHUNK = 4096
#: (band, key, record) rows per task when scoring buckets (about 150 bytes each)
BUCKET_ROWS = 200_000
#: the largest side of a block in the all-pairs cross join (a task compares at most BLOCK² pairs)
BLOCK = 6144  # 6144 x 128 bytes: tasks stay under Spark's 1 MiB 'large task' warning

_LOG4J = """\
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n%ex
logger.hadoop.name = org.apache.hadoop
logger.hadoop.level = error
logger.utils.name = org.apache.spark.util.Utils
logger.utils.level = error
logger.conf.name = org.apache.spark.SparkConf
logger.conf.level = error
"""

_lock = threading.Lock()


# -- the session ---------------------------------------------------------------------------------


def _has_java() -> bool:
    """Whether Spark's launcher will find a JVM: ``$JAVA_HOME/bin/java``, else ``java`` on the PATH."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        return os.path.isfile(os.path.join(java_home, "bin", "java"))
    return shutil.which("java") is not None


def session(cores: int | None = None, config: dict[str, str] | None = None) -> SparkSession:
    """The active Spark session, or a new local one set up to run offline, quickly and quietly.

    A real cluster creates its own session (``spark-submit``, a notebook) and passes it to
    :func:`candidates` / :func:`match`, or has it active; then it is returned unchanged. Otherwise
    a local session is started (3–4 s: a JVM) and kept for the rest of the process:

    * ``local[N]`` with N = ``cores``, by default the cores this process may use (its CPU
      affinity, which containers narrow), so Spark does not oversubscribe the machine;
    * no web UI, no progress bar, loopback addresses only (``127.0.0.1``): nothing listens on
      the network and a machine without a resolvable host name still starts;
    * few shuffle partitions (the default 200 are 200 tiny tasks for a few thousand rows);
    * all scratch files (shuffle, spills, JVM temp) in one private temporary directory,
      removed at exit; log level WARN, with Spark's start-up chatter at ERROR;
    * Python workers run ``sys.executable`` — the interpreter (venv) that has tiphub and numba.
      Spark reads ``PYSPARK_PYTHON`` once, when the context starts; it is set for that moment
      and restored afterwards.

    ``config`` adds or overrides Spark settings (e.g. ``{"spark.driver.memory": "8g"}``).
    Spark needs Java 17 or later (``JAVA_HOME`` or ``java`` on the PATH).
    """
    from pyspark.sql import SparkSession

    with _lock:
        active = SparkSession.getActiveSession()
        if active is not None:
            return active
        if not _has_java():
            raise ConfigError("the Spark engine needs Java 17 or later, and no java was found",
                              hint="install it (Debian: apt-get install openjdk-17-jre-headless) or set "
                                   "JAVA_HOME")
        if cores is None:
            cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        scratch = tempfile.mkdtemp(prefix="tiphub-spark-")
        log_config = os.path.join(scratch, "log4j2.properties")
        with open(log_config, "w", encoding="utf-8") as fh:
            fh.write(_LOG4J)
        settings = {
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
            "spark.driver.host": "127.0.0.1",
            "spark.driver.bindAddress": "127.0.0.1",
            "spark.sql.shuffle.partitions": str(max(2, 2 * cores)),
            "spark.default.parallelism": str(max(2, 2 * cores)),
            "spark.local.dir": scratch,
            "spark.sql.warehouse.dir": os.path.join(scratch, "warehouse"),
            "spark.driver.extraJavaOptions": (f"-Djava.io.tmpdir={scratch} "
                                              f"-Dlog4j2.configurationFile=file:{log_config}"),
            "spark.python.worker.reuse": "true",
            "spark.pyspark.python": sys.executable,
        }
        settings.update(config or {})
        builder = SparkSession.builder.master(f"local[{cores}]").appName("tiphub-linkage")
        for key, value in settings.items():
            builder = builder.config(key, value)
        before = {name: os.environ.get(name) for name in ("PYSPARK_PYTHON", "SPARK_LOCAL_IP")}
        os.environ["PYSPARK_PYTHON"] = settings["spark.pyspark.python"]
        os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
        try:
            spark = builder.getOrCreate()
        finally:
            for name, value in before.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        spark.sparkContext.setLogLevel("WARN")

        def stop() -> None:
            spark.stop()
            shutil.rmtree(scratch, ignore_errors=True)

        atexit.register(stop)
        return spark


# -- work on the executors -----------------------------------------------------------------------
# Module-level functions (not closures over large objects), so Spark pickles them by reference.


def _bucket_partition(bands: np.ndarray, keys: np.ndarray, partitions: int) -> np.ndarray:
    """The shuffle partition of each (band, key): a fixed 64-bit mix, the same on every executor."""
    h = keys ^ (bands.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return ((h ^ (h >> np.uint64(31))) % np.uint64(partitions)).astype(np.int64)


def _band_rows(positions: np.ndarray, partitions: int,
               chunks: Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> Iterator[tuple[int, tuple]]:
    """The rows (band, key, record) of a chunk of records, grouped by the partition of (band, key).

    A chunk computes its band keys in one :func:`.blocking.band_keys` call and sends each
    shuffle partition one message of numpy arrays: the (band, key, record) rows bound for it and
    the records they refer to (position, party, bits), each once. Python never loops over rows,
    and a record's bits cross the network once per partition, not once per band.
    """
    for idx, party, bits in chunks:
        keys = blocking.band_keys(bits, positions)  # (rows, bands) uint64
        bands = np.broadcast_to(np.arange(keys.shape[1], dtype=np.int64), keys.shape)
        where = _bucket_partition(bands, keys, partitions).ravel()
        order = np.argsort(where, kind="stable")
        rows, band = np.divmod(order, keys.shape[1])
        cuts = np.flatnonzero(np.diff(where[order])) + 1
        for lo, hi in zip(np.r_[0, cuts], np.r_[cuts, order.shape[0]], strict=True):
            r, t = rows[lo:hi], band[lo:hi]
            records, ref = np.unique(r, return_inverse=True)
            yield int(where[order[lo]]), (t, keys[r, t], ref.astype(np.int64), idx[records],
                                          party[records], bits[records])


def _score_buckets(n: int, floor: float, within_party: bool, messages: Iterable[tuple[int, tuple]]
                   ) -> Iterator[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
    """Score the whole (band, key) buckets of one shuffle partition with the local engine's loop.

    Every row of a bucket is in this partition (the join on (band, key)). Buckets are numbered
    densely so that one :func:`.blocking.score_runs` call covers them all; a record in several
    buckets is a row of each, exactly as in the local engine's one-band-at-a-time loop, so
    the pairs scored and counted are the same.
    """
    band, key, ref, ids, party, bits = [], [], [], [], [], []
    offset = 0
    for _, (t, k, r, idx, p, b) in messages:
        band.append(t)
        key.append(k)
        ref.append(r + offset)
        ids.append(idx)
        party.append(p)
        bits.append(b)
        offset += idx.shape[0]
    if not band:
        return
    band_all, key_all, ref_all = np.concatenate(band), np.concatenate(key), np.concatenate(ref)
    order = np.lexsort((key_all, band_all))  # rows of one bucket next to each other
    band_all, key_all, ref_all = band_all[order], key_all[order], ref_all[order]
    bucket = np.cumsum(np.r_[False, (np.diff(band_all) != 0) | (np.diff(key_all) != 0)]).astype(np.int64)
    words = kernel.as_words(np.concatenate(bits)[ref_all])
    pops = kernel.popcounts(words)
    i, j, s, comparisons = blocking.score_runs(
        words, pops, np.concatenate(party).astype(np.int64)[ref_all], np.concatenate(ids)[ref_all],
        bucket, np.arange(bucket.shape[0]), floor, within_party)
    yield from _canonical(n, [(comparisons, i, j, s)])  # fewer duplicates to shuffle


def _to_block_pairs(count: int, block: tuple) -> Iterator[tuple[int, tuple]]:
    """Send block b to every block pair (a, c), a <= c, it belongs to: the cross join's keys."""
    b = block[0]
    for other in range(count):
        a, c = min(b, other), max(b, other)
        yield a * count - a * (a - 1) // 2 + (c - a), block  # pairs (a, c) numbered densely


def _score_block_pair(floor: float, within_party: bool, rows: Iterable[tuple[int, tuple]]
                      ) -> Iterator[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
    """All eligible pairs between block a and block c (a <= c) of the all-pairs cross join.

    Blocks are sorted by party, so a party's rows are one slice; across parties only the
    rectangles of different parties are scored (unless ``within_party``), as the local engine
    does, and ``comparisons`` is exactly the number of pairs scored.
    """
    blocks = sorted((block for _, block in rows), key=lambda block: block[0])
    if not blocks:
        return
    a, idx_a, party_a, bits_a = blocks[0]
    b, idx_b, party_b, bits_b = blocks[-1]
    words_a = kernel.as_words(bits_a)
    pops_a = kernel.popcounts(words_a)
    if a == b:
        i, j, s, comparisons = kernel.all_pairs_triangle(words_a, pops_a, party_a.astype(np.int64), 0,
                                                         idx_a.shape[0], floor, within_party)
        gi, gj = idx_a[i], idx_a[j]  # the block is sorted by party, not by position
        yield comparisons, np.minimum(gi, gj), np.maximum(gi, gj), s
        return
    words_b = kernel.as_words(bits_b)
    pops_b = kernel.popcounts(words_b)
    if within_party:
        slices_a = [(0, idx_a.shape[0], -1)]
        slices_b = [(0, idx_b.shape[0], -2)]
    else:
        slices_a, slices_b = _party_slices(party_a), _party_slices(party_b)
    comparisons = 0
    for lo_a, hi_a, pa in slices_a:
        for lo_b, hi_b, pb in slices_b:
            if pa == pb:
                continue
            comparisons += (hi_a - lo_a) * (hi_b - lo_b)
            i, j, s = kernel.all_pairs(words_a[lo_a:hi_a], pops_a[lo_a:hi_a], words_b[lo_b:hi_b],
                                       pops_b[lo_b:hi_b], floor)
            gi, gj = idx_a[lo_a:hi_a][i], idx_b[lo_b:hi_b][j]
            yield 0, np.minimum(gi, gj), np.maximum(gi, gj), s
    yield comparisons, *_empty()


def _party_slices(party: np.ndarray) -> list[tuple[int, int, int]]:
    """(start, stop, party) of each party's run in a party-sorted block."""
    values, starts = np.unique(party, return_index=True)
    stops = list(starts[1:]) + [party.shape[0]]
    return [(int(lo), int(hi), int(p)) for lo, hi, p in zip(starts, stops, values, strict=True)]


def _empty() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64)


def _split_by_range(bounds: np.ndarray, piece: tuple[int, np.ndarray, np.ndarray, np.ndarray]
                    ) -> Iterator[tuple[int, tuple[int, np.ndarray, np.ndarray, np.ndarray]]]:
    """Send each pair to the range of ``i`` it belongs to; the comparisons ride with range 0."""
    comparisons, i, j, s = piece
    if comparisons:
        yield 0, (comparisons, *_empty())
    if i.shape[0] == 0:
        return
    where = np.searchsorted(bounds, i, side="right") - 1
    order = np.argsort(where, kind="stable")
    where, i, j, s = where[order], i[order], j[order], s[order]
    cuts = np.flatnonzero(np.diff(where)) + 1
    for lo, hi in zip(np.r_[0, cuts], np.r_[cuts, where.shape[0]], strict=True):
        yield int(where[lo]), (0, i[lo:hi], j[lo:hi], s[lo:hi])


def _canonical(n: int, pieces: Iterable[tuple[int, np.ndarray, np.ndarray, np.ndarray]]
               ) -> Iterator[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
    """Pieces merged into pairs sorted by (i, j), each pair once (duplicates carry identical scores)."""
    comparisons, parts = 0, []
    for c, i, j, s in pieces:
        comparisons += c
        if i.shape[0]:
            parts.append((i, j, s))
    if not parts:
        yield comparisons, *_empty()
        return
    key = np.concatenate([p[0] for p in parts]) * np.int64(n) + np.concatenate([p[1] for p in parts])
    scores = np.concatenate([p[2] for p in parts])
    key, first = np.unique(key, return_index=True)
    yield comparisons, key // n, key % n, scores[first]


# -- the driver ----------------------------------------------------------------------------------


def _tasks(sc: SparkContext) -> int:
    """How many tasks to cut small work into: Spark's default parallelism (2 per core locally)."""
    return max(1, int(sc.defaultParallelism))


def _lsh_pieces(sc: SparkContext, enc: Encodings, choice: dict, floor: float, within_party: bool) -> RDD:
    positions = blocking.band_positions(enc.bits.shape[1] * 8, choice["bands"], choice["bits_per_band"],
                                        choice["seed"])
    tasks = _tasks(sc)
    chunks = max(min(tasks, math.ceil(enc.n / 256)), math.ceil(enc.n / KEY_CHUNK))
    bounds = np.linspace(0, enc.n, chunks + 1).astype(np.int64)
    records = [(np.arange(lo, hi, dtype=np.int64), enc.party[lo:hi], enc.bits[lo:hi])
               for lo, hi in zip(bounds[:-1], bounds[1:], strict=True) if hi > lo]
    n = enc.n
    buckets = max(tasks, math.ceil(n * positions.shape[0] / BUCKET_ROWS))
    return (sc.parallelize(records, len(records))
            .mapPartitions(lambda part: _band_rows(positions, buckets, part))
            .partitionBy(buckets, lambda partition: partition)
            .mapPartitions(lambda messages: _score_buckets(n, floor, within_party, messages)))


def _all_pairs_pieces(sc: SparkContext, enc: Encodings, floor: float, within_party: bool) -> RDD:
    tasks = _tasks(sc)
    count = 1  # blocks: enough block pairs for every task slot, none bigger than BLOCK rows
    while count < enc.n and (count * (count + 1) // 2 < tasks or enc.n / count > BLOCK):
        count += 1
    bounds = np.linspace(0, enc.n, count + 1).astype(np.int64)
    blocks = []
    for b, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        order = lo + np.argsort(enc.party[lo:hi], kind="stable")
        blocks.append((b, order, enc.party[order], np.ascontiguousarray(enc.bits[order])))
    # the cross join of blocks: each block pair (a, c), a <= c, is one partition, one task
    return (sc.parallelize(blocks, count)
            .flatMap(lambda block: _to_block_pairs(count, block))
            .partitionBy(count * (count + 1) // 2, lambda pair: pair)
            .mapPartitions(lambda rows: _score_block_pair(floor, within_party, rows)))


def candidates(enc: Encodings, params: MatchParams, floor: float, *, spark: SparkSession | None = None
               ) -> Candidates:
    """Every pair the blocking lets through with score >= ``floor``, computed on Spark.

    Identical to :func:`.local.candidates` for the same arguments (pairs, scores, order,
    ``comparisons``, ``blocking``); ``spark`` defaults to :func:`session`.
    """
    choice = dict(blocking.choose(enc, params))
    if enc.n < 2:  # nothing to compare: no need to start Spark
        i, j, s = _empty()
        return Candidates(i=i, j=j, score=s, comparisons=0, blocking={**choice, "floor": float(floor)})
    spark = spark or session()
    sc = spark.sparkContext
    if choice["method"] == "none":
        pieces = _all_pairs_pieces(sc, enc, floor, params.within_party)
    else:
        pieces = _lsh_pieces(sc, enc, choice, floor, params.within_party)
    ranges = max(1, min(_tasks(sc), enc.n))
    bounds = np.linspace(0, enc.n, ranges + 1).astype(np.int64)[:-1]
    n = enc.n
    results = (pieces.flatMap(lambda piece: _split_by_range(bounds, piece))
               .partitionBy(ranges, lambda r: r)  # range r -> partition r: collected in order of i
               .mapPartitions(lambda part: _canonical(n, (piece for _, piece in part)))
               .collect())
    comparisons = sum(int(r[0]) for r in results)
    i = np.concatenate([r[1] for r in results]).astype(np.int64, copy=False)
    j = np.concatenate([r[2] for r in results]).astype(np.int64, copy=False)
    s = np.concatenate([r[3] for r in results]).astype(np.float64, copy=False)
    choice["floor"] = float(floor)
    return Candidates(i=i, j=j, score=s, comparisons=comparisons, blocking=choice)


def match(enc: Encodings, params: MatchParams, *, spark: SparkSession | None = None) -> Matching:
    """Link ``enc`` into persons: candidates on Spark, then threshold and clustering on the driver.

    Only the candidate search is distributed. The threshold estimate and the greedy
    clustering (:func:`.cluster.resolve`) are global — every merge depends on the ones before
    it, in descending score — and work on the candidate pairs only, which are few next to the
    comparisons: they run on the driver, with the same code as the local engine, so both
    engines give the same persons. The steps are :func:`.local.match`'s, with this candidate search.
    """
    from . import local

    spark = spark or session()
    return local.match(enc, params,
                       find=lambda e, p, floor: candidates(e, p, floor, spark=spark))
