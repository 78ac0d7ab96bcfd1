"""Start a web server layout on a loopback port, wait until it answers, measure its memory.

`production` is the product's own command (`python -m config.serve`); the others are the
layouts BENCHMARKS.md compares it with, started the way their documentation says.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 60.0
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def command(layout: str, port: int, processes: int, threads: int) -> list[str]:
    py = sys.executable
    if layout == "production":
        return [py, "-m", "config.serve", "--port", str(port)]
    if layout == "daphne":
        return [py, "-m", "daphne", "-p", str(port), "config.asgi:application"]
    if layout == "uvicorn-asgi":
        return [
            py, "-m", "uvicorn", "config.asgi:application", "--port", str(port),
            "--workers", str(processes), "--no-access-log", "--lifespan", "off",
        ]  # fmt: skip
    if layout == "gunicorn":
        return [
            py, "-m", "gunicorn", "config.wsgi:application", "-b", f"127.0.0.1:{port}",
            "-w", str(processes), "-k", "gthread", "--threads", str(threads),
        ]  # fmt: skip
    raise ValueError(f"unknown layout {layout!r}")


LAYOUTS = ("production", "daphne", "uvicorn-asgi", "gunicorn")


@dataclass
class Running:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def pids(self) -> list[int]:
        """The server process and its children (uvicorn and gunicorn workers)."""
        found = [self.process.pid]
        index = 0
        while index < len(found):
            children = Path(f"/proc/{found[index]}/task/{found[index]}/children")
            if children.exists():
                found += [int(pid) for pid in children.read_text().split()]
            index += 1
        return found

    def cpu_seconds(self) -> dict[tuple[str, str], float]:
        """CPU time used so far, user and system, per process: the server's ("server", pid)
        and the machine's PostgreSQL processes' ("database", pid; the bench's database is
        the only busy one). `cpu_used` of two readings says where a run's CPU went."""
        return {
            **{("server", str(pid)): _cpu_seconds(pid) for pid in self.pids()},
            **{("database", pid): _cpu_seconds(pid) for pid in _pids_named("postgres")},
        }

    def rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except FileNotFoundError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes


def cpu_used(
    before: dict[tuple[str, str], float], after: dict[tuple[str, str], float]
) -> dict[str, float]:
    """CPU seconds per side between two readings, process by process: a process that ended
    in between is left out (its last seconds are unknown; a sum over the processes alive at
    each reading would go down), one that started counts from zero."""
    used = {"server": 0.0, "database": 0.0}
    for (side, pid), seconds in after.items():
        used[side] += max(0.0, seconds - before.get((side, pid), 0.0))
    return used


def _stat(pid: int | str) -> tuple[str, list[str]]:
    """A process's name and the fields after it in /proc/<pid>/stat; ("", []) once gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return "", []
    name, _, rest = text.partition(" (")[2].rpartition(") ")
    return name, rest.split()


def _cpu_seconds(pid: int | str) -> float:
    fields = _stat(pid)[1]
    # utime and stime, the 14th and 15th fields of the line (man 5 proc).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") if fields else 0.0


def _pids_named(name: str) -> list[str]:
    return [pid for pid in os.listdir("/proc") if pid.isdigit() and _stat(pid)[0] == name]


@contextmanager
def serve(
    layout: str,
    *,
    port: int,
    env: dict[str, str],
    log_path: Path,
    processes: int = 2,
    threads: int = 4,
) -> Iterator[Running]:
    env = {**env, "WEB_CONCURRENCY": str(processes), "WEB_THREADS": str(threads)}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command(layout, port, processes, threads),
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = Running(url=f"http://127.0.0.1:{port}", process=process, log_path=log_path)
    try:
        wait_healthy(running)
        yield running
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        # The whole session: uvicorn's and gunicorn's workers too.
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def wait_healthy(running: Running) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if running.process.poll() is not None:
            raise RuntimeError(f"the server exited on startup:\n{running.log_tail()}")
        try:
            with _opener.open(f"{running.url}/healthz", timeout=5) as response:
                if response.status == 200:
                    break
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the server never became healthy:\n{running.log_tail()}")
        time.sleep(0.2)
    # Every worker process up: a few more answers, so none starts cold under the load.
    for _ in range(20):
        with _opener.open(f"{running.url}/healthz", timeout=5):
            pass
