"""Stopping the web server (`python -m config.serve`): Ctrl-C or SIGTERM ends it gracefully,
with exit code 0 and nothing on stderr that looks like a failure."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import REPO_ROOT, Server, _wait_until_healthy, clean_environment


@pytest.mark.parametrize(
    ("signum", "processes"),
    [(signal.SIGINT, "1"), (signal.SIGTERM, "1"), (signal.SIGINT, "2")],
    ids=["ctrl-c", "sigterm", "ctrl-c-two-processes"],
)
def test_a_stop_signal_ends_the_server_quietly(
    tmp_path: Path, signum: signal.Signals, processes: str
) -> None:
    env = clean_environment(tmp_path, WEB_CONCURRENCY=processes)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "config.serve", "--fd", str(listener.fileno())],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=[listener.fileno()],
            # Its own process group, so the signal below reaches it and its worker
            # processes as a terminal's Ctrl-C reaches every process started from it.
            start_new_session=True,
        )
    server = Server(url=f"http://127.0.0.1:{listener.getsockname()[1]}", log_path=log_path)
    listener.close()
    try:
        _wait_until_healthy(process, server)
        os.killpg(process.pid, signum)
        returncode = process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    output = log_path.read_text()
    assert returncode == 0, output
    assert "Traceback" not in output and "ERROR" not in output, output
    assert "Shutting down" in output  # graceful: uvicorn closed its connections first
