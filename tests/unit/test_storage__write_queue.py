"""SQLite writers of one process take the write lock in the order they asked for it: a thread that just
committed (the relay, a sweep) cannot take it straight back while a reply waits (issue 13)."""

from __future__ import annotations

import threading
import time

from storage.db import _FairLock


def test_waiters_get_the_lock_in_the_order_they_asked_and_the_releaser_queues_behind_them() -> None:
    lock = _FairLock()
    assert lock.acquire(timeout=1)
    order: list[str] = []

    def wait_then_record(name: str) -> None:
        assert lock.acquire(timeout=5)
        order.append(name)
        lock.release()

    first = threading.Thread(target=wait_then_record, args=("first waiter",))
    first.start()
    time.sleep(0.1)  # the first waiter is queued before the second asks
    second = threading.Thread(target=wait_then_record, args=("second waiter",))
    second.start()
    time.sleep(0.1)
    lock.release()
    assert lock.acquire(timeout=5)  # the releaser asks again at once: it queues behind both
    order.append("releaser again")
    lock.release()
    first.join()
    second.join()
    assert order == ["first waiter", "second waiter", "releaser again"]


def test_a_wait_that_runs_out_leaves_the_queue_and_reports_it() -> None:
    lock = _FairLock()
    assert lock.acquire(timeout=1)
    assert not lock.acquire(timeout=0.05), "held by another: the wait ran out"
    lock.release()
    assert lock.acquire(timeout=0.05), "nobody is left queued in front"
    lock.release()
