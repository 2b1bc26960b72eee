"""``jikg serve`` beside raw ``oxigraph serve-read-only`` on the same data: throughput, crowds, runaways.

Figures to read, not a timed test (loopback only; needs Debian's ``wrk``)::

    python benchmarks/serve_bench.py                 # all three parts, about two minutes
    python benchmarks/serve_bench.py --only throughput --seconds 5

- throughput: ``wrk -t2 -c16`` on one COUNT query (the same text every time: ``jikg serve``
  answers it from its answer cache) and on the same COUNT with ``LIMIT n``, n new every time
  (each one parsed by the policy and run by a worker), requests per second, mean and p99
  latency, and jikg ÷ raw, each after a 2 s warm-up run that is not counted;
- crowd: 500 simultaneous new connections (``Connection: close``): how many were answered,
  refused (503) or timed out, and the slowest;
- runaway: four cross joins with ORDER BY at once, timeout 5 s: the engine's memory (the
  workers' resident set) when idle, at its peak, and 2 s after the answers.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from jikg.layout import Layout
from jikg.oxigraph import OxigraphServer
from jikg.query import built_dataset, open_dataset
from jikg.serve import Running, ServeConfig, start

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?a ?d ?g ?j"
VARYING = Path(__file__).with_name("varying-count.lua")


def wrk(url: str, seconds: int, script: Path | None = None) -> dict:
    """``wrk -t2 -c16 --latency``: requests/s, mean and p99 latency (ms), non-2xx count."""
    command = [
        "wrk",
        "-t2",
        "-c16",
        f"-d{seconds}s",
        "--latency",
        "-H",
        "Accept: application/sparql-results+json",
    ]
    command += ["-s", str(script)] if script else []
    out = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 30).stdout
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "mean": ms(re.search(r"Latency\s+([\d.]+\w+)", out).group(1)),
        "p99": ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
        "errors": int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0,
    }


def ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def throughput(jikg: str, raw: str, seconds: int) -> None:
    script = VARYING
    print(f"\n## Throughput: wrk -t2 -c16 -d{seconds}s, same store (req/s; latency ms)")
    print(f"{'query':32} {'server':8} {'req/s':>8} {'mean':>7} {'p99':>7} {'non-2xx':>8}")
    cases = (
        ("one COUNT, repeated", "?query=" + urllib.parse.quote(COUNT), None),
        ("COUNT LIMIT n, new", "", script),
    )
    for name, path, lua in cases:
        figures = {}
        for server, base in (("raw", raw), ("jikg", jikg)):
            wrk(base + path, 2, lua)  # warm-up, not counted: first parses, caches, page cache
            figures[server] = wrk(base + path, seconds, lua)
            f = figures[server]
            print(f"{name:32} {server:8} {f['rps']:8.0f} {f['mean']:7.2f} {f['p99']:7.2f} {f['errors']:8d}")
        ratio = figures["jikg"]["rps"] / figures["raw"]["rps"]
        p99 = figures["jikg"]["p99"] / figures["raw"]["p99"]
        print(f"{name:32} {'jikg/raw':8} {ratio:8.2f} {'':7} {p99:7.2f}")


def crowd(url: str, name: str, n: int = 500) -> None:
    def one(_: int) -> tuple[str, float]:
        started = time.monotonic()
        request = urllib.request.Request(url, headers={"Connection": "close"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
                outcome = str(response.status)
        except urllib.error.HTTPError as error:
            outcome = str(error.code)
        except OSError as error:
            outcome = "timeout" if "timed out" in str(error) else type(error).__name__
        return outcome, time.monotonic() - started

    with ThreadPoolExecutor(n) as pool:
        outcomes = list(pool.map(one, range(n)))
    tally: dict[str, int] = {}
    for outcome, _ in outcomes:
        tally[outcome] = tally.get(outcome, 0) + 1
    slowest = max(seconds for _, seconds in outcomes)
    print(f"{name:8} {n} at once: {dict(sorted(tally.items()))}, slowest {slowest:.2f} s")


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError):
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    return total / 2**20


def runaway(running: Running, timeout: float) -> None:
    pids = lambda: [w.process.pid for w in list(running.service.engine.workers)]  # noqa: E731
    idle, peak, done = rss_mb(pids()), [0.0], threading.Event()

    def watch() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], rss_mb(pids()))
            time.sleep(0.05)

    def one(_: int) -> int:
        url = running.url + "sparql?" + urllib.parse.urlencode({"query": RUNAWAY})
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    started = time.monotonic()
    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(one, range(4)))
    answered = time.monotonic() - started
    time.sleep(2)
    done.set()
    after = rss_mb(pids())
    print(f"\n## Runaway: 4 × cross join with ORDER BY at once, timeout {timeout:g} s")
    print(f"answers {sorted(statuses)} after {answered:.1f} s")
    print(
        f"workers' memory: idle {idle:.0f} MB, peak {peak[0]:.0f} MB, 2 s after the answers {after:.0f} MB "
        f"({after / idle:.2f} × idle)"
    )
    print(f"health: {running.service.engine.health.report()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--only", choices=("throughput", "crowd", "runaway"))
    args = parser.parse_args()
    layout = Layout()
    print(f"# serve_bench on {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        nquads = built_dataset(layout)
        if not nquads.is_file():
            nquads = folder / "dataset.nq"
            open_dataset(layout, warn=lambda _: None).dump(str(nquads))
        raw = OxigraphServer.start(folder / "raw", read_only=True, timeout_s=5, nquads=nquads)
        config = ServeConfig(layout, nquads, port=0, timeout=5, quiet=True)
        running = start(config, thread=True, warn=lambda _: None)
        try:
            jikg, raw_url = running.url + "sparql", raw.url + "/query"
            if args.only in (None, "throughput"):
                throughput(jikg, raw_url, args.seconds)
            if args.only in (None, "crowd"):
                print("\n## Crowd: simultaneous new connections (Connection: close), ASK {}")
                crowd(f"{raw_url}?query=ASK%7B%7D", "raw")
                crowd(f"{jikg}?query=ASK%7B%7D", "jikg")
            if args.only in (None, "runaway"):
                runaway(running, config.timeout)
        finally:
            running.stop()
            raw.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
