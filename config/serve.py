"""The web server, as production, `make run`, the Procfile, the benchmark and the browser
tests start it: `python -m config.serve`.

uvicorn serves config.web:application (HTTP on a thread pool through Django's WSGI handler,
WebSockets through Channels) on one port, in `WEB_CONCURRENCY` processes of `WEB_THREADS`
request threads each. BENCHMARKS.md compares this layout with daphne, uvicorn on Django's
ASGI handler, and gunicorn.

Environment (README.md, "Configuration"):
- HOST, PORT: where to listen (127.0.0.1:8000);
- WEB_CONCURRENCY: processes; by default one per CPU core with REDIS_URL, and one without it,
  because the in-memory channel layer of the embedded mode can't carry a push from one
  process to another's sockets;
- WEB_THREADS: request threads per process (4). Each thread holds at most one database
  connection, so a pool's maximum per process should equal WEB_THREADS, and PostgreSQL's
  max_connections must exceed WEB_CONCURRENCY x WEB_THREADS plus the workers'.

`--fd N` serves on an already-listening socket (the tests bind a free port themselves).

Ctrl-C (SIGINT) and SIGTERM stop it gracefully and it exits with 0, without a traceback,
from the moment it begins loading the server.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import sys
from types import FrameType

logger = logging.getLogger("mutua.serve")


def processes() -> int:
    raw = os.environ.get("WEB_CONCURRENCY")
    if raw:
        value = int(raw)
        if value < 1:
            raise SystemExit("WEB_CONCURRENCY must be at least 1")
        if value > 1 and not os.environ.get("REDIS_URL"):
            logger.warning(
                "WEB_CONCURRENCY=%d without REDIS_URL: live thread updates reach only the "
                "sockets of the process that made them (notifications still arrive by polling)",
                value,
            )
        return value
    if not os.environ.get("REDIS_URL"):
        return 1
    return os.cpu_count() or 1


def _exit_quietly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def main(argv: list[str] | None = None) -> None:
    # Before the server is up a signal ends the start-up; once it is, uvicorn handles it (a
    # graceful shutdown) and then raises it again with the handlers it found, these: without
    # them Ctrl-C would end in a KeyboardInterrupt traceback and SIGTERM in a kill.
    signal.signal(signal.SIGINT, _exit_quietly)
    signal.signal(signal.SIGTERM, _exit_quietly)
    # Imported after the handlers are in place: loading the server takes a moment.
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    parser = argparse.ArgumentParser(prog="python -m config.serve", description=__doc__)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--fd", type=int, default=None, help="serve on this listening socket")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    workers = processes()
    logger.info(
        "serving on %s with %d process(es) x %s thread(s)",
        f"fd {args.fd}" if args.fd is not None else f"http://{args.host}:{args.port}",
        workers,
        os.environ.get("WEB_THREADS", "4"),
    )
    sys.stdout.flush()
    config = uvicorn.Config(
        "config.web:application",
        host=args.host,
        port=args.port,
        workers=workers,
        loop="uvloop",
        http="httptools",
        ws="websockets-sansio",
        # Live events are a few hundred bytes of JSON: compressing them saves nothing and
        # costs each socket its own zlib state and every frame a compression (BENCHMARKS.md,
        # "Notification fan-out": about 40 KB a socket).
        ws_per_message_deflate=False,
        # Django has no lifespan handlers; "off" skips a startup round trip per process.
        lifespan="off",
        access_log=False,
        server_header=False,
        # TLS ends at the load balancer, which says who the client is and how it came.
        proxy_headers=True,
        forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        timeout_graceful_shutdown=10,
    )
    # uvicorn's own --fd takes any descriptor for a Unix socket (so clients' addresses are
    # lost); socket(fileno=) reads the real family of the descriptor it is given.
    sock = socket.socket(fileno=args.fd) if args.fd is not None else config.bind_socket()
    if workers > 1:
        Multiprocess(config, sockets=[sock]).run()
    else:
        uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
