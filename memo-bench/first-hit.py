#!/usr/bin/env python3
"""Times new processes from start to their first line on standard output, as Peers' new-process
rows do, for several builds side by side in one session (alternating, so that the machine's load
falls on all alike): a bare JVM (dev.memo.bench.Hello), and dev.memo.bench.FirstHit on a directory
and on a chronicle store that a first run primed. Also reports each child's CPU time (user +
system), steadier than wall time on a loaded machine, and any line a child wrote on standard error.

Each build is label=CLASSPATH. benchmarks.jar is a fat jar (JMH and every module inside, 27 MB):
opening it alone costs a JVM tens of milliseconds that a user's class path of thin module jars
does not pay, and it puts every backend on the class path (so the default serde is zstd). A user's
figure is a thin class path: the module jars and their dependencies, with FirstHit's classes, e.g.
memo-bench/target/classes:memo-api.jar:memo-core.jar:memo-serde-java.jar:<memo-core's and
memo-serde-java's dependencies> (`mvn dependency:build-classpath` in those modules lists them).
The chronicle row runs only where its module is on the class path.

    python3 memo-bench/first-hit.py 7 before=/tmp/before.jar after=memo-bench/target/benchmarks.jar
    python3 memo-bench/first-hit.py 7 thin=memo-bench/target/classes:memo-api.jar:...
"""
import subprocess, sys, time, statistics, os, shutil, resource, zipfile
reps = int(sys.argv[1]); jars = [a.split('=',1) for a in sys.argv[2:]]
CHRON = ["--add-opens=java.base/java.lang=ALL-UNNAMED","--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
 "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED","--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
 "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED"]
def cmds(label, jar):
    d = f"/tmp/memo-first-hit/store-{label}"
    c = {
      f"{label} hello": ["java","-cp",jar,"dev.memo.bench.Hello"],
      f"{label} directory": ["java","-Dmemo.store=directory",f"-Dmemo.store.directory.path={d}-dir","-cp",jar,"dev.memo.bench.FirstHit"],
    }
    if has_chronicle(jar):
      c[f"{label} chronicle"] = ["java",*CHRON,"-Dmemo.store=chronicle",f"-Dmemo.store.chronicle.path={d}-chr","-cp",jar,"dev.memo.bench.FirstHit"]
    return c
def has_chronicle(cp):
    """Whether the class path holds memo's chronicle store: its provider class in a jar or directory."""
    name = "dev/memo/store/chronicle/ChronicleStoreProvider.class"
    for e in cp.split(os.pathsep):
        if os.path.isdir(e) and os.path.isfile(os.path.join(e, name)):
            return True
        if e.endswith(".jar") and os.path.isfile(e):
            try:
                with zipfile.ZipFile(e) as z:
                    z.getinfo(name)
                    return True
            except (KeyError, zipfile.BadZipFile):
                pass
    return False
def once(c):
    r0=resource.getrusage(resource.RUSAGE_CHILDREN)
    t=time.perf_counter(); p=subprocess.Popen(c,stdout=subprocess.PIPE,stderr=subprocess.PIPE,text=True)
    first=p.stdout.readline(); t1=time.perf_counter(); rest=p.stdout.read(); err=p.stderr.read(); p.wait()
    r1=resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu.setdefault(tuple(c),[]).append((r1.ru_utime-r0.ru_utime+r1.ru_stime-r0.ru_stime)*1000)
    return (t1-t)*1000, first.strip(), rest.strip(), err
allc={}; cpu={}
for label,jar in jars:
    shutil.rmtree(f"/tmp/memo-first-hit/store-{label}-dir",ignore_errors=True); shutil.rmtree(f"/tmp/memo-first-hit/store-{label}-chr",ignore_errors=True)
    allc.update(cmds(label,jar))
for name,c in allc.items(): once(c)  # prime
res={k:[] for k in allc}; errs={}
for r in range(reps):
    for name,c in allc.items():
        ms,first,rest,err=once(c); res[name].append(ms)
        if 'hello' not in name and rest!='hit': print("NOT A HIT", name, first, rest, err[:500])
        if err.strip(): errs[name]=err.strip()
print("load", os.getloadavg())
for k,v in res.items():
    cv=cpu[tuple(allc[k])][1:]
    print(f"{k}: wall median {statistics.median(v):.0f} ms (min {min(v):.0f}, max {max(v):.0f}, n={len(v)}); child CPU median {statistics.median(cv):.0f} ms (min {min(cv):.0f})")
for k,e in errs.items(): print("STDERR", k, e[:800])
