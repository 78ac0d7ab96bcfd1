"""`python -m bench` (what `make bench` runs): measure the product as production serves it.

Starts PostgreSQL and Redis if they are down, seeds the bench database if it is missing,
starts the production server command (`python -m config.serve`) on loopback with production
settings and DEBUG off, loads it with wrk (or the built-in asyncio client), and prints one
table, also written to var/bench/results.json. BENCHMARKS.md explains every figure.

Environment: BENCH_SCALE (full|small|tiny, default full), BENCH_SECONDS (per load run),
BENCH_DATABASE_URL, BENCH_REDIS_URL (empty: no Redis, the embedded channel layer),
BENCH_PORT, WEB_CONCURRENCY and WEB_THREADS (the server's processes and threads).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import fanout, infra, load, writes
from bench.server import LAYOUTS, REPO_ROOT, cpu_used, serve

DEFAULT_SECONDS = {"full": 15.0, "small": 5.0, "tiny": 2.0}
DEFAULT_SOCKETS = {"full": 1000, "small": 1000, "tiny": 50}
DEFAULT_ROUNDS = {"full": 200, "small": 100, "tiny": 20}


def machine() -> dict[str, Any]:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cores": os.cpu_count(),
        "cpu": model or platform.processor(),
        "python": platform.python_version(),
        "load_before": list(os.getloadavg()),
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    scale = os.environ.get("BENCH_SCALE", "full")
    parser.add_argument("--scale", choices=sorted(infra.SCALES), default=scale)
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--sockets", type=int, default=None)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="default: mutua_bench (full) or mutua_bench_<scale> on the local PostgreSQL",
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("BENCH_PORT", "8701")),
        help="0: any free port",
    )
    parser.add_argument("--processes", type=int, default=None, help="WEB_CONCURRENCY")
    parser.add_argument("--threads", type=int, default=None, help="WEB_THREADS")
    parser.add_argument("--no-wrk", action="store_true", help="use the built-in load client")
    parser.add_argument(
        "--compare-layouts",
        action="store_true",
        help="also measure daphne, uvicorn on Django's ASGI handler and gunicorn",
    )
    parser.add_argument("--out", type=Path, default=infra.VAR / "results.json")
    return parser.parse_args(argv)


def install_wrk() -> None:
    """wrk from Debian when it is missing and apt-get is there; else the asyncio client."""
    if load.have_wrk():
        return
    if (
        os.geteuid() == 0
        and subprocess.run(["which", "apt-get"], capture_output=True).returncode == 0
    ):
        infra.log("installing wrk (apt-get)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}

        def apt(*args: str) -> int:
            return subprocess.run(
                ["apt-get", *args], env=env, capture_output=True, check=False
            ).returncode

        if apt("install", "-y", "-qq", "wrk"):
            apt("update", "-qq")
            apt("install", "-y", "-qq", "wrk")
    if not load.have_wrk():
        infra.log("wrk is not available: using the built-in asyncio load client")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    scale = args.scale
    seconds = args.seconds or float(os.environ.get("BENCH_SECONDS", DEFAULT_SECONDS[scale]))
    database_url = args.database_url or (
        infra.DEFAULT_DATABASE if scale == "full" else f"{infra.DEFAULT_DATABASE}_{scale}"
    )
    redis_url = args.redis_url or None
    processes = args.processes or int(
        os.environ.get("WEB_CONCURRENCY", str(os.cpu_count() or 1) if redis_url else "1")
    )
    threads = args.threads or int(os.environ.get("WEB_THREADS", "4"))
    use_wrk = False if args.no_wrk else None
    if use_wrk is None:
        install_wrk()
    if args.port == 0:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    work = args.out.parent / f"run-{scale}"
    work.mkdir(parents=True, exist_ok=True)

    infra.ensure_services(database_url, redis_url)
    env = infra.server_env(database_url, redis_url, work / "var", production=scale != "tiny")
    fixtures = infra.prepare(env, database_url, scale)
    started = time.monotonic()
    results: dict[str, Any] = {
        "machine": machine(),
        "scale_name": scale,
        "scale": fixtures["scale"],
        "server": {
            "command": "python -m config.serve",
            "processes": processes,
            "threads": threads,
            "load_generator": "wrk" if (use_wrk is None and load.have_wrk()) else "asyncio",
            "seconds_per_run": seconds,
        },
    }

    infra.log("in-process timings (Markdown, leaderboard, search, SQL queries)")
    inproc_out = subprocess.run(
        [sys.executable, "-m", "bench.inproc", json.dumps(fixtures), str(DEFAULT_ROUNDS[scale])],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if inproc_out.returncode:
        raise SystemExit(f"bench.inproc failed:\n{inproc_out.stderr[-4000:]}")
    line = next(x for x in inproc_out.stdout.splitlines() if x.startswith("BENCH-INPROC "))
    inproc = json.loads(line.removeprefix("BENCH-INPROC "))
    results["inproc"] = inproc

    cookie = {"Cookie": f"{fixtures['session_cookie']}={fixtures['reader']['session']}"}
    t20, t200 = fixtures["threads"]["20"], fixtures["threads"]["200"]
    rows: list[dict[str, Any]] = []
    with serve(
        "production",
        port=args.port,
        env=env,
        log_path=work / "server.log",
        processes=processes,
        threads=threads,
    ) as server:

        def measure(name: str, path: str, conns: int, headers: dict[str, str] | None = None,
                    queries: int | None = None) -> dict[str, Any]:  # fmt: skip
            cpu = server.cpu_seconds()
            result = load.run(
                server.url + path,
                connections=conns,
                seconds=seconds,
                headers=headers,
                use_wrk=use_wrk,
                work_dir=work,
            )
            used = server.cpu_seconds()
            # CPU milliseconds per request, by side: what a page costs the web workers and
            # what it costs the database, whatever the load generator took.
            cpu_ms = {
                side: 1000 * seconds / max(result.requests, 1)
                for side, seconds in cpu_used(cpu, used).items()
            }
            row = {"name": name, "path": path, **result.as_dict(), "queries": queries,
                   "cpu_ms": cpu_ms}  # fmt: skip
            rows.append(row)
            infra.log(f"{name} c{conns}: {result.rps:.0f} req/s p99 {result.p99_ms:.0f} ms")
            return row

        q = inproc["queries"]
        for conns in (4, 32):
            measure("floor /healthz", "/healthz", conns)
            measure("thread 20 anonymous", t20["url"], conns, queries=q["anon_20"])
            measure("thread 20 logged in", t20["url"], conns, cookie, q["auth_20"])
            measure("thread 200 anonymous", t200["url"], conns, queries=q["anon_200"])
            measure("thread 200 logged in", t200["url"], conns, cookie, q["auth_200"])
        measure("board list", "/boards/", 32)
        rss = server.rss_mb()

        infra.log("write path: ask, answer, kudos at 32 concurrent writers")
        results["writes"] = writes.run(
            server.url, fixtures, writers=32, per_phase=8 if scale == "tiny" else 96
        )
        infra.log("fan-out to open sockets")
        results["fanout"] = fanout.run(
            server.url,
            t20["id"],
            sockets=args.sockets or DEFAULT_SOCKETS[scale],
            rounds=2 if scale == "tiny" else 5,
            redis_url=redis_url,
            tokens=fixtures["writer_tokens"][-5:],
        )
        rss_after = server.rss_mb()

    results["rows"] = rows
    workers_rss = rss_after[1:] if len(rss_after) > 1 else rss_after
    results["rss_mb"] = {"before_sockets": rss, "after_sockets": rss_after}
    if args.compare_layouts:
        results["layouts"] = compare_layouts(env, args.port, processes, threads, seconds,
                                             t20["url"], use_wrk, work)  # fmt: skip

    def row(name: str, conns: int) -> dict[str, Any]:
        return next(r for r in rows if r["name"] == name and r["connections"] == conns)

    floor = row("floor /healthz", 32)
    results.update(
        thread_anon_rps=row("thread 20 anonymous", 32)["rps"],
        thread_auth_rps=row("thread 20 logged in", 32)["rps"],
        thread_anon_p99_ms=row("thread 20 anonymous", 32)["p99_ms"],
        floor_rps=floor["rps"],
        errors=sum(r["errors"] for r in rows) + results["writes"]["errors"],
        thread_queries_20=max(q["anon_20"], q["auth_20"]),
        thread_queries_200=max(q["anon_200"], q["auth_200"]),
        fanout_p50_ms=results["fanout"]["p50_ms"],
        fanout_p99_ms=results["fanout"]["p99_ms"],
        fanout_lost=results["fanout"]["lost"],
        markdown_5kb_p95_ms=inproc["markdown_5kb"]["p95_ms"],
        # The worse of the two viewers: the bench's reader and a member mid-board.
        leaderboard_p95_ms=max(
            inproc[k]["p95_ms"] for k in ("leaderboard", "leaderboard_middle") if k in inproc
        ),
        search_p95_ms=inproc["search"]["p95_ms"],
        search_cold_p95_ms=inproc["search_cold"]["p95_ms"],
        writes_p95_ms=results["writes"]["p95_ms"],
        rss_mb_per_process=max(workers_rss) if workers_rss else 0.0,
        seconds=round(time.monotonic() - started, 1),
    )
    results["machine"]["load_after"] = list(os.getloadavg())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(report(results))
    print(f"\nwritten to {args.out}")
    return 0


def compare_layouts(
    env: dict[str, str],
    port: int,
    processes: int,
    threads: int,
    seconds: float,
    thread_url: str,
    use_wrk: bool | None,
    work: Path,
) -> list[dict[str, Any]]:
    found = []
    for layout in LAYOUTS:
        n = 1 if layout == "daphne" else processes
        infra.log(f"layout {layout} ({n} process(es))")
        with serve(layout, port=port, env=env, log_path=work / f"{layout}.log",
                   processes=n, threads=threads) as server:  # fmt: skip
            entry: dict[str, Any] = {"layout": layout, "processes": n}
            for name, path in (("floor", "/healthz"), ("thread20", thread_url)):
                for conns in (4, 32):
                    result = load.run(server.url + path, connections=conns, seconds=seconds,
                                      use_wrk=use_wrk, work_dir=work)  # fmt: skip
                    entry[f"{name}_c{conns}"] = result.as_dict()
            entry["rss_mb"] = server.rss_mb()
        found.append(entry)
    return found


def report(results: dict[str, Any]) -> str:
    floor = {r["connections"]: r["rps"] for r in results["rows"] if r["name"].startswith("floor")}
    lines = [
        f"Mutua bench, scale {results['scale_name']} {results['scale']}",
        f"machine: {results['machine']['cores']} cores, {results['machine']['cpu']}, "
        f"load {results['machine']['load_before'][0]:.2f} before / "
        f"{results['machine']['load_after'][0]:.2f} after",
        f"server: python -m config.serve, {results['server']['processes']} processes x "
        f"{results['server']['threads']} threads; {results['server']['load_generator']}, "
        f"{results['server']['seconds_per_run']:.0f} s per run",
        "",
        f"{'what':<24}{'conns':>6}{'req/s':>9}{'% floor':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p99 ms':>9}{'errors':>8}{'queries':>9}{'cpu ms web':>12}{'db':>6}",
    ]
    for r in results["rows"]:
        share = 100 * r["rps"] / floor[r["connections"]] if floor.get(r["connections"]) else 0
        lines.append(
            f"{r['name']:<24}{r['connections']:>6}{r['rps']:>9.0f}{share:>8.0f}%"
            f"{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}{r['p99_ms']:>9.1f}{r['errors']:>8}"
            f"{'' if r['queries'] is None else r['queries']:>9}"
            f"{r['cpu_ms']['server']:>12.2f}{r['cpu_ms']['database']:>6.2f}"
        )
    w, f = results["writes"], results["fanout"]
    lines += [
        "",
        f"writes at {w['writers']} writers: ask p95 {w['ask_p95_ms']:.0f} ms, answer p95 "
        f"{w['answer_p95_ms']:.0f} ms, kudos p95 {w['kudos_p95_ms']:.0f} ms "
        f"({w['writes']} writes, {w['errors']} errors)",
        f"fan-out to {f['sockets']} sockets ({f['trigger']}, {f['rounds']} events): "
        f"p50 {f['p50_ms']:.0f} ms, p99 {f['p99_ms']:.0f} ms, lost {f['lost']}",
        f"Markdown 5 KB p95 {results['markdown_5kb_p95_ms']:.2f} ms; leaderboard top 100 + own "
        f"rank p95 {results['leaderboard_p95_ms']:.2f} ms; search p95 "
        f"{results['search_p95_ms']:.2f} ms, with its cache off "
        f"{results['search_cold_p95_ms']:.2f} ms (server time, in process)",
        f"RSS per process: {', '.join(f'{x:.0f}' for x in results['rss_mb']['after_sockets'])} MB"
        f" (max worker {results['rss_mb_per_process']:.0f} MB)",
    ]
    for entry in results.get("layouts", []):
        lines.append(
            f"layout {entry['layout']:<13} x{entry['processes']}: floor c32 "
            f"{entry['floor_c32']['rps']:.0f} req/s, thread c4 {entry['thread20_c4']['rps']:.0f}"
            f", c32 {entry['thread20_c32']['rps']:.0f} req/s (p99 "
            f"{entry['thread20_c32']['p99_ms']:.0f} ms, {entry['thread20_c32']['errors']} errors)"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
