"""A response's head (status line and headers) is held until its first body bytes and written with them:
one write for an answer sent whole; a ``100 Continue`` is never held, and a response without body bytes
(HEAD) or a connection closed after the head still sends the head."""

from __future__ import annotations

import asyncio

from clusterkg.http.connections import HeldHeaders

HEAD = b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n"


class Recording(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed


def test_the_head_and_the_body_go_out_in_one_write() -> None:
    transport = Recording()
    held = HeldHeaders(transport)
    held.write(HEAD)
    assert transport.writes == []
    held.write(b"hello")
    held.write(b" more")
    assert transport.writes == [HEAD + b"hello", b" more"]


def test_a_100_continue_is_written_at_once_and_the_head_after_it_is_held() -> None:
    transport = Recording()
    held = HeldHeaders(transport)
    held.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    assert transport.writes == [b"HTTP/1.1 100 Continue\r\n\r\n"]
    held.write(HEAD)
    held.write(b"hello")
    assert transport.writes[1:] == [HEAD + b"hello"]


def test_a_head_without_body_bytes_is_flushed_and_closing_sends_it_first() -> None:
    transport = Recording()
    held = HeldHeaders(transport)
    held.write(HEAD)
    held.flush()
    held.flush()
    assert transport.writes == [HEAD]
    other = Recording()
    closing = HeldHeaders(other)
    closing.write(HEAD)
    closing.close()
    assert other.writes == [HEAD] and other.closed and closing.is_closing()
