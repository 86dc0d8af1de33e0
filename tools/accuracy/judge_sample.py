#!/usr/bin/env python3
"""Judge a scan's pairs on reuters-dev-rewritten-sample.jsonl beside this script.

    judge_sample.py PAIRS.jsonl

The sample: 80 pairs drawn at random (seed 15) from the 395 pairs that the scan of 2026-11-27 (before
Verifier.MinParaphraseTerms) reported as rewritten on ../shared/corpus/reuters-dev and that pairs-labelled.jsonl
does not hold; each was read in full and labelled same (19) or different (61) by a helper agent given the rule
that pairs-labelled.jsonl follows (the reason is on each line). Prints the precision and recall
of the pairs the scan reports among them ("sample_precision P sample_recall R", for floors.py). Every pair of the
sample was reported once, so the sample says what share of such reports is right, not the recall of the whole corpus.
"""
import json
import os
import sys


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    here = os.path.dirname(os.path.abspath(__file__))
    labels = {}
    with open(os.path.join(here, "reuters-dev-rewritten-sample.jsonl"), encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            labels[frozenset((d["a"], d["b"]))] = d["label"]
    reported = set()
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            key = frozenset((d["a"], d["b"]))
            if key in labels:
                reported.add(key)
    same = [k for k, v in labels.items() if v == "same"]
    true_pos = sum(1 for k in reported if labels[k] == "same")
    precision = true_pos / len(reported) if reported else 1.0
    recall = true_pos / len(same) if same else 1.0
    print(f"sample of {len(labels)} (same {len(same)}, different {len(labels) - len(same)}): reported {len(reported)}, "
          f"of which same {true_pos}")
    print(f"sample_precision {precision:.3f} sample_recall {recall:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
