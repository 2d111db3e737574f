"""Judge pages in worker processes, fed by the event loop over socket pairs — no helper threads.

Judging a homepage (Lexbor parse, text walk, number search) costs about as much CPU as fetching it,
so a crawl that judges inline runs at half the speed of one that only fetches. A worker process
takes that work off the event loop. `concurrent.futures.ProcessPoolExecutor` does too, but its
queue-feeder and manager threads, pickled work items and cross-thread wake-ups cost the event
loop about as much CPU as judging the page itself. Here each worker is one socket: the event loop
writes a length-prefixed pickle of (target, page) and awaits the report — two system calls.

Bounded by construction: a caller waits for an idle worker (there are `size` of them), so at most
`size` pages are in flight to workers and nothing queues without limit. A worker that dies is
replaced by inline judging, so a crawl of thousands never stops for one crashed process.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import pickle
import socket
import struct
from collections.abc import Callable
from types import TracebackType
from typing import Any

from vats.checks.results import Fetched, SiteReport, SiteTarget

_HEADER = struct.Struct("!I")  # payload length
# What a worker runs: a module-level function (it travels to the worker by reference) that never raises.
Judge = Callable[[SiteTarget, Fetched], SiteReport]


def _recv_exactly(sock: socket.socket, size: int) -> bytes:
    chunks: list[bytes] = []
    while size:
        chunk = sock.recv(min(size, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _worker_main(sock: socket.socket, judge: Judge) -> None:
    """A worker process: judge each (target, page) that arrives, answer with the report; EOF ends it."""
    with sock:
        while True:
            try:
                (size,) = _HEADER.unpack(_recv_exactly(sock, _HEADER.size))
                target, fetched = pickle.loads(_recv_exactly(sock, size))
            except (EOFError, ConnectionError):
                return
            answer = pickle.dumps(judge(target, fetched), pickle.HIGHEST_PROTOCOL)
            sock.sendall(_HEADER.pack(len(answer)) + answer)


class _Worker:
    """One worker process and the event loop's end of its socket."""

    def __init__(self, process: Any, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.process = process
        self.reader = reader
        self.writer = writer

    async def judge(self, target: SiteTarget, fetched: Fetched) -> SiteReport:
        payload = pickle.dumps((target, fetched), pickle.HIGHEST_PROTOCOL)
        self.writer.write(_HEADER.pack(len(payload)) + payload)
        await self.writer.drain()
        (size,) = _HEADER.unpack(await self.reader.readexactly(_HEADER.size))
        report: SiteReport = pickle.loads(await self.reader.readexactly(size))
        return report

    async def close(self) -> None:
        self.writer.close()  # the worker reads EOF and exits
        with contextlib.suppress(ConnectionError):
            await self.writer.wait_closed()
        self.process.join(5)  # the crawl is over: a brief blocking wait costs nothing
        if self.process.is_alive():  # pragma: no cover - a worker stuck on a page
            self.process.terminate()


class JudgeWorkers:
    """`async with JudgeWorkers(1, judge_page) as workers: report = await workers.judge(target, page)`."""

    def __init__(self, size: int, judge: Judge) -> None:
        self.size = size
        self._judge = judge
        self._workers: list[_Worker] = []
        # Idle workers; None stands for "judge inline" (a worker that died is replaced by it).
        self._idle: asyncio.Queue[_Worker | None] = asyncio.Queue()

    async def __aenter__(self) -> JudgeWorkers:
        context = multiprocessing.get_context("spawn")  # no fork of a process that runs threads
        for _ in range(self.size):
            ours, theirs = socket.socketpair()
            process = context.Process(target=_worker_main, args=(theirs, self._judge), daemon=True)
            process.start()
            theirs.close()
            reader, writer = await asyncio.open_connection(sock=ours, limit=1 << 20)
            worker = _Worker(process, reader, writer)
            self._workers.append(worker)
            self._idle.put_nowait(worker)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await asyncio.gather(*(w.close() for w in self._workers))
        self._workers.clear()

    async def judge(self, target: SiteTarget, fetched: Fetched) -> SiteReport:
        """The report for one fetched page, from the first idle worker (waits for one)."""
        worker = await self._idle.get()
        if worker is None:
            self._idle.put_nowait(None)
            return self._judge(target, fetched)
        try:
            report = await worker.judge(target, fetched)
        except (asyncio.IncompleteReadError, ConnectionError, pickle.UnpicklingError, EOFError):
            self._idle.put_nowait(None)  # the worker is gone: its share of pages is judged inline
            return self._judge(target, fetched)
        except BaseException:  # cancelled mid-exchange: the socket's framing is lost with it
            self._idle.put_nowait(None)
            raise
        self._idle.put_nowait(worker)
        return report
