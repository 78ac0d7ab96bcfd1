"""`make run` (python -m config.run): the Procfile's processes in one terminal, stopped quietly.

Ctrl-C stops every process the way it expects (SIGTERM to its main process, never its whole
group) and exits with 0; a process that ends by itself stops the others and exits with 1.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from config.run import procfile_read
from tests.processes import REPO_ROOT, clean_environment, local_opener

# A stand-in for a server: says it is ready, and on SIGTERM says goodbye and exits with 0.
POLITE = """
import signal, sys, time
signal.signal(signal.SIGTERM, lambda *a: (print("{name} bye", flush=True), sys.exit(0)))
print("{name} ready", flush=True)
while True:
    time.sleep(0.1)
"""
# Like Celery's worker: a pool process under it that must not be signalled by anyone else.
WITH_CHILD = """
import os, signal, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", '''
import signal, sys, time
signal.signal(signal.SIGTERM, lambda *a: (print("pool got SIGTERM", flush=True), sys.exit(1)))
time.sleep(60)
'''])
def stop(*a):
    time.sleep(0.5)  # a signal sent to the whole group would have reached the pool by now
    child.kill()
    print("parent bye", flush=True)
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
print("parent ready", flush=True)
while True:
    time.sleep(0.1)
"""
STUBBORN = """
import signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("stubborn ready", flush=True)
while True:
    time.sleep(0.1)
"""
FAILING = """
import sys, time
time.sleep(1)
print("failing gives up", flush=True)
sys.exit(3)
"""


def script(tmp_path: Path, name: str, source: str) -> str:
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    return f"{sys.executable} {path}"


def supervise(procfile: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "config.run", str(procfile)],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # A group of its own, as a terminal's foreground job: the test's Ctrl-C goes to it.
        start_new_session=True,
    )


def read_until(process: subprocess.Popen[str], wanted: set[str], timeout: float) -> list[str]:
    """Lines of output until every string in `wanted` has appeared in one of them."""
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while wanted:
        assert time.monotonic() < deadline, f"never saw {wanted}:\n" + "\n".join(lines)
        line = process.stdout.readline()
        assert line, "the output ended before " + str(wanted) + ":\n" + "\n".join(lines)
        lines.append(line.rstrip("\n"))
        wanted = {w for w in wanted if w not in line}
    return lines


def ctrl_c(process: subprocess.Popen[str]) -> None:
    os.killpg(process.pid, signal.SIGINT)


def test_the_procfile_is_read_line_by_line(tmp_path: Path) -> None:
    procfile = tmp_path / "Procfile"
    procfile.write_text("# the app\nweb: python -m config.serve --port 9\n\nbeat: celery beat\n")

    assert procfile_read(procfile) == [
        ("web", ["python", "-m", "config.serve", "--port", "9"]),
        ("beat", ["celery", "beat"]),
    ]
    procfile.write_text("web python -m config.serve\n")
    with pytest.raises(SystemExit, match="line 1: expected 'name: command'"):
        procfile_read(procfile)


def test_the_projects_procfile_names_web_worker_and_beat() -> None:
    assert [name for name, _ in procfile_read(REPO_ROOT / "Procfile")] == ["web", "worker", "beat"]


def test_ctrl_c_stops_each_main_process_and_exits_with_0(tmp_path: Path) -> None:
    procfile = tmp_path / "Procfile"
    procfile.write_text(
        f"web: {script(tmp_path, 'web', POLITE.format(name='web'))}\n"
        f"worker: {script(tmp_path, 'worker', WITH_CHILD)}\n"
    )
    process = supervise(procfile)
    try:
        read_until(process, {"web ready", "parent ready"}, timeout=30)
        ctrl_c(process)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)

    assert process.returncode == 0, output
    assert "web    | web bye" in output
    assert "worker | parent bye" in output
    assert "pool got SIGTERM" not in output  # the signal went to the main process only
    assert "Traceback" not in output


def test_a_second_ctrl_c_kills_what_would_not_stop(tmp_path: Path) -> None:
    procfile = tmp_path / "Procfile"
    procfile.write_text(f"stubborn: {script(tmp_path, 'stubborn', STUBBORN)}\n")
    process = supervise(procfile)
    try:
        read_until(process, {"stubborn ready"}, timeout=30)
        ctrl_c(process)
        read_until(process, {"Ctrl-C again"}, timeout=10)
        ctrl_c(process)
        output, _ = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)

    assert process.returncode == 0, output
    assert "stubborn did not stop: killing it" in output


def test_a_process_that_ends_by_itself_stops_the_others_and_fails(tmp_path: Path) -> None:
    procfile = tmp_path / "Procfile"
    procfile.write_text(
        f"web: {script(tmp_path, 'web', POLITE.format(name='web'))}\n"
        f"failing: {script(tmp_path, 'failing', FAILING)}\n"
    )
    process = supervise(procfile)
    try:
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)

    assert process.returncode == 1, output
    assert "failing exited with code 3; stopping the others" in output
    assert "web     | web bye" in output


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _healthy(url: str, *, within: float) -> bool:
    """Whether `url` answers 200 within `within` seconds: a worker says "Started server"
    a moment before the listening socket accepts, and a loaded machine stretches it."""
    deadline = time.monotonic() + within
    while True:
        try:
            with local_opener.open(url, timeout=10) as response:
                if response.status == 200:
                    return True
        except OSError:  # URLError included: not listening yet
            pass
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)


def test_make_runs_processes_stop_quietly_on_ctrl_c(tmp_path: Path) -> None:
    """The real Procfile: web, worker and beat start, and Ctrl-C ends them all with no error,
    no traceback and no warning about the broker."""
    port = _free_port()
    env = clean_environment(tmp_path, PORT=str(port), HOST="127.0.0.1")
    process = supervise(REPO_ROOT / "Procfile", env)
    try:
        lines = read_until(process, {"celery@", "beat: Starting", "Started server"}, 120)
        assert _healthy(f"http://127.0.0.1:{port}/healthz", within=30)
        ctrl_c(process)
        rest, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    output = "\n".join(lines) + "\n" + rest

    assert process.returncode == 0, output
    for bad in ("Traceback", "ERROR", "No hostname", "did not stop", "exited with code"):
        assert bad not in output, output
    assert "worker: Warm shutdown" in output
    assert "web    | INFO:     Finished server process" in output
