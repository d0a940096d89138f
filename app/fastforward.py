"""Fast-forward: train whole epochs at full speed in a worker thread, then go back to stepping.

A job trains its session from a step boundary with the untraced path (``Session.advance``: the
very same arithmetic as a traced step, so replay stays bit-identical) until the end of the
N-th epoch, or until the accuracy after an epoch reaches a target, or until it is cancelled.
A run never passes MAX_STEP (a URL replays every step from the start): a request for more
epochs than fit is cut to the whole epochs that do, and the progress text says so throughout.
It holds its own session's lock while it runs (that tab waits) and nothing else: other
sessions step freely. Progress is published as plain attributes that the event stream reads.

Sharing the GIL fairly. A job is CPU-bound Python, so it competes with the request threads for
the GIL, and CPython hands a waiting thread the GIL only after a 5 ms switch interval. So a job
steps aside: every YIELD_EVERY steps it looks whether request work is running (a busy thread of
the server's request pool) and, if so, sleeps until that work is done (MAX_PAUSE at most), which
hands the GIL over for real; ``time.sleep(0)`` alone mostly takes it straight back. Two jobs take
turns (``Turns``): one computes at a time, so a request competes with one job, not two, and the
jobs do not lose a third of their speed handing the GIL to each other.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import anyio.to_thread

from app.history import Accuracy
from app.sessions import Session
from app.state import MAX_STEP

MAX_EPOCHS = 1000
WORKERS = 2  # fast-forwards that run at once; more wait their turn, and never take a request thread
EXECUTOR = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="fast-forward")
PUBLISH_EVERY = 64  # steps between progress snapshots
YIELD_EVERY = 32  # steps between offers of the GIL to other threads (about every 1.5 ms)
TURN_EVERY = 256  # steps in a job's turn while another job waits (about 12 ms)
PAUSE = 0.001  # seconds: one sleep while request work runs
MAX_PAUSE = 0.02  # seconds: the longest a job steps aside at once, so it still moves under a steady load

_jobs: dict[str, Job] = {}
_jobs_lock = threading.Lock()
_request_threads: anyio.CapacityLimiter | None = None  # the server's request pool, seen by start()


class Turns:
    """One job computes at a time; the others wait their turn, first come first served."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._waiting: deque[int] = deque()
        self._holder: int | None = None

    def take(self) -> None:
        me = threading.get_ident()
        with self._changed:
            self._waiting.append(me)
            self._changed.wait_for(lambda: self._holder is None and self._waiting[0] == me)
            self._waiting.popleft()
            self._holder = me

    def give(self) -> None:
        with self._changed:
            self._holder = None
            self._changed.notify_all()

    def others_waiting(self) -> bool:
        return bool(self._waiting)


TURNS = Turns()


def requests_busy() -> bool:
    """Whether a request thread is working (a step, a panel, a progress message, a download)."""
    return _request_threads is not None and _request_threads.borrowed_tokens > 0


def make_way(done: int) -> None:
    """Called between steps by the job whose turn it is: step aside for requests, and for the other job."""
    busy = requests_busy()
    if not busy and not (done % TURN_EVERY == 0 and TURNS.others_waiting()):
        time.sleep(0)  # the event loop thread may want the GIL (it is not in the request pool)
        return
    TURNS.give()
    deadline = time.perf_counter() + MAX_PAUSE
    while busy and time.perf_counter() < deadline:
        time.sleep(PAUSE)
        busy = requests_busy()
    TURNS.take()


@dataclass(frozen=True)
class Snapshot:
    """Where a job is: steps done, and the weights after them."""

    steps: int
    weights: list
    biases: list


class Job:
    """One fast-forward of one session, from step ``start`` for ``epochs`` epochs (or to a target accuracy)."""

    def __init__(self, session: Session, start: int, epochs: int, target: float | None = None):
        self.session = session
        self.start = start
        size = session.trainer.epoch_size
        self.requested = max(1, min(int(epochs), MAX_EPOCHS))
        first = start // size  # the epoch in progress at the start (a run ends at an epoch's end)
        last = min(first + self.requested, MAX_STEP // size)  # the last epoch that ends by MAX_STEP
        # not even this epoch ends by MAX_STEP: train up to the limit, mid-epoch
        self.stop_at = max(start, last * size if last > first else MAX_STEP)
        self.epochs = last - first if last > first else 0
        self.capped = self.epochs < self.requested
        self.target = target  # a share in (0, 1], or None
        self.cancelled = threading.Event()
        self.finished = threading.Event()
        self.snapshot: Snapshot | None = None
        self.accuracy: Accuracy | None = None  # after the last epoch completed in this run
        self.reason = ""
        self.started = self.ended = 0.0
        self.queued = time.perf_counter()

    @property
    def total(self) -> int:
        return self.stop_at - self.start

    def limit_note(self, finished: bool) -> str:
        """Why the run trains fewer epochs than asked for ("" when it does not)."""
        if not self.capped:
            return ""
        why = f"step {MAX_STEP:,} is as far as mirrorprop goes (a link replays every step from the start)"
        asked = f"{self.requested:,} epoch{'s' if self.requested != 1 else ''}"
        if self.total == 0:
            return f"Nothing to train: {why}."
        if self.epochs == 0:
            verb = "Stopped" if finished else "Stopping"
            return f"{verb} at step {self.stop_at:,}, mid-epoch, not after {asked}: {why}."
        verb = "Trained" if finished else "Training"
        return f"{verb} {self.epochs:,} epoch{'s' if self.epochs != 1 else ''}, not {asked}: {why}."

    @property
    def steps_done(self) -> int:
        """Steps trained so far in this run's session (start when nothing ran yet)."""
        return self.snapshot.steps if self.snapshot else self.start

    @property
    def rate(self) -> float:
        """Steps per second so far."""
        end = self.ended or time.perf_counter()
        elapsed = end - self.started if self.started else 0.0
        return (self.steps_done - self.start) / elapsed if elapsed > 0 else 0.0

    def cancel(self) -> None:
        self.cancelled.set()

    def run(self) -> None:
        """Train until the last epoch, the target or a cancel (runs in a worker thread)."""
        session = self.session
        size = session.trainer.epoch_size
        with session.lock:
            TURNS.take()
            self.started = time.perf_counter()
            try:
                session.seek(self.start)
                trainer = session.trainer
                self._publish()
                while trainer.steps_done < self.stop_at:
                    if self.cancelled.is_set():
                        self.reason = "cancelled"
                        break
                    session.advance()
                    done = trainer.steps_done
                    if done % size == 0:
                        self.accuracy = (session.history.accuracy(done // size, session.evaluator)
                                         or session.evaluator.accuracy(trainer.network.weights, trainer.network.biases))
                        self._publish()
                        if self._reached():
                            self.reason = "target"
                            break
                    elif done % PUBLISH_EVERY == 0:
                        self._publish()
                    if done % YIELD_EVERY == 0:
                        make_way(done)
                else:
                    self.reason = "epochs"
                self._publish()
            finally:
                TURNS.give()
                self.ended = time.perf_counter()
                self.finished.set()

    def _publish(self) -> None:
        net = self.session.trainer.network
        self.snapshot = Snapshot(self.session.trainer.steps_done, net.weights, net.biases)

    def _reached(self) -> bool:
        if self.target is None or self.accuracy is None:
            return False
        share = self.accuracy.test if self.accuracy.test is not None else self.accuracy.train
        return share is not None and share >= self.target


def start(job: Job) -> asyncio.Future:
    """Register the job under its session and hand it to a worker; an older job of the session is cancelled."""
    global _request_threads
    _request_threads = anyio.to_thread.current_default_thread_limiter()  # what run_in_threadpool uses
    with _jobs_lock:
        if (old := _jobs.get(job.session.id)) is not None:
            old.cancel()
        _jobs[job.session.id] = job
    return asyncio.get_running_loop().run_in_executor(EXECUTOR, job.run)


def cancel(session_id: str) -> bool:
    """Cancel the session's running fast-forward; False if there is none."""
    with _jobs_lock:
        job = _jobs.get(session_id)
    if job is None or job.finished.is_set():
        return False
    job.cancel()
    return True


def forget(job: Job) -> None:
    with _jobs_lock:
        if _jobs.get(job.session.id) is job:
            del _jobs[job.session.id]


# --- what the progress bar says ---------------------------------------------------------------


@dataclass
class ProgressView:
    state: str  # "running" | "done" | "cancelled"
    done: int
    total: int
    percent: int
    steps_done: int
    text: str
    note: str = ""  # why the run stops short of the epochs asked for


def progress_view(job: Job, finished: bool = False) -> ProgressView:
    """The bar and its sentence: epoch, steps, speed, accuracy; or how the run ended."""
    size = job.session.trainer.epoch_size
    steps = job.steps_done
    done = steps - job.start
    epoch = steps // size
    accuracy = ""
    if job.accuracy is not None:
        a = job.accuracy
        accuracy = f" · accuracy {100 * a.test:.1f}% (test)" if a.test is not None else f" · accuracy {100 * a.train:.1f}% (train)"
    rate = f"{job.rate:,.0f} steps/s"
    if not finished:
        last = -(-job.stop_at // size)  # the epoch the run ends in
        if not job.started:
            text = "Waiting for a free trainer…"
        else:
            text = f"Epoch {min(epoch + 1, last)} of {last}: step {steps:,} of {job.stop_at:,} · {rate}{accuracy}"
        return ProgressView("running", done, job.total, int(100 * done / max(job.total, 1)), steps, text,
                            job.limit_note(finished=False))
    how = {"target": "Reached the target accuracy", "cancelled": "Cancelled", "epochs": "Done"}.get(job.reason, "Stopped")
    where = f"the end of epoch {epoch}" if steps % size == 0 else f"step {steps:,}, in epoch {epoch + 1}"
    text = (f"{how}: {done:,} steps in {job.ended - job.started:.2f} s ({rate}), to {where}{accuracy}. "
            f"Step on from here, one sample at a time.")
    note = job.limit_note(finished=True) if job.reason == "epochs" else ""
    return ProgressView("cancelled" if job.reason == "cancelled" else "done", done, job.total,
                        int(100 * done / max(job.total, 1)), steps, text, note)
