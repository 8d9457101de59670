"""The worker process's side of ``workers.py``: read jobs from stdin, answer on stdout.

A worker reads published snapshots of the store only (``snapshots.py``), never the directory a process
writes; when a job carries a new data version it moves to the newest snapshot before evaluating.

Kept apart from the pool so that a worker starts fast (it imports only pyoxigraph and the serialisers).
"""

from __future__ import annotations

import os
import pickle
import re
import resource
import struct
import sys
from pathlib import Path
from typing import IO, Any

from .base import QueryJob
from .sandbox import isolate_network
from .snapshots import SnapshotReader

_HEADER = struct.Struct("!Q")
READY = "ready"
#: How the engine says that a SERVICE call could not leave a worker that has no network.
NO_NETWORK = re.compile(
    r"lookup address|Network is unreachable|Connection refused|not allowed for HTTP|service name is unbound|"
    r"Cannot assign requested address|timed out|Temporary failure in name resolution",
    re.IGNORECASE,
)


def write_frame(stream: IO[bytes], message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)))
    stream.write(data)
    stream.flush()


def read_frame(stream: IO[bytes]) -> Any:
    """The next message, or ``None`` at end of stream."""
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)  # noqa: S301 - frames come from our own parent/child process


def _answer(
    reader: SnapshotReader, version: int, message: tuple[int, QueryJob], isolated: bool = False
) -> tuple[int, tuple[str, Any]]:
    """Evaluate one job on the newest snapshot (moved to when the data version changed)."""
    from .evaluate import evaluate  # noqa: PLC0415 - imported in the worker only

    wanted, job = message
    try:
        if wanted != version or reader.store is None:
            reader.refresh()
            version = wanted
        return version, ("ok", evaluate(reader.store, job))
    except SyntaxError as error:
        return version, ("syntax", str(error))
    except MemoryError:
        reader.close()  # opened again for the next job
        return -1, ("memory", "")
    except Exception as error:  # noqa: BLE001 - every failure goes back to the parent as a message
        # a SERVICE call the isolated worker could not make is the query's fault, not the store's
        kind = "service" if isolated and NO_NETWORK.search(str(error)) else "error"
        return version, (kind, f"{type(error).__name__}: {error}")


def limit_memory(limit: int) -> None:
    """Cap the process's address space at ``limit`` bytes: an allocation beyond it fails, and the engine
    then stops the process (Rust aborts on a failed allocation), which the pool reports as ``query_memory``."""
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def worker_main(snapshots: str, isolate: bool = False, memory: int | None = None) -> None:
    """Serve jobs from stdin until it closes. Anything printed goes to stderr, not into the frames. With
    ``isolate``, the worker first leaves the network (``sandbox.py``) and says whether it could; with
    ``memory``, it may use at most that many bytes of address space."""
    isolated = isolate_network() if isolate else False
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    inp = sys.stdin.buffer
    import pyoxigraph  # noqa: F401, PLC0415 - load before saying ready, so the first query is fast

    if memory is not None:
        limit_memory(memory)
    write_frame(out, (READY, isolated))
    reader = SnapshotReader(Path(snapshots))
    version = -1
    while (message := read_frame(inp)) is not None:
        version, reply = _answer(reader, version, message, isolated)
        write_frame(out, reply)


def _main(argv: list[str]) -> None:
    """``worker_main SNAPSHOTS_DIR [isolated] [memory=BYTES]``."""
    flags = dict(arg.partition("=")[::2] for arg in argv[1:])
    memory = flags.get("memory")
    worker_main(argv[0], isolate="isolated" in flags, memory=int(memory) if memory else None)


if __name__ == "__main__":
    _main(sys.argv[1:])
