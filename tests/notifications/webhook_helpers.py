"""A real HTTP receiver on loopback for the webhook tests, and the content they need."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from community import services as community_services
from community.models import Board, Member, Thread


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    # Status codes to answer, in turn; the last one repeats.
    codes: list[int] = field(default_factory=lambda: [200])
    requests: list[Received] = field(default_factory=list)


@contextmanager
def receiver_server(codes: list[int] | None = None) -> Iterator[Receiver]:
    """An HTTP server on 127.0.0.1 in a thread, answering each POST with the next code."""
    box = Receiver(url="", codes=list(codes or [200]))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            box.requests.append(Received(self.path, dict(self.headers.items()), body))
            code = box.codes.pop(0) if len(box.codes) > 1 else box.codes[0]
            self.send_response(code)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    box.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    try:
        yield box
    finally:
        server.shutdown()
        server.server_close()


def question(author: Member, title: str = "My eSIM stopped working after the update") -> Thread:
    board, _ = Board.objects.get_or_create(slug="network", defaults={"name": "Network"})
    return community_services.thread_create(
        author=author,
        board=board,
        title=title,
        body="Since this morning the phone shows no service at all.",
        check_limits=False,
    )
