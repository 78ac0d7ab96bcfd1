"""What a process keeps for itself (config/kept.py) is bounded: the oldest goes first."""

from __future__ import annotations

import threading

from config.kept import Kept


def test_the_oldest_kept_goes_first_when_full() -> None:
    kept: Kept[int] = Kept(3)
    for n in range(5):
        kept.put(f"k{n}", n)
    assert len(kept) == 3
    assert [kept.get(f"k{n}") for n in range(5)] == [None, None, 2, 3, 4]
    kept.put("k2", 20)  # kept again: still one entry
    assert len(kept) == 3 and kept.get("k2") == 20
    kept.drop("k3")
    assert kept.get("k3") is None and len(kept) == 2
    kept.forget()
    assert len(kept) == 0 and kept.get("k4") is None


def test_threads_putting_at_once_never_overfill_it() -> None:
    kept: Kept[int] = Kept(50)
    start = threading.Barrier(8)

    def fill(worker: int) -> None:
        start.wait()
        for n in range(2_000):
            kept.put(f"{worker}:{n}", n)

    threads = [threading.Thread(target=fill, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(kept) == 50
