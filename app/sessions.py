"""Sessions: one trainer per browser tab or API client, with its recent traces at hand.

A session is only a cache. The page's URL holds the config and the position, so any
step's numbers can be rebuilt by replay when the server no longer holds the session.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass

from app import actions
from app.config import Config
from app.history import Evaluator, History
from app.trace import StepTrace
from app.training import Advanced, Trainer

KEEP_TRACES = 600  # the last steps' traces, enough to step back through 500 phases
CHECKPOINT_EVERY = 64  # weights kept every 64 steps, so replay never runs far
DENSE_CHECKPOINTS = 4096  # ... over the last 4096 steps; before that every 1024 (a 50 ms replay at most)
MAX_SESSIONS = 400


@dataclass(frozen=True)
class Cursor:
    """A place in training: the step (0-based) and the phase within it (-1: the sample is ready)."""

    step: int = 0
    phase: int = -1


class Session:
    """A trainer, its recent traces, weight checkpoints, and (for API clients) a cursor."""

    def __init__(self, session_id: str, config: Config):
        self.id = session_id
        self.config = config
        self.trainer = Trainer(config)
        self.lock = threading.RLock()
        self.cursor = Cursor()
        self._traces: OrderedDict[int, StepTrace] = OrderedDict()
        self._checkpoints = {0: (self.trainer.network.weights, self.trainer.network.biases)}
        net, data = self.trainer.network, self.trainer.data
        self.history = History(self.trainer.epoch_size, net.weights, net.biases)
        self.evaluator = Evaluator(data.features, data.labels, self.trainer.train, self.trainer.test,
                                   net.activations, data.n_classes)
        self.sent: dict[str, object] = {}  # what each side panel last sent to the page (see app/panels.py)

    @property
    def phases_per_step(self) -> int:
        """3L + 1: L forward, the loss, L backward, L update."""
        return 3 * self.trainer.network.depth + 1

    def trace(self, step: int) -> StepTrace:
        """The trace of step ``step`` (0-based), from the cache or by replay from a checkpoint."""
        with self.lock:
            if step in self._traces:
                self._traces.move_to_end(step)
                return self._traces[step]
            if not self.trainer.steps_done <= step < self.trainer.steps_done + CHECKPOINT_EVERY:
                start = max(s for s in self._checkpoints if s <= step)
                self.trainer.restore(start, *self._checkpoints[start])
            while self.trainer.steps_done < step - KEEP_TRACES:  # far behind: no traces needed on the way
                self.advance()
            while self.trainer.steps_done <= step:
                self._remember(self.trainer.step())
            return self._traces[step]

    def advance(self) -> Advanced:
        """One step without its trace (fast-forward); its loss goes into the history all the same."""
        done = self.trainer.advance()
        self._record(done.step, done.row, done.loss, done.prediction)
        return done

    def seek(self, step: int) -> None:
        """Put the trainer right before step ``step`` (from the nearest checkpoint), without tracing."""
        with self.lock:
            if not self.trainer.steps_done <= step:
                start = max(s for s in self._checkpoints if s <= step)
                self.trainer.restore(start, *self._checkpoints[start])
            while self.trainer.steps_done < step:
                self.advance()

    def _remember(self, trace: StepTrace) -> None:
        self._traces[trace.step] = trace
        self._traces.move_to_end(trace.step)
        while len(self._traces) > KEEP_TRACES:
            self._traces.popitem(last=False)
        self._record(trace.step, trace.sample, trace.loss, int(trace.phases[self.trainer.network.depth].values["prediction"]))

    def _record(self, step: int, row: int, loss: float, prediction: int) -> None:
        done = step + 1
        net = self.trainer.network
        self.history.record(step, row, loss, prediction, net.weights, net.biases)
        if done % CHECKPOINT_EVERY == 0:
            self._checkpoints[done] = (net.weights, net.biases)  # update never mutates arrays in place
            older = done - DENSE_CHECKPOINTS  # far back, keep one in 16: a long run stays small
            if older > 0 and older % (16 * CHECKPOINT_EVERY):
                self._checkpoints.pop(older, None)

    def follow(self, config: Config) -> None:
        """Take another config of the same run (other recorded actions): forget what they change."""
        with self.lock:
            first = actions.first_difference(self.config, config)
            self.config = config
            self.trainer.retarget(config)
            for step in [s for s in self._traces if s >= first]:
                del self._traces[step]
            for step in [s for s in self._checkpoints if s > first]:
                del self._checkpoints[step]
            self.history.truncate(first)
            if self.trainer.steps_done > first:
                start = max(s for s in self._checkpoints if s <= first)
                self.trainer.restore(start, *self._checkpoints[start])
            self.sent.clear()

    def weights_at(self, step: int) -> tuple[list, list]:
        """W[l] and b[l] before step ``step``."""
        forward = self.trace(step).phases[: self.trainer.network.depth]
        return [None] + [p.values["weights"] for p in forward], [None] + [p.values["biases"] for p in forward]


class SessionStore:
    """Sessions by id, the least recently used dropped beyond MAX_SESSIONS."""

    def __init__(self, limit: int = MAX_SESSIONS):
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()

    def create(self, config: Config) -> Session:
        """A new session with a fresh id."""
        return self._put(Session(secrets.token_urlsafe(9), config))

    def get(self, session_id: str) -> Session | None:
        """The session, or None when unknown (e.g. after a restart)."""
        with self._lock:
            session = self._sessions.get(session_id)
            if session is not None:
                self._sessions.move_to_end(session_id)
            return session

    def for_tab(self, session_id: str | None, config: Config) -> Session:
        """The tab's session if it still holds this config, else a new one under the same id."""
        session = self.get(session_id) if session_id else None
        if session is not None and session.config == config:
            return session
        if session is not None and actions.without_actions(session.config) == actions.without_actions(config):
            session.follow(config)  # the same run with another pick, edit or weights load: keep what still holds
            return session
        return self._put(Session(session_id or secrets.token_urlsafe(9), config))

    def _put(self, session: Session) -> Session:
        with self._lock:
            self._sessions[session.id] = session
            self._sessions.move_to_end(session.id)
            while len(self._sessions) > self._limit:
                self._sessions.popitem(last=False)
        return session

    def __len__(self) -> int:
        return len(self._sessions)
