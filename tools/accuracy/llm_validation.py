#!/usr/bin/env python3
"""Judge a scan of the dev corpus with the AI-model rewrites of llm-validation/ beside this script.

    llm_validation.py DEV_DIR                        write the scan's input (dev documents + rewrites) to stdout
    llm_validation.py DEV_DIR PAIRS.jsonl CLUSTERS.jsonl   judge a scan of that input

The set (llm-validation/README.md): rewrites of dev originals that dev-llm does not use, written from requests that
dev-llm does not use (a blog post, another agency's re-report, a news app's summary). Prints, for floors.py:
  val_blog, val_rereport, val_app   the share of each style's rewrites in their source's cluster (as judge.py counts
                                    dev-llm's styles), and how many the scan paired with the source itself
  val_false                         pairs of a rewrite with an article outside its source's dev cluster, over the
                                    pairs that hold a rewrite (lower is better)
and each miss with the kind and score of the pair, when the scan reported one.
"""
import glob
import json
import os
import sys

STYLES = ("blog", "rereport", "app")


def load_rewrites():
    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "llm-validation")
    rewrites = []
    for path in sorted(glob.glob(os.path.join(folder, "*.jsonl"))):
        with open(path, encoding="utf-8") as f:
            rewrites += [json.loads(line) for line in f if line.strip()]
    return rewrites


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main():
    if len(sys.argv) not in (2, 4):
        print(__doc__)
        return 2
    dev = sys.argv[1]
    rewrites = load_rewrites()
    if len(sys.argv) == 2:
        with open(os.path.join(dev, "documents.jsonl"), encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    sys.stdout.write(line if line.endswith("\n") else line + "\n")
        for r in rewrites:
            print(json.dumps({"id": r["id"], "title": r["title"], "text": r["text"]}, ensure_ascii=False))
        return 0

    dev_cluster = {d["id"]: d["cluster"] for d in read_jsonl(os.path.join(dev, "clusters.jsonl"))}
    scan_cluster = {c["id"]: c["cluster"] for c in read_jsonl(sys.argv[3])}
    pairs = {}
    for p in read_jsonl(sys.argv[2]):
        pairs[frozenset((p["a"], p["b"]))] = p
    source_of = {r["id"]: r["source_id"] for r in rewrites}
    missing = [r["source_id"] for r in rewrites if r["source_id"] not in dev_cluster]
    if missing:
        print(f"llm_validation: sources not in {dev}: {missing[:5]}")
        return 2

    # A rewrite's partners: its source's dev cluster (the source and its copies).
    def legit(rewrite, other):
        if other in source_of:
            return source_of[other] == source_of[rewrite]
        return dev_cluster.get(other) == dev_cluster[source_of[rewrite]]

    with_rewrite = false = 0
    for key, p in pairs.items():
        a, b = tuple(key)
        r = a if a in source_of else b if b in source_of else None
        if r is None:
            continue
        with_rewrite += 1
        if not legit(r, b if r == a else a):
            false += 1
            print(f"false: {p['a']} {p['b']} {p['kind']} {p['score']}")

    for style in STYLES:
        of_style = [r for r in rewrites if r["style"] == style]
        found = paired = 0
        for r in of_style:
            in_cluster = scan_cluster.get(r["id"]) is not None and scan_cluster.get(r["id"]) == scan_cluster.get(r["source_id"])
            pair = pairs.get(frozenset((r["id"], r["source_id"])))
            found += in_cluster
            paired += pair is not None
            if not in_cluster:
                print(f"missed {style}: {r['id']} (source {r['source_id']})" + (f": paired {pair['kind']} {pair['score']}" if pair else ""))
        share = found / len(of_style) if of_style else 0.0
        print(f"val_{style:10s} {share:.3f}  in the source's cluster {found}/{len(of_style)}, paired with it {paired}/{len(of_style)}")
    print(f"val_false        {false / with_rewrite if with_rewrite else 0.0:.3f}  {false} of {with_rewrite} pairs with a rewrite outside its source's cluster")
    return 0


if __name__ == "__main__":
    sys.exit(main())
