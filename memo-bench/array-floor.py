#!/usr/bin/env python3
"""The Python side of dev.memo.bench.ArrayHitFloor: diskcache's hit of a 1 MiB float64 array (the
workload of ../shared/peers/joblib_bench.py) beside Python's plain read of the same bytes from a
file into a new array (open().read() and a copy into a numpy array), in one process, rounds
alternating, 200 calls per round, the first quarter of the rounds untimed. Needs Debian's
python3-diskcache and python3-numpy (/usr/bin/python3).

    /usr/bin/python3 memo-bench/array-floor.py [ROUNDS]
"""
import os, shutil, statistics, sys, tempfile, time
import diskcache, numpy as np

rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 40
calls = 200
work = tempfile.mkdtemp(prefix="memo-array-floor")
array = np.sin(np.arange(131072, dtype=np.float64))
path = os.path.join(work, "array.bin")
array.tofile(path)
cache = diskcache.Cache(os.path.join(work, "diskcache"))


@cache.memoize()
def arr_result(n):
    return np.sin(np.arange(n, dtype=np.float64))


def plain_read():
    with open(path, "rb") as f:
        data = f.read()
    return np.frombuffer(data, dtype=np.float64).copy()


ways = {"diskcache hit": lambda: arr_result(131072), "python read": plain_read}
for way in ways.values():
    assert np.array_equal(way(), array)
times = {k: [] for k in ways}
for r in range(rounds):
    order = list(ways.items()) if r % 2 == 0 else list(reversed(ways.items()))
    for name, way in order:
        start = time.perf_counter()
        for _ in range(calls):
            way()
        if r >= rounds // 4:
            times[name].append((time.perf_counter() - start) / calls * 1e6)
for name, t in times.items():
    print(f"{name}: {statistics.median(t):.1f} us per call (fastest round {min(t):.1f},"
          f" slowest {max(t):.1f})")
cache.close()
shutil.rmtree(work, ignore_errors=True)
