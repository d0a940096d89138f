"""Fast-forward jobs: whole epochs, the step limit said up front and at the end, and bit-identical weights."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from app import fastforward
from app.config import Config
from app.sessions import Session
from app.state import MAX_STEP
from app.training import Trainer

IRIS = Config(dataset="iris", hidden=(8,), activation=("sigmoid",), seed=1)  # 120 training samples an epoch
DIGITS = Config(dataset="digits", hidden=(16,), activation=("sigmoid",), seed=1)  # 1,438 an epoch


def test_a_request_that_fits_trains_whole_epochs_and_says_nothing_about_limits():
    job = fastforward.Job(Session("fits", IRIS), 0, 3)
    job.run()
    assert (job.epochs, job.capped, job.steps_done, job.reason) == (3, False, 360, "epochs")
    view = fastforward.progress_view(job, finished=True)
    assert view.note == "" and "to the end of epoch 3" in view.text
    replayed = Trainer(IRIS)
    replayed.run(360)
    assert all(np.array_equal(a, b) for a, b in
               zip(job.session.trainer.network.weights[1:], replayed.network.weights[1:]))


def test_more_epochs_than_fit_under_the_step_limit_are_cut_to_whole_epochs():
    job = fastforward.Job(Session("digits-300", DIGITS), 0, 300)  # QA: "Epoch N of 208", stopped mid-epoch
    assert MAX_STEP // 1438 == 208
    assert (job.epochs, job.capped, job.stop_at) == (208, True, 208 * 1438)
    running = fastforward.progress_view(job)
    assert running.note == ("Training 208 epochs, not 300 epochs: step 300,000 is as far as mirrorprop goes "
                            "(a link replays every step from the start).")
    assert running.total == 299_104


def test_the_limit_is_said_while_running_and_at_the_end(monkeypatch):
    monkeypatch.setattr(fastforward, "MAX_STEP", 1000)
    job = fastforward.Job(Session("iris-capped", IRIS), 250, 20)  # from mid-epoch 3: 8 epochs end by step 1000
    assert (job.epochs, job.stop_at) == (6, 960)
    job.run()
    assert job.steps_done == 960 and job.reason == "epochs"
    view = fastforward.progress_view(job, finished=True)
    assert view.state == "done" and "to the end of epoch 8" in view.text
    assert view.note.startswith("Trained 6 epochs, not 20 epochs: step 1,000 is as far as mirrorprop goes")


@pytest.mark.parametrize("start,note", [
    (970, "Stopped at step 1,000, mid-epoch, not after 2 epochs"),  # not even this epoch ends by the limit
    (1000, "Nothing to train: step 1,000 is as far as mirrorprop goes"),
])
def test_at_the_limit_a_run_stops_there_and_says_why(monkeypatch, start, note):
    monkeypatch.setattr(fastforward, "MAX_STEP", 1000)
    job = fastforward.Job(Session(f"iris-end-{start}", IRIS), start, 2)
    job.run()
    assert job.steps_done == 1000
    assert fastforward.progress_view(job, finished=True).note.startswith(note)


def test_a_target_reached_before_the_limit_does_not_mention_it(monkeypatch):
    monkeypatch.setattr(fastforward, "MAX_STEP", 1000)
    job = fastforward.Job(Session("iris-target", IRIS), 0, 50, target=0.01)
    job.run()
    assert job.reason == "target" and job.steps_done == 120
    assert fastforward.progress_view(job, finished=True).note == ""


def test_two_jobs_take_turns_and_each_ends_where_a_replay_does():
    jobs = [fastforward.Job(Session(f"turns-{i}", IRIS), 0, 4) for i in range(2)]
    threads = [threading.Thread(target=job.run) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    first, second = sorted(jobs, key=lambda job: job.started)
    assert second.started < first.ended  # both ran at once, in turns: neither waited for the other to finish
    replayed = Trainer(IRIS)
    replayed.run(480)
    for job in jobs:
        assert job.steps_done == 480
        assert all(np.array_equal(a, b) for a, b in
                   zip(job.session.trainer.network.weights[1:], replayed.network.weights[1:]))


class BusyPool:
    """Stands in for the server's request thread pool."""

    def __init__(self, busy: int):
        self.borrowed_tokens = busy


def test_a_job_steps_aside_while_request_threads_work_but_not_for_ever(monkeypatch):
    fastforward.TURNS.take()  # as a running job holds its turn
    try:
        monkeypatch.setattr(fastforward, "_request_threads", BusyPool(0))
        started = time.perf_counter()
        fastforward.make_way(fastforward.YIELD_EVERY)
        assert time.perf_counter() - started < fastforward.MAX_PAUSE / 2  # nobody waits: straight on
        monkeypatch.setattr(fastforward, "_request_threads", BusyPool(1))
        started = time.perf_counter()
        fastforward.make_way(fastforward.YIELD_EVERY)
        paused = time.perf_counter() - started
        assert fastforward.MAX_PAUSE <= paused < fastforward.MAX_PAUSE + 0.05  # a request is working: wait, a while
    finally:
        fastforward.TURNS.give()
