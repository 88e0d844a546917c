"""Hostile inputs and clients (issue 16): time and peak memory per bomb, server memory under junk requests.

    .venv/bin/python bench/hostile.py [--requests 10000] [--skip-server] [--skip-bombs] [--src OTHER/src]

Each bomb is built here (small on disk), then read by ``minewatch ingest`` in a
process of its own, so the peak resident memory (``ru_maxrss``) is that run's
alone.  The server part starts ``minewatch serve`` on a loopback port over a
database of 300 documents with long titles (so a listing answer is ~0.5 MB, as
the facts of a real base are) and sends N unique junk requests
(``/api/documents?limit=300&junk=N``: each a 422 now, a new cache entry
before) and N unique valid ones (``limit`` from 1 to 500 and ``text=wN``:
each a new answer the cache may keep), reading the server's resident memory
before and after from /proc.  Nothing here is a test: the figures go into the
README.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
GOOD = ("Ruritania's parliament voted on Tuesday to withdraw from the Mine Ban Treaty, the speaker said, "
        "after a debate that lasted into the evening in the capital.")


def gz_of(chunk: bytes, times: int) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    return b"".join([*(comp.compress(chunk) for _ in range(times)), comp.flush()])


def build_bombs(folder: Path) -> dict[str, Path]:
    """Name -> a folder holding one bomb and one good article beside it."""
    out: dict[str, Path] = {}

    def case(name: str, filename: str, data: bytes) -> None:
        d = folder / name
        d.mkdir()
        (d / filename).write_bytes(data)
        (d / "zz-good.txt").write_text(GOOD, encoding="utf-8")
        out[name] = d

    case("warc.gz of 200 MB zeros", "bomb.warc.gz", gz_of(b"\0" * (1 << 20), 200))
    case("warc.gz of 5 GB zeros", "bomb.warc.gz", gz_of(b"\0" * (1 << 20), 5 * 1024))
    case("jsonl.gz of 5 GB newlines", "bomb.jsonl.gz", gz_of(b"\n" * (1 << 20), 5 * 1024))
    attrs = " ".join(f'a{i}="x"' for i in range(300_000))
    case("HTML, 300 000 attributes on one tag", "bomb.html",
         f"<html><body><div {attrs}><p>{GOOD}</p></div></body></html>".encode())
    case("JSON line nested 100 000 deep", "bomb.jsonl", b"[" * 100_000 + b"]" * 100_000 + b"\n")
    return out


def run_ingest(folder: Path, db: Path, src: Path = SRC) -> dict:
    code = (
        "import json, resource, sys, time\n"
        "from minewatch.pipeline import IngestOptions, ingest\n"
        "from minewatch.store.repository import Store\n"
        "t = time.perf_counter()\n"
        "s = ingest(Store.open(sys.argv[2]), [sys.argv[1]], IngestOptions(extract=False))\n"
        "print(json.dumps({'seconds': round(time.perf_counter() - t, 2),\n"
        "  'peak_mb': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),\n"
        "  'ingested': s.ingested, 'skipped': [x['reason'] for x in s.skipped],\n"
        "  'summary_bytes': len(json.dumps(s.to_dict()))}))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(src))
    proc = subprocess.run([sys.executable, "-c", code, str(folder), f"sqlite:///{db}"], env=env,
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        return {"error": proc.stderr[-500:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def fill_documents(db: Path, src: Path, n: int = 300) -> None:
    code = (
        "import sys\n"
        "from datetime import date\n"
        "from minewatch.model import Document\n"
        "from minewatch.store.repository import Store\n"
        "store = Store.open(sys.argv[1])\n"
        "for i in range(int(sys.argv[2])):\n"
        "    text = f'Synthetic bench article number {i} about nothing in particular. ' * 5\n"
        "    store.add_document(Document(text=text, original=text, title=f'Title {i} ' + 'x' * 1500,\n"
        "                       outlet='Bench Wire', published=date(2025, 1, 1), language='en', via=[]))\n"
    )
    subprocess.run([sys.executable, "-c", code, f"sqlite:///{db}", str(n)], env=dict(os.environ, PYTHONPATH=str(src)),
                   check=True, timeout=600)


def server_memory(n: int, tmp: Path, src: Path = SRC) -> dict:
    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    fill_documents(tmp / "srv.db", src)
    env = dict(os.environ, PYTHONPATH=str(src))
    proc = subprocess.Popen([sys.executable, "-c", "from minewatch.cli import main; main()", "--db",
                             str(tmp / "srv.db"), "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=10) as c:
            for _ in range(200):
                try:
                    c.get("/api/treaties")
                    break
                except httpx.HTTPError:
                    time.sleep(0.2)
            c.get("/api/documents?limit=300")
            before = rss_mb(proc.pid)
            t = time.perf_counter()
            codes: dict[int, int] = {}
            for i in range(n):
                r = c.get(f"/api/documents?limit=300&junk={i}")
                codes[r.status_code] = codes.get(r.status_code, 0) + 1
            after_junk = rss_mb(proc.pid)
            for i in range(n):
                r = c.get(f"/api/documents?limit={i % 500 + 1}" if i % 2 else f"/api/documents?text=w{i}")
                codes[r.status_code] = codes.get(r.status_code, 0) + 1
            after_valid = rss_mb(proc.pid)
            return {"requests": 2 * n, "seconds": round(time.perf_counter() - t, 1), "status_codes": codes,
                    "rss_before_mb": round(before), "rss_after_junk_mb": round(after_junk),
                    "rss_after_unique_valid_mb": round(after_valid)}
    finally:
        proc.terminate()
        proc.wait(30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=10_000)
    ap.add_argument("--skip-server", action="store_true")
    ap.add_argument("--skip-bombs", action="store_true")
    ap.add_argument("--src", type=Path, default=SRC, help="the minewatch sources to measure (another checkout: a baseline)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="mw-hostile-") as t:
        tmp = Path(t)
        for i, (name, folder) in enumerate([] if args.skip_bombs else build_bombs(tmp).items()):
            size = sum(f.stat().st_size for f in folder.iterdir())
            r = run_ingest(folder, tmp / f"b{i}.db", args.src)
            print(f"{name:40s} {size / 1e6:7.2f} MB on disk  {json.dumps(r)}", flush=True)
        if not args.skip_server:
            print("server:", json.dumps(server_memory(args.requests, tmp, args.src)), flush=True)


if __name__ == "__main__":
    main()
