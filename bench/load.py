"""Load generators: wrk when installed (the throughput figures), else a small asyncio client.

Both keep `connections` keep-alive connections busy for `seconds` and report requests per
second, latency percentiles and errors (connection errors, timeouts and HTTP status >= 400).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httptools

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK-JSON {"requests": %d, "duration_us": %d, "errors": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


@dataclass
class LoadResult:
    connections: int
    requests: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


def run(
    url: str,
    *,
    connections: int,
    seconds: float,
    headers: dict[str, str] | None = None,
    use_wrk: bool | None = None,
    work_dir: Path,
) -> LoadResult:
    if use_wrk is None:
        use_wrk = have_wrk()
    if use_wrk:
        return _wrk(url, connections, seconds, headers or {}, work_dir)
    return asyncio.run(_python_load(url, connections, seconds, headers or {}))


def _wrk(
    url: str, connections: int, seconds: float, headers: dict[str, str], work_dir: Path
) -> LoadResult:
    script = work_dir / "report.lua"
    script.write_text(WRK_SCRIPT)
    threads = min(2, connections)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "5s",
        "-s",
        str(script),
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    line = next(x for x in output.splitlines() if x.startswith("WRK-JSON "))
    data = json.loads(line.removeprefix("WRK-JSON "))
    duration = data["duration_us"] / 1e6
    return LoadResult(
        connections=connections,
        requests=data["requests"],
        rps=data["requests"] / duration if duration else 0.0,
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=data["errors"],
    )


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


class _Response:
    """Collects one HTTP/1.1 response from httptools' callbacks."""

    def __init__(self) -> None:
        self.done = False
        self.body = bytearray()
        self.headers: dict[str, str] = {}

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers[name.decode().lower()] = value.decode()

    def on_body(self, body: bytes) -> None:
        self.body += body

    def on_message_complete(self) -> None:
        self.done = True


async def request(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    raw: bytes,
) -> tuple[int, _Response]:
    """Send one prepared request on a keep-alive connection and read its response."""
    writer.write(raw)
    response = _Response()
    parser = httptools.HttpResponseParser(response)
    while not response.done:
        chunk = await reader.read(65536)
        if not chunk:
            raise ConnectionError("server closed the connection")
        parser.feed_data(chunk)
    return parser.get_status_code(), response


def build_request(
    url: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes = b"",
) -> bytes:
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"{method} {target or '/'} HTTP/1.1", f"Host: {parts.netloc}"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body or method != "GET":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _python_load(
    url: str, connections: int, seconds: float, headers: dict[str, str]
) -> LoadResult:
    parts = urlsplit(url)
    raw = build_request(url, headers=headers)
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal errors
        reader = writer = None
        while time.perf_counter() < deadline:
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
                assert reader is not None
                started = time.perf_counter()
                status, _ = await asyncio.wait_for(request(reader, writer, raw), 5)
                latencies.append(time.perf_counter() - started)
                if status >= 400:
                    errors += 1
            except (OSError, TimeoutError, ConnectionError):
                errors += 1
                if writer is not None:
                    writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    ms = [x * 1000 for x in latencies]
    return LoadResult(
        connections=connections,
        requests=len(latencies),
        rps=len(latencies) / elapsed if elapsed else 0.0,
        p50_ms=percentile(ms, 50),
        p95_ms=percentile(ms, 95),
        p99_ms=percentile(ms, 99),
        errors=errors,
    )
