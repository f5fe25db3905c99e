"""Bulk-load benchmark: generated IATI files of 10k and 100k activities into an empty Neo4j.

Prints, from one run: activities/s, graph writes (nodes + relationships)/s and the
loader's peak RSS for each size, and the same figures for a naive baseline (one
transaction per activity, same Cypher: ``--batch-size 1``) on a smaller file, with the
ratio. Run with ``make bench-load`` or ``python -m bench.load``.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from graph.connection import Database, run_list
from graph.server import LocalServer
from graph.settings import Settings
from loaders.iati_synthetic import write_iati_files

PASSWORD = "aidgraph-bench"


@dataclass(frozen=True)
class Run:
    label: str
    activities: int
    seconds: float
    writes: int
    peak_rss_mb: float

    @property
    def rate(self) -> float:
        return self.activities / self.seconds

    @property
    def writes_rate(self) -> float:
        return self.writes / self.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000", help="activities per load")
    parser.add_argument("--baseline", type=int, default=1000, help="activities for the baseline")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    with tempfile.TemporaryDirectory(prefix="aidgraph-bench-") as scratch:
        root = Path(scratch)
        server = LocalServer(data_dir=root / "neo4j", port=_free_port(), password=PASSWORD)
        server.start()
        settings = Settings(neo4j_uri=server.uri(), neo4j_password=SecretStr(PASSWORD))
        db = Database.connect(settings)
        try:
            runs = [_load(db, settings, root, size, args.seed, batched=True) for size in sizes]
            baseline = _load(db, settings, root, args.baseline, args.seed, batched=False)
            batched_small = _load(db, settings, root, args.baseline, args.seed, batched=True)
        finally:
            db.close()
            server.stop()
    _print(runs, baseline, batched_small)


def _load(db: Database, settings: Settings, root: Path, size: int, seed: int, batched: bool) -> Run:
    files = root / f"iati-{size}"
    if not files.exists():
        write_iati_files(files, size, seed, per_file=10_000)
    _wipe(db)
    command = [
        sys.executable,
        "-m",
        "aidgraph",
        "load",
        "iati",
        str(files),
        "--rejects",
        str(root / "rejects.jsonl"),
    ]
    if not batched:
        command += ["--batch-size", "1"]
    env = {
        **os.environ,
        "NEO4J_URI": settings.uri,
        "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
    }
    log = root / "load.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)  # this child's own peak RSS
    if status != 0:
        raise SystemExit(f"load failed:\n{log.read_text()}")
    # The loader's own time, from its first record to its summary: no interpreter start.
    summary = log.read_text().strip().splitlines()[-1]
    found = re.search(r" in ([0-9.]+) s ", summary)
    if found is None:
        raise SystemExit(f"no summary line in the loader's output:\n{summary}")
    seconds = float(found.group(1))
    label = f"{size:,} activities, " + ("batched" if batched else "naive (1 per transaction)")
    return Run(label, size, seconds, _writes(db), usage.ru_maxrss / 1024)


def _wipe(db: Database) -> None:
    with db.driver.session(database=db.name) as session:
        session.run(
            "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 20000 ROWS"
        ).consume()
        session.run("MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 20000 ROWS").consume()


def _writes(db: Database) -> int:
    rows = db.read(
        run_list,
        "CALL () { MATCH (n) RETURN count(n) AS nodes } "
        "CALL () { MATCH ()-[r]->() RETURN count(r) AS rels } RETURN nodes + rels AS writes",
    )
    return int(rows[0]["writes"])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _print(runs: list[Run], baseline: Run, batched_small: Run) -> None:
    print(
        f"machine: {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}"
    )
    print("| load | seconds | activities/s | graph writes/s | loader peak RSS (MB) |")
    print("|---|---:|---:|---:|---:|")
    for run in [*runs, batched_small, baseline]:
        print(
            f"| {run.label} | {run.seconds:.1f} | {run.rate:,.0f} | {run.writes_rate:,.0f} "
            f"| {run.peak_rss_mb:.0f} |"
        )
    print(
        f"batched vs naive on {baseline.activities:,} activities: "
        f"{batched_small.rate / baseline.rate:.1f}x activities/s"
    )
    if len(runs) > 1:
        print(
            f"peak RSS {runs[-1].activities:,} vs {runs[0].activities:,} activities: "
            f"{runs[-1].peak_rss_mb / runs[0].peak_rss_mb:.2f}x"
        )


if __name__ == "__main__":
    main()
