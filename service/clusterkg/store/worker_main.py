"""The worker process's side of ``workers.py``: read jobs from stdin, answer on stdout.

A worker reads published snapshots of the store only (``snapshots.py``), never the directory a process
writes, through an in-memory copy when the snapshot is small enough (``replica.py``); when a job carries
a new data version it moves to the newest snapshot before evaluating.

Kept apart from the pool so that a worker starts fast (it imports only pyoxigraph and the serialisers).
"""

from __future__ import annotations

import os
import re
import resource
import struct
import sys
from pathlib import Path
from typing import IO, NamedTuple

from .base import QueryJob
from .replica import ReplicaReader
from .sandbox import isolate_network

#: A job: sizes of the rest, data version, row limit, default and named graph counts; then length-prefixed
#: UTF-8 strings (result format, query, default graphs, named graphs).
_JOB = struct.Struct("!IqQHH")
_STR = struct.Struct("!I")
#: A reply: kind, flag (truncated; for READY: isolated), format name length, row count, body length; then
#: the format name and the body (the serialised answer, or an error message).
_REPLY = struct.Struct("!BBBQQ")
REPLY_HEADER = _REPLY.size
OK, SYNTAX, SERVICE, ERROR, MEMORY, READY = range(6)
#: How the engine says that a SERVICE call could not leave a worker that has no network.
NO_NETWORK = re.compile(
    r"lookup address|Network is unreachable|Connection refused|not allowed for HTTP|service name is unbound|"
    r"Cannot assign requested address|timed out|Temporary failure in name resolution",
    re.IGNORECASE,
)


class Reply(NamedTuple):
    kind: int
    flag: bool
    result_format: str
    rows: int
    body: bytes


def encode_job(version: int, job: QueryJob) -> bytes:
    parts = [job.result_format, job.query, *job.default_graphs, *job.named_graphs]
    body = b"".join(_STR.pack(len(data)) + data for data in (part.encode("utf-8", "surrogatepass") for part in parts))
    return _JOB.pack(len(body), version, job.max_rows, len(job.default_graphs), len(job.named_graphs)) + body


def read_job(stream: IO[bytes]) -> tuple[int, QueryJob] | None:
    """The next job and the data version it wants, or ``None`` at end of stream."""
    header = stream.read(_JOB.size)
    if len(header) < _JOB.size:
        return None
    size, version, max_rows, defaults, named = _JOB.unpack(header)
    body = stream.read(size)
    if len(body) < size:
        return None
    parts, at = [], 0
    while at < size:
        (length,) = _STR.unpack_from(body, at)
        parts.append(body[at + _STR.size : at + _STR.size + length].decode("utf-8", "surrogatepass"))
        at += _STR.size + length
    fmt, query, graphs = parts[0], parts[1], tuple(parts[2:])
    job = QueryJob(query, fmt, graphs[:defaults], graphs[defaults : defaults + named], max_rows=max_rows)
    return version, job


def encode_reply(kind: int, body: bytes = b"", result_format: str = "", count: int = 0, flag: bool = False) -> bytes:
    fmt = result_format.encode("ascii")
    return _REPLY.pack(kind, flag, len(fmt), count, len(body)) + fmt + body


def reply_size(header: bytes | bytearray) -> int:
    """The whole length of a reply whose header is ``header``."""
    _, _, fmt, _, body = _REPLY.unpack_from(header)
    return int(_REPLY.size + fmt + body)


def decode_reply(data: bytes | bytearray) -> Reply:
    kind, flag, fmt, count, size = _REPLY.unpack_from(data)
    at = _REPLY.size + fmt
    return Reply(kind, bool(flag), bytes(data[_REPLY.size : at]).decode("ascii"), count, bytes(data[at : at + size]))


def read_reply(stream: IO[bytes]) -> Reply | None:
    """A reply read from a blocking stream (the READY message at start-up), or ``None`` at end of stream."""
    header = stream.read(_REPLY.size)
    if len(header) < _REPLY.size:
        return None
    rest = stream.read(reply_size(header) - _REPLY.size)
    return decode_reply(header + rest)


def _answer(
    reader: ReplicaReader, version: int, message: tuple[int, QueryJob], isolated: bool = False
) -> tuple[int, bytes]:
    """Evaluate one job on the newest snapshot (moved to when the data version changed); the reply frame."""
    from .evaluate import evaluate  # noqa: PLC0415 - imported in the worker only

    wanted, job = message
    try:
        if wanted != version or reader.store is None:
            reader.refresh()
            version = wanted
        with reader.reading() as store:  # not released by the copy's adoption meanwhile
            result = evaluate(store, job)
        return version, encode_reply(OK, result.body, result.result_format, result.count, result.truncated)
    except SyntaxError as error:
        return version, encode_reply(SYNTAX, str(error).encode())
    except MemoryError:
        reader.close()  # opened again for the next job
        return -1, encode_reply(MEMORY)
    except Exception as error:  # noqa: BLE001 - every failure goes back to the parent as a message
        # a SERVICE call the isolated worker could not make is the query's fault, not the store's
        kind = SERVICE if isolated and NO_NETWORK.search(str(error)) else ERROR
        return version, encode_reply(kind, f"{type(error).__name__}: {error}".encode())


def limit_memory(limit: int) -> None:
    """Cap the process's address space at ``limit`` bytes: an allocation beyond it fails, and the engine
    then stops the process (Rust aborts on a failed allocation), which the pool reports as ``query_memory``."""
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def worker_main(snapshots: str, isolate: bool = False, memory: int | None = None, replica: int = 0) -> None:
    """Serve jobs from stdin until it closes. Anything printed goes to stderr, not into the frames. With
    ``isolate``, the worker first leaves the network (``sandbox.py``) and says whether it could; with
    ``memory``, it may use at most that many bytes of address space; snapshots of at most ``replica`` bytes
    are read from a copy in memory (``replica.py``)."""
    isolated = isolate_network() if isolate else False
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    inp = sys.stdin.buffer
    import pyoxigraph  # noqa: F401, PLC0415 - load before saying ready, so the first query is fast

    if memory is not None:
        limit_memory(memory)
    _send(out, encode_reply(READY, flag=isolated))
    # Opened (and copied into memory) at the first job: a service whose queries the HTTP processes answer
    # themselves (``plans.py``) spends nothing on copies no query would read.
    reader = ReplicaReader(Path(snapshots), replica)
    version = -1
    while (message := read_job(inp)) is not None:
        version, reply = _answer(reader, version, message, isolated)
        _send(out, reply)


def _send(out: IO[bytes], frame: bytes) -> None:
    out.write(frame)
    out.flush()


def _main(argv: list[str]) -> None:
    """``worker_main SNAPSHOTS_DIR [isolated] [memory=BYTES] [replica=BYTES]``."""
    flags = dict(arg.partition("=")[::2] for arg in argv[1:])
    memory = flags.get("memory")
    replica = int(flags.get("replica") or 0)
    worker_main(argv[0], isolate="isolated" in flags, memory=int(memory) if memory else None, replica=replica)


if __name__ == "__main__":
    _main(sys.argv[1:])
