#!/usr/bin/env python3
"""Where a new process's first hit on a directory store spends its time, build by build: runs
dev.memo.bench.FirstHit with -Xlog:class+load (uptime, thread id) alternately for each build and
prints, per span between marker classes, the median of the uptimes at which each marker first
loads. A span is what the caller's thread did between two markers (its class loading, and whatever
ran meanwhile). Takes label=CLASSPATH like first-hit.py; a first run per build primes its store.

    python3 memo-bench/first-hit-phases.py 7 before=<class path> after=<class path>
"""
import os, re, shutil, statistics, subprocess, sys

MARKS = [
    ("JVM start", None),
    ("FirstHit", "dev.memo.bench.FirstHit"),
    ("ConfigLoader", "dev.memo.core.config.ConfigLoader"),
    ("Providers (configuration sources)", "dev.memo.core.config.Providers"),
    ("MemoEngine (providers, key check)", "dev.memo.core.MemoEngine"),
    ("ObjectTier (counters, writer, signer, serde)", "dev.memo.core.ObjectTier"),
    ("CodeSigner (object tier, directory store)", "dev.memo.core.code.CodeSigner"),
    ("Workloads (code signer, records, policies, keys)", "dev.memo.bench.Workloads"),
    ("FunctionRef (the user's lambda)", "dev.memo.core.code.FunctionRef"),
    ("Route (the kept code's identity)", "dev.memo.core.Route"),
    ("EntryFormat (the call's key)", "dev.memo.core.entry.EntryFormat"),
    ("Lookup$Hit (reading, deserialization)", "dev.memo.core.Lookup$Hit"),
    ("MemoStats (admitting, printing)", "dev.memo.MemoStats"),
]


def uptimes(log):
    first = {}
    with open(log) as f:
        for line in f:
            m = re.match(r"\[(\d+\.\d+)s\]\[\d+\] (\S+) source", line)
            if m and m.group(2) not in first:
                first[m.group(2)] = float(m.group(1)) * 1000
    return [0.0] + [first[c] for _, c in MARKS[1:]]


def main():
    reps = int(sys.argv[1])
    builds = [a.split("=", 1) for a in sys.argv[2:]]
    spans = {label: [] for label, _ in builds}
    for r in range(reps + 1):
        for label, cp in builds:
            store = f"/tmp/memo-first-hit/phases-{label}"
            if r == 0:
                shutil.rmtree(store, ignore_errors=True)
            log = f"/tmp/memo-first-hit/phases-{label}.log"
            os.makedirs("/tmp/memo-first-hit", exist_ok=True)
            out = subprocess.run(
                ["java", f"-Xlog:class+load:file={log}:uptime,tid", "-Dmemo.store=directory",
                 f"-Dmemo.store.directory.path={store}", "-cp", cp, "dev.memo.bench.FirstHit"],
                capture_output=True, text=True).stdout.split()
            if r == 0:
                continue  # the priming run computes and stores
            if out[-1:] != ["hit"]:
                print("NOT A HIT", label, out)
            t = uptimes(log)
            spans[label].append([t[i + 1] - t[i] for i in range(len(t) - 1)] + [t[-1]])
    print("load", os.getloadavg())
    print("%-52s" % "span to the first load of (median ms)" + "".join("%10s" % l for l, _ in builds))
    for i in range(len(MARKS) - 1):
        print("%-52s" % ("→ " + MARKS[i + 1][0])
              + "".join("%10.0f" % statistics.median(x[i] for x in spans[l]) for l, _ in builds))
    print("%-52s" % "uptime at the hit"
          + "".join("%10.0f" % statistics.median(x[-1] for x in spans[l]) for l, _ in builds))


main()
