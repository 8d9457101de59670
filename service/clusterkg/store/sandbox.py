"""Take a query worker off the network: a process of its own network namespace, with no interface up.

The engine evaluates ``SERVICE`` itself, over HTTP. A query worker that evaluates queries which are not
federated (``sparql/policy.py``) first moves into a new, empty network namespace (Linux
``unshare(CLONE_NEWNET)``; as an unprivileged user inside a new user namespace, which maps the user to
itself): from then on no connection can be opened, to loopback or anywhere else, so no spelling of a
query can make the engine reach a host. Files (the store) are unaffected.

Where the kernel does not allow it (not Linux, or user namespaces switched off), ``isolate_network``
returns ``False``: the service then says so at start-up and refuses, before evaluation, any query that a
SPARQL parser cannot show to be free of ``SERVICE``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000


def isolate_network() -> bool:
    """Move this process into a network namespace of its own; whether it worked."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    if libc.unshare(CLONE_NEWNET) == 0:
        return True
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        return False
    try:  # keep our own uid and gid inside the new user namespace
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{uid} {uid} 1")
        _write("/proc/self/gid_map", f"{gid} {gid} 1")
    except OSError:
        pass  # the mapping is a courtesy: the kernel still checks file access with our real ids
    return True


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="ascii") as file:
        file.write(text)
