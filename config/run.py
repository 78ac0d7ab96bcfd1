"""`make run`: the Procfile's processes (web, worker, beat) together in one terminal.

`python -m config.run [Procfile]` starts every `name: command` line of the Procfile, each in a
session of its own, and prints their output line by line behind their names. Ctrl-C (SIGINT)
or SIGTERM stops them the way each expects: SIGTERM to its main process only, so uvicorn
closes its connections, the Celery worker finishes the tasks it holds and then ends its pool
processes itself, and beat saves its schedule. It waits for them (a second Ctrl-C kills them
at once) and exits with 0. If a process ends by itself, the others are stopped and the exit
code is 1.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shlex
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import FrameType
from typing import IO

# How long the processes have to stop before they are killed.
STOP_SECONDS = 30.0
SYSTEM = "mutua"


def procfile_read(path: Path) -> list[tuple[str, list[str]]]:
    """The Procfile's `name: command` lines (blank lines and # comments skipped)."""
    entries = []
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, colon, command = line.partition(":")
        if not colon or not name.strip() or not command.strip():
            raise SystemExit(f"{path}, line {number}: expected 'name: command', got {raw!r}")
        entries.append((name.strip(), shlex.split(command)))
    if not entries:
        raise SystemExit(f"{path} names no process")
    return entries


class Supervisor:
    def __init__(self, entries: list[tuple[str, list[str]]], *, out: IO[str]) -> None:
        self.entries = entries
        self.out = out
        self.width = max(len(name) for name, _command in [*entries, (SYSTEM, [])])
        self.lock = threading.Lock()
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.pumps: list[threading.Thread] = []
        self.ended: queue.Queue[str] = queue.Queue()
        self.stop_requested = threading.Event()
        self.kill_requested = threading.Event()

    def say(self, name: str, line: str) -> None:
        with self.lock:
            self.out.write(f"{name:<{self.width}} | {line}\n")
            self.out.flush()

    def _pump(self, name: str, process: subprocess.Popen[bytes]) -> None:
        for raw in process.stdout or ():
            self.say(name, raw.decode(errors="replace").rstrip("\r\n"))
        process.wait()
        self.ended.put(name)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.stop_requested.is_set():
            self.kill_requested.set()
        self.stop_requested.set()

    def start(self) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        for name, command in self.entries:
            process = subprocess.Popen(  # noqa: S603 - the project's own Procfile
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                env=env,
                # Out of the terminal's process group: Ctrl-C reaches this supervisor only,
                # which then stops each process the way it expects.
                start_new_session=True,
            )
            self.processes[name] = process
            pump = threading.Thread(target=self._pump, args=(name, process), daemon=True)
            pump.start()
            self.pumps.append(pump)

    def run(self) -> int:
        signal.signal(signal.SIGINT, self._on_signal)
        signal.signal(signal.SIGTERM, self._on_signal)
        self.start()
        failed = False
        while not self.stop_requested.is_set():
            try:
                name = self.ended.get(timeout=0.2)
            except queue.Empty:
                continue
            code = self.processes[name].returncode
            self.say(SYSTEM, f"{name} exited with code {code}; stopping the others")
            failed = True
            break
        else:
            self.say(SYSTEM, "stopping (press Ctrl-C again to kill the processes at once)")
        self.stop()
        for pump in self.pumps:
            pump.join(timeout=5)
        return 1 if failed else 0

    def _running(self) -> list[tuple[str, subprocess.Popen[bytes]]]:
        return [(n, p) for n, p in self.processes.items() if p.poll() is None]

    def stop(self) -> None:
        for _name, process in self._running():
            process.send_signal(signal.SIGTERM)  # the main process only, not its group
        deadline = time.monotonic() + STOP_SECONDS
        while self._running() and time.monotonic() < deadline:
            if self.kill_requested.is_set():
                break
            time.sleep(0.1)
        for name, _process in self._running():
            self.say(SYSTEM, f"{name} did not stop: killing it")
        for process in self.processes.values():
            # Whatever is left of each process group (nothing, when it stopped as asked).
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    entries = procfile_read(Path(args[0] if args else "Procfile"))
    sys.exit(Supervisor(entries, out=sys.stdout).run())


if __name__ == "__main__":
    main()
