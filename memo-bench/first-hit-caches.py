#!/usr/bin/env python3
"""Times a new process from start to its first line on standard output, as Peers' new-process rows
do, with the JVM's default flags and with the JVM's start-up caches (README, "Starting fast"): an
application class-data archive on the default JDK (17) and the ahead-of-time cache on a second JDK
(25 or later, if given). Children: dev.memo.bench.Hello (a bare JVM) and dev.memo.bench.FirstHit
on a directory store and on a chronicle store, each primed by a first run; each cache is made by a
training run of the same command. Runs alternate, so the machine's load falls on all alike; prints
medians and ranges in milliseconds and any line a child wrote on standard error.

    python3 memo-bench/first-hit-caches.py [RUNS] [JDK25_HOME]
    python3 memo-bench/first-hit-caches.py 7 /usr/lib/jvm/temurin-25-jdk-amd64

JDK 17 makes an archive only from a class path of jars, so the class path is memo-bench's
benchmarks jar (build it first: mvn -B -ntp -q package -pl memo-bench -am -DskipTests).
"""
import os, shutil, statistics, subprocess, sys, tempfile, time

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
jdk25 = sys.argv[2] if len(sys.argv) > 2 else None
jar = "memo-bench/target/benchmarks.jar"
if not os.path.isfile(jar):
    sys.exit(f"{jar} is missing: mvn -B -ntp -q package -pl memo-bench -am -DskipTests")
CHRONICLE = ["--add-opens=java.base/java.lang=ALL-UNNAMED",
             "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
             "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
             "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
             "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED"]
work = tempfile.mkdtemp(prefix="memo-first-hit-caches")


def child(java, store, flags=()):
    """The command of one child: FirstHit on a store of its own per JDK, or Hello if store is None."""
    tail = ["-cp", jar, "dev.memo.bench.Hello"] if store is None else (
        (CHRONICLE if store == "chronicle" else [])
        + [f"-Dmemo.store={store}",
           f"-Dmemo.store.{store}.path={work}/{store}-{os.path.basename(os.path.dirname(os.path.dirname(java)))}",
           "-cp", jar, "dev.memo.bench.FirstHit"])
    return [java, *flags, *tail]


def train(cmd):
    """Runs a command to its end (priming a store or making a cache); fails loudly if it fails."""
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{p.stderr}")


java17 = shutil.which("java")
variants = {}
for store in ("directory", "chronicle"):
    train(child(java17, store))
    archive = f"{work}/{store}.jsa"
    train(child(java17, store, [f"-XX:ArchiveClassesAtExit={archive}"]))
    variants[f"{store}, JDK 17"] = child(java17, store)
    variants[f"{store}, JDK 17 + class-data archive"] = child(
        java17, store, [f"-XX:SharedArchiveFile={archive}"])
    if jdk25:
        java25 = os.path.join(jdk25, "bin", "java")
        train(child(java25, store))
        cache = f"{work}/{store}.aot"
        train(child(java25, store, [f"-XX:AOTCacheOutput={cache}"]))
        variants[f"{store}, JDK 25"] = child(java25, store)
        variants[f"{store}, JDK 25 + AOT cache"] = child(java25, store, [f"-XX:AOTCache={cache}"])
variants["hello, JDK 17"] = child(java17, None)
if jdk25:
    variants["hello, JDK 25"] = child(os.path.join(jdk25, "bin", "java"), None)

times = {k: [] for k in variants}
errors = {}
for _ in range(runs):
    for name, cmd in variants.items():
        start = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = p.stdout.readline()
        elapsed = (time.perf_counter() - start) * 1000
        _, err = p.communicate()
        if p.returncode != 0 or not first.strip():
            sys.exit(f"{name}: exit {p.returncode}, first line {first!r}\n{err}")
        times[name].append(elapsed)
        errors[name] = len(err.splitlines())
for name, t in times.items():
    print(f"{name}: {statistics.median(t):.1f} ms (median of {runs}, {min(t):.1f} to {max(t):.1f}),"
          f" {errors[name]} lines on standard error")
shutil.rmtree(work, ignore_errors=True)
