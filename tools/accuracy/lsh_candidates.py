#!/usr/bin/env python3
"""Recall of MinHash LSH as the detector's candidate generation, by label, on a labelled corpus.

    DATASKETCH_DIR=<datasketch source, outside the repository> \
    /usr/bin/python3 tools/accuracy/lsh_candidates.py ../shared/corpus/dev-llm [--threshold 0.5 0.3 0.2 0.1]

Word 5-shingles of lowercase \\w+ tokens of title and text (as the peer and the README baseline), MinHash with 128
permutations, MinHashLSH at each threshold (datasketch chooses bands x rows); a labelled pair is a candidate when
either article's query returns the other. This measures what band keys would propose before any verification: a
pair LSH does not propose cannot be found by verifying its candidates. Run with Debian's python3-numpy.
"""
import argparse, collections, json, os, re, sys

ap = argparse.ArgumentParser()
ap.add_argument("corpus")
ap.add_argument("--threshold", type=float, nargs="+", default=[0.5, 0.3, 0.2, 0.1])
a = ap.parse_args()
sys.path.insert(0, os.environ["DATASKETCH_DIR"])
from datasketch import MinHash, MinHashLSH  # noqa: E402

docs, by_text = {}, {}
for line in open(os.path.join(a.corpus, "documents.jsonl"), encoding="utf-8"):
    if line.strip():
        d = json.loads(line)
        words = re.findall(r"\w+", (d.get("title") or "") + " " + d["text"].lower())
        words = [w.lower() for w in words]
        by_text[d["text"]] = d["id"]
        docs[d["id"]] = {" ".join(words[i:i + 5]) for i in range(max(1, len(words) - 4))}
ids = list(docs)
sigs = MinHash.bulk([[s.encode() for s in docs[i]] for i in ids], num_perm=128)
labels = [json.loads(l) for l in open(os.path.join(a.corpus, "labels.jsonl"), encoding="utf-8") if l.strip()]
rewrites = os.path.join(a.corpus, "rewrites.jsonl")  # AI-model rewrites (dev-llm): each against its source
if os.path.exists(rewrites):
    for line in open(rewrites, encoding="utf-8"):
        r = json.loads(line)
        if r["text"] in by_text:
            labels.append({"label": "llm", "transform": "llm_" + r["style"], "a": by_text[r["text"]], "b": r["source_id"]})


def kind(l):
    if l["label"] == "spun":
        return f"spun@{l.get('rate', 'other')}"
    return l.get("transform") if l["label"].startswith("llm") else l["label"]


for t in a.threshold:
    lsh = MinHashLSH(threshold=t, num_perm=128)
    for i, s in zip(ids, sigs):
        lsh.insert(i, s)
    cand = set()
    for i, s in zip(ids, sigs):
        for j in lsh.query(s):
            if j != i:
                cand.add((min(i, j), max(i, j)))
    found, total = collections.Counter(), collections.Counter()
    for l in labels:
        if l["a"] in docs and l["b"] in docs and l["label"] not in ("unrelated", "different", "negative"):
            k = kind(l)
            total[k] += 1
            found[k] += (min(l["a"], l["b"]), max(l["a"], l["b"])) in cand
    row = ", ".join(f"{k} {found[k] / total[k]:.2f}" for k in sorted(total))
    print(f"threshold {t} (b={lsh.b}, r={lsh.r}): {len(cand)} candidate pairs; recall: {row}")
