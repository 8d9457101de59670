"""How uvicorn serves the app: its options (``server_options``), and several HTTP processes on one port,
each with a listening socket of its own, so that the kernel spreads the connections among them.

uvicorn's own ``workers`` share one listening socket: the process that wakes first accepts every
connection waiting, so a client that opens its connections at once (a proxy's pool of keep-alive
connections, a load generator) can have all of them served by one process while the others stand idle.
Here each process binds its own socket with ``SO_REUSEPORT``, and Linux hands each new connection to one
of the listening sockets of the port by a hash of its addresses.

The parent binds the address first, without listening (the kernel hands connections only to listening
sockets), so that a port in use is reported at once and a port 0 is chosen once for all processes. It
restarts an HTTP process that ends, and on SIGINT or SIGTERM stops them all (each finishes the requests
it is answering, as uvicorn does on SIGTERM).

The HTTP processes are forked from multiprocessing's fork server, a fresh interpreter started at once
(``start_preloading``) that imports the service (``PRELOAD``) while the parent checks the store, and never
opens it (RocksDB's threads would not survive a fork): each process then starts with the imports done,
instead of every process importing FastAPI, rdflib and the rest for itself after it starts.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.forkserver
import signal
import socket
import threading
import time
from multiprocessing.context import ForkServerProcess
from types import FrameType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..config import Settings

log = logging.getLogger("clusterkg.serve")

#: The app each process serves (it reads its settings from the environment).
APP = "clusterkg.app:app_from_environment"
#: What the fork server imports before it forks the HTTP processes.
PRELOAD = ["clusterkg.app", "clusterkg.http.connections", "uvicorn", "uvloop"]
#: An HTTP process that ends this soon after it started, this many times in a row, stops the service.
QUICK_EXIT_SECONDS = 10.0
QUICK_EXITS = 3
#: Seconds a process may take to finish its requests when the service stops.
STOP_SECONDS = 15.0


def server_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options: the guarded protocol (``http/connections.py``) and the keep-alive timeout."""
    from . import connections  # noqa: PLC0415 - imports uvicorn, which the other commands do not need

    return {
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level,
        "access_log": False,
        "http": connections.GuardedHttpToolsProtocol,
        "timeout_keep_alive": settings.keep_alive_timeout,
    }


def shared_port_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` with ``SO_REUSEPORT`` (not yet listening)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def serve_one(host: str, port: int, backlog: int) -> None:
    """(In an HTTP process.) Listen on a socket of its own and serve the app until told to stop."""
    import uvicorn  # noqa: PLC0415

    from ..config import Settings  # noqa: PLC0415

    sock = shared_port_socket(host, port)
    sock.listen(backlog)
    options = server_options(Settings())
    options.update(host=host, port=port, backlog=backlog)
    config = uvicorn.Config(APP, factory=True, **options)
    uvicorn.Server(config).run(sockets=[sock])


class Processes:
    """``count`` HTTP processes serving ``host:port``; ``run`` returns when they have stopped."""

    def __init__(self, host: str, port: int, count: int, backlog: int = 2048) -> None:
        self.host = host
        self.count = count
        self.backlog = backlog
        self._probe = shared_port_socket(host, port)  # the address is free (or OSError), and the port known
        self.port: int = self._probe.getsockname()[1]
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(PRELOAD)
        self._stop = threading.Event()
        #: Whether the service stopped because its processes kept ending.
        self.failed = False

    def start_preloading(self) -> None:
        """Start the fork server now, so that it imports the service while this process does other work."""
        multiprocessing.forkserver.ensure_running()

    def run(self) -> None:
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        log.info("serving http://%s:%d with %d HTTP processes", self.host, self.port, self.count)
        processes = [self._start() for _ in range(self.count)]
        quick_exits = 0
        try:
            while not self._stop.wait(0.5):
                for at, (process, started) in enumerate(processes):
                    if process.is_alive():
                        continue
                    quick = time.monotonic() - started < QUICK_EXIT_SECONDS
                    quick_exits = quick_exits + 1 if quick else 0
                    log.warning("HTTP process %s ended (exit code %s)", process.pid, process.exitcode)
                    if quick_exits >= QUICK_EXITS:
                        log.error("HTTP processes keep ending right after they start: stopping the service")
                        self.failed = True
                        self._stop.set()
                        break
                    processes[at] = self._start()
        finally:
            self._stop_all([process for process, _ in processes])
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            self._probe.close()

    def _start(self) -> tuple[ForkServerProcess, float]:
        process = self._context.Process(target=serve_one, args=(self.host, self.port, self.backlog))
        process.start()
        return process, time.monotonic()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self._stop.set()

    @staticmethod
    def _stop_all(processes: list[ForkServerProcess]) -> None:
        for process in processes:
            if process.is_alive():
                process.terminate()
        deadline = time.monotonic() + STOP_SECONDS
        for process in processes:
            process.join(max(deadline - time.monotonic(), 0.1))
            if process.is_alive():
                process.kill()
                process.join()
