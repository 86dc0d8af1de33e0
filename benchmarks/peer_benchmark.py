#!/usr/bin/env python3
"""Whole-process timing of `dedup scan` and of the datasketch peer on the same documents, in one run.

    DATASKETCH_DIR=<datasketch source, outside the repository> \
    python3 benchmarks/peer_benchmark.py CORPUS.jsonl [--repeat 8] [--dedup PATH] [--threads N] [--rounds R]

CORPUS.jsonl holds {"id","title","text",...} a line. With --repeat K the corpus is concatenated K times with new ids
(in a temporary folder, never in the repository), e.g. the dev corpus x8. The peer is ../shared/peers/datasketch_once.py
(word 5-shingles, MinHash.bulk(128), MinHashLSH(0.8), insert all, query all) run under Debian's /usr/bin/python3 with
python3-numpy and python3-scipy, as ../shared/peers/README.md says; without DATASKETCH_DIR it is skipped, and said so.
Both are timed whole process: the wall clock by this script's clock, user time and peak resident memory by
/usr/bin/time -v. With --rounds R the dedup scan runs R times and its median is compared (the machines are shared: one
0.3 s run moves the ratio by a fifth); datasketch runs once.
"""
import argparse, json, os, re, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def timed(cmd, env=None):
    # The wall clock by the caller's own clock (time -v prints hundredths of a second, too coarse for a 0.3 s scan).
    start = time.perf_counter()
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True, env=env)
    secs = time.perf_counter() - start
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1)) / 1024
    user = float(re.search(r"User time \(seconds\): (\S+)", r.stderr).group(1))
    return secs, rss, user, r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--dedup", default=os.path.join(ROOT, "src/Dedup.Cli/bin/Release/net10.0/Dedup.Cli"))
    ap.add_argument("--threads", type=int)
    ap.add_argument("--rounds", type=int, default=1, help="run dedup scan this many times and compare its median wall time")
    ap.add_argument("--peer", default=os.path.join(ROOT, "..", "shared", "peers", "datasketch_once.py"))
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        jsonl, docs = os.path.join(tmp, "docs.jsonl"), os.path.join(tmp, "docs.txt")
        n = 0
        with open(jsonl, "w", encoding="utf-8") as fj, open(docs, "w", encoding="utf-8") as ft:
            for k in range(a.repeat):
                for line in open(a.corpus, encoding="utf-8"):
                    if not line.strip():
                        continue
                    d = json.loads(line)
                    if a.repeat > 1:
                        d["id"] = f"r{k}-{d['id']}"
                    fj.write(json.dumps(d) + "\n")
                    ft.write(" ".join(((d.get("title") or "") + " " + d["text"]).split()) + "\n")
                    n += 1
        mb = os.path.getsize(docs) / 1e6
        print(f"{n:,} articles ({mb:.1f} MB of text): {os.path.basename(a.corpus)} x{a.repeat}")
        cmd = [a.dedup, "scan", jsonl] + (["--threads", str(a.threads)] if a.threads else [])
        runs = []
        for _ in range(max(1, a.rounds)):
            try:
                runs.append(timed(cmd))
            except OSError as e:
                sys.exit(f"peer_benchmark: cannot run {a.dedup!r} ({e.strerror}); --dedup takes the dedup executable, not a .dll")
        d_secs = statistics.median(x[0] for x in runs)
        d_user = statistics.median(x[2] for x in runs)
        d_rss = max(x[1] for x in runs)
        r = next((x[3] for x in runs if x[3].returncode not in (0, 1)), runs[-1][3])
        rounds = f", median of {len(runs)}: {' '.join(f'{x[0]:.3f}' for x in runs)}" if len(runs) > 1 else ""
        print(f"dedup scan:        {d_secs:8.3f} s wall, {d_user:8.2f} s user, {d_rss:7.0f} MB peak   (exit {r.returncode}{rounds})")
        if r.returncode not in (0, 1):
            sys.exit(f"peer_benchmark: dedup scan failed (exit {r.returncode}): {r.stderr.strip()[:500]}")
        ds = os.environ.get("DATASKETCH_DIR")
        if not ds or not os.path.isdir(ds):
            print("datasketch:        skipped (set DATASKETCH_DIR to its source folder, see ../shared/peers/README.md)")
            return
        env = dict(os.environ, PYTHONPATH=ds)
        p_secs, p_rss, p_user, r = timed(["/usr/bin/python3", a.peer, docs], env)
        print(f"datasketch:        {p_secs:8.3f} s wall, {p_user:8.2f} s user, {p_rss:7.0f} MB peak   (exit {r.returncode}; {r.stderr.splitlines()[0] if r.stderr else ''})")
        print(f"ratio (wall):      {p_secs / d_secs:8.1f}x   (target >= 50x)")


if __name__ == "__main__":
    sys.exit(main())
