"""When a run stops, and how it stops at once: signals, the run's deadline, a dead host.

A run can end early for three reasons (``RunControl.reason``):

    "signal"       SIGTERM or SIGINT (Ctrl-C)
    "deadline"     ``--max-runtime`` has passed
    "unreachable"  the site stopped answering (``Fetcher``'s circuit breaker)

Whatever the reason, no new request starts, waits for politeness or backoff end at once, and
the crawler — which does all writing on its own thread — finishes the record it is writing,
closes its files and returns what it has. On a signal or a dead host every request in flight is
also cut off at once, by shutting its socket down (``Watch``); at the deadline the requests in
flight may finish, each within its own deadline, so the next run need not fetch them again.

Network work never runs on the crawler's thread. ``RunControl.call`` and ``RunControl.map``
run it on daemon threads and wait for it in short, interruptible steps, so a request that
cannot be cut off (a connect to a host whose accept queue is full, a DNS lookup that hangs)
is *abandoned* after ``GRACE`` seconds instead of holding the run: nothing it would return is
ever written, and the process can exit while it is still blocked.
"""

from __future__ import annotations

import signal
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, Generic, TypeVar

from core.errors import RunStopped

T = TypeVar("T")
R = TypeVar("R")

GRACE = 1.0  # seconds a stopped run waits for requests in flight before abandoning them
POLL = 0.05  # seconds between checks of a waiting coordinator


class Watch:
    """One request's kill switch: shuts its socket down when ``fire`` is called.

    The socket is learnt from httpcore's ``trace`` extension as the connection is made (and
    again after TLS), so a request can be cut off in any phase: waiting for the status line,
    dripping headers, or dripping the body. ``why`` says what fired it: "time" (the request's
    own deadline) or "stop" (the run is stopping)."""

    def __init__(self) -> None:
        self.why: str | None = None
        self._stream: Any = None
        self._lock = threading.Lock()

    def trace(self, name: str, info: dict[str, Any]) -> None:
        """httpcore's ``trace`` callback: remember the network stream once it exists."""
        if name not in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            return
        stream = info.get("return_value")
        with self._lock:
            self._stream = stream
            fired = self.why is not None
        if fired:
            _shutdown(stream)

    def fire(self, why: str) -> None:
        with self._lock:
            if self.why is None:
                self.why = why
            stream = self._stream
        if stream is not None:
            _shutdown(stream)


def _shutdown(stream: Any) -> None:
    """Shut the stream's socket down so that a read or write blocked on it returns now."""
    try:
        sock = stream.get_extra_info("socket")
    except Exception:  # transports differ; a stream without a socket cannot be cut off
        return
    if isinstance(sock, socket.socket):
        with suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the raw socket, not TLS's


class RunControl:
    """The stop flag of one run, its deadline, and every request in flight."""

    def __init__(self, max_runtime: float | None = None) -> None:
        self.max_runtime = max_runtime
        self.reason: str | None = None
        self.message = ""
        self.cut = False  # requests in flight are being cut off
        self._event = threading.Event()
        self._lock = threading.RLock()  # re-entrant: ``stop`` may run in a signal handler
        self._watches: set[Watch] = set()

    @property
    def stopped(self) -> bool:
        return self._event.is_set()

    def stop(self, reason: str, message: str = "", *, cut: bool = True) -> None:
        """Stop the run (the first reason given is kept): no request starts from now on, and
        with ``cut`` every request in flight is cut off too. Without it (the run's deadline),
        requests in flight may finish — each within its own deadline — so that nothing that
        was nearly done has to be fetched again by the next run."""
        with self._lock:
            if self.reason is None:
                self.reason, self.message = reason, message
            self.cut = self.cut or cut
            watches = list(self._watches) if self.cut else []
        self._event.set()
        for watch in watches:
            watch.fire("stop")

    def check(self) -> None:
        """Raise ``RunStopped`` if the run is stopping."""
        if self.stopped:
            raise RunStopped(self.reason or "stopped")

    def wait(self, seconds: float) -> None:
        """Sleep ``seconds``, or less if the run stops meanwhile (then raise ``RunStopped``)."""
        if seconds > 0:
            self._event.wait(seconds)
        self.check()

    @contextmanager
    def watching(self, seconds: float) -> Iterator[Watch]:
        """A ``Watch`` that fires "time" after ``seconds``, and "stop" if the run stops."""
        watch = Watch()
        timer = threading.Timer(max(0.0, seconds), watch.fire, ("time",))
        timer.daemon = True
        with self._lock:
            self._watches.add(watch)
            stopping = self.cut
        if stopping:
            watch.fire("stop")
        timer.start()
        try:
            yield watch
        finally:
            timer.cancel()
            with self._lock:
                self._watches.discard(watch)

    # ------------------------------------------------------------------ the run

    @contextmanager
    def running(self) -> Iterator[RunControl]:
        """For the length of a run: SIGTERM/SIGINT stop it (main thread only), and so does
        ``max_runtime`` passing."""
        timer = None
        if self.max_runtime is not None:
            timer = threading.Timer(self.max_runtime, self.stop, ("deadline",), {"cut": False})
            timer.daemon = True
            timer.start()
        with self._signals():
            try:
                yield self
            finally:
                if timer is not None:
                    timer.cancel()

    @contextmanager
    def _signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
        for s in previous:
            signal.signal(s, lambda _n, _f: self.stop("signal"))
        try:
            yield
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)

    # ------------------------------------------------------------------ work off the thread

    def call(self, fn: Callable[[T], R], arg: T) -> R:
        """``fn(arg)`` on a daemon thread; its result, or ``RunStopped`` if the run stops and
        it has not returned within ``GRACE`` seconds (it is then abandoned)."""
        for outcome in self.map(fn, [arg], 1):
            return outcome.get()
        raise AssertionError("map yields one outcome per item")  # pragma: no cover

    def map(self, fn: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[Outcome[R]]:
        """``fn`` over ``items`` on ``workers`` daemon threads; outcomes in item order.

        Once the run stops, items not yet started are not started, and items still running
        after ``GRACE`` seconds are abandoned: both come out as outcomes whose ``get`` raises
        ``RunStopped``. An exception ``fn`` raises comes out the same way, from ``get``."""
        todo = list(items)
        outcomes = [Outcome[R]() for _ in todo]
        cursor = iter(range(len(todo)))
        take = threading.Lock()

        def worker() -> None:
            while True:
                with take:
                    i = next(cursor, None)
                    if i is not None:
                        outcomes[i].started = True
                if i is None:
                    return
                box = outcomes[i]
                if self.stopped:
                    box.settle(error=RunStopped(self.reason or "stopped"))
                    continue
                try:
                    box.settle(value=fn(todo[i]))
                except BaseException as exc:  # handed to the coordinator, which re-raises
                    box.settle(error=exc)

        for n in range(max(1, min(workers, len(todo)))):
            threading.Thread(target=worker, name=f"fetch-{n}", daemon=True).start()
        abandon_at: float | None = None  # one grace period for the whole map, once cut
        for box in outcomes:
            while not box.done.wait(POLL):
                if not self.cut:  # running, or stopping at the deadline: work in flight ends
                    continue
                with take:
                    if not box.started:  # no worker took it: it never will do anything
                        box.started = True
                        box.settle(error=RunStopped(self.reason or "stopped"))
                        break
                if abandon_at is None:
                    abandon_at = time.monotonic() + GRACE
                elif time.monotonic() >= abandon_at:
                    box.settle(error=RunStopped(self.reason or "stopped"), abandoned=True)
            yield box


class Outcome(Generic[R]):
    """What one item of ``RunControl.map`` came to: a value, an error, or abandoned."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.started = False  # a worker took it (set under the map's lock)
        self.abandoned = False
        self._value: R | None = None
        self._error: BaseException | None = None
        self._lock = threading.Lock()

    def settle(
        self, value: R | None = None, error: BaseException | None = None, abandoned: bool = False
    ) -> None:
        """The first settlement wins (a worker that returns after being abandoned is ignored)."""
        with self._lock:
            if self.done.is_set():
                return
            self._value, self._error, self.abandoned = value, error, abandoned
            self.done.set()

    def get(self) -> R:
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]
