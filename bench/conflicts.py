"""Score minewatch's conflicts on seeds + dev against the shared gold disagreements.

    .venv/bin/python bench/conflicts.py [--show] [--keep DB]

Ingests ``../shared/seeds`` and ``../shared/corpus/dev`` into one temporary
database (as a new user would: ``minewatch ingest``), exports its claims and
conflicts, and runs ``../shared/tools/score_conflicts.py`` on them, printing
its score line (``--show``: every matched, duplicate, wrong and missed item).
Targets (issue 13): precision >= 0.90, recall >= 0.80.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared"
SCORER = SHARED / "tools" / "score_conflicts.py"
GOLD = SHARED / "gold" / "conflicts-dev.jsonl"


def _cli(db: str, *args: str, out: Path | None = None) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    cmd = [sys.executable, "-m", "minewatch.cli", "--db", db, *args]
    with (out.open("w", encoding="utf-8") if out else open(os.devnull, "w")) as fh:
        subprocess.run(cmd, check=True, stdout=fh, env=env, cwd=ROOT)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--show", action="store_true")
    ap.add_argument("--keep", type=Path, help="database file to build (kept); default: a temporary one")
    a = ap.parse_args()
    if not SCORER.exists() or not GOLD.exists():
        print(f"needs the shared folder: {SCORER} and {GOLD}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        path = a.keep or Path(tmp) / "conflicts.db"
        if path.exists():
            path.unlink()
        db = f"sqlite:///{path.resolve()}"
        t0 = time.perf_counter()
        _cli(db, "ingest", str(SHARED / "seeds"), str(SHARED / "corpus" / "dev"))
        claims, conflicts = Path(tmp) / "claims.jsonl", Path(tmp) / "conflicts.json"
        _cli(db, "claims", "--format", "jsonl", out=claims)
        _cli(db, "conflicts", "--format", "json", out=conflicts)
        print(f"ingest + reconcile + export: {time.perf_counter() - t0:.1f}s")
        cmd = [sys.executable, str(SCORER), str(GOLD), str(conflicts), str(claims)] + (["--show"] if a.show else [])
        return subprocess.call(cmd)


if __name__ == "__main__":
    sys.exit(main())
