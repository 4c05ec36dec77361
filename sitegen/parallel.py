"""Where a build's work runs: executors in the manner of `concurrent.futures`.

A build splits its runs into shards and gives each shard one executor for all of
its stages: the worker that read a shard's runs still holds them when it draws
their pages (handing full runs between processes costs as much as reading them
again). So a build asks for `workers(n)`: n executors, one per shard.

- `InlineExecutor` runs each call at once, in this process (`--jobs 1`, and
  builds with little to read).
- `ForkedExecutor` runs calls in one forked worker process of its own, one
  after the other, in the order submitted. Forking starts the worker with the
  parent's modules and settings in place. It uses no thread: a result is read
  from the worker's pipe when it is asked for, in order.

Any other `concurrent.futures.Executor` that runs a shard's calls in one place
(a process pinned to a machine of a cluster, say) plugs in the same way: the
reading and drawing functions (site/shards.py) take and return plain picklable
values and know nothing of where they run.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import signal
import traceback
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, Future
from multiprocessing.connection import Connection
from typing import Any

from .errors import BuildError


class InlineExecutor(Executor):
    """Runs each call at once, in this process: the future is done when `submit` returns."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to whoever asks for the result, as any executor does
            future.set_exception(exc)
        return future


class ForkedExecutor(Executor):
    """One forked worker process; calls run there one after the other, in order."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("fork")
        self._pipe, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child,), daemon=True)
        self._process.start()
        child.close()
        self._pending: deque[_PipeFuture] = deque()
        self._open = True

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future = _PipeFuture(self)
        try:
            self._pipe.send((fn, args, kwargs))
        except OSError:
            # The worker is gone (it failed and closed its end): its own reason, not a broken pipe.
            self._receive_all()
            raise BuildError(self._gone_reason()) from None
        self._pending.append(future)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Tell the worker to end once its calls are done; `wait`: and wait until it has."""
        if self._open:
            self._open = False
            try:
                self._pipe.send(None)
            except OSError:
                pass
        if cancel_futures:
            self._process.kill()
        if wait or cancel_futures:
            self._receive_all()
            self._process.join()
            self._pipe.close()

    def _receive_until(self, future: _PipeFuture) -> None:
        """Read results from the worker, oldest call first, until `future` has its own."""
        while not future.done() and self._pending:
            head = self._pending.popleft()
            try:
                ok, value = self._pipe.recv()
            except (EOFError, OSError):
                head.set_exception(BuildError(self._gone_reason()))
                continue
            if ok:
                head.set_result(value)
            else:
                head.set_exception(BuildError(f"a build worker failed: {value}"))

    def _receive_all(self) -> None:
        while self._pending:
            self._receive_until(self._pending[-1])

    def _gone_reason(self) -> str:
        for future in self._pending:
            if future.done() and future.exception() is not None:
                return str(future.exception())
        return "a build worker stopped without a word"


class _PipeFuture(Future):
    """A future whose result is read from its worker's pipe when asked for."""

    def __init__(self, executor: ForkedExecutor) -> None:
        super().__init__()
        self._executor = executor

    def result(self, timeout: float | None = None) -> Any:
        self._executor._receive_until(self)
        return super().result(timeout)

    def exception(self, timeout: float | None = None) -> BaseException | None:
        self._executor._receive_until(self)
        return super().exception(timeout)


def workers(count: int) -> list[Executor]:
    """`count` executors, one per shard: this process alone for one, else forked workers."""
    if count <= 1:
        return [InlineExecutor()]
    return [ForkedExecutor() for _ in range(count)]


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Ask the kernel to kill this worker when the build process dies (Linux): a worker waiting
    for its next call would otherwise wait forever, since the pipes it inherited stay open."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return


def _serve(pipe: Connection) -> None:
    """A worker's life: run each call sent, send back its result (or why it failed), until told to end."""
    _die_with_parent()
    try:
        while (call := pipe.recv()) is not None:
            fn, args, kwargs = call
            try:
                pipe.send((True, fn(*args, **kwargs)))
            except BaseException as exc:  # the parent reports it as a build error, in one line
                reason = traceback.format_exception_only(exc)[-1].strip()
                pipe.send((False, str(exc) if isinstance(exc, BuildError) else reason))
    except (EOFError, OSError):
        pass  # the parent is gone
    finally:
        pipe.close()
