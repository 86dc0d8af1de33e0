#!/usr/bin/env python3
"""Judge a scan's pairs on the short-answer revision set in human-revision/ beside this script.

    human_revision.py PAIRS.jsonl          judge a scan of human-revision/*.jsonl (concatenated)

The set (human-revision/README.md): 20 topics, each with a source article and answers of 200-300 words to a
question about it: near_copy (cut and paste), light (light revision), heavy (heavy revision), disguised (revised to
share no phrase with the source) and independent (written without the source). An answer and its source are a copy
when the answer was derived from it. Prints, for floors.py:
  hr_near, hr_light, hr_heavy   the share of each kind of answer the scan pairs with its source
  hr_disguised                  the same for the disguised answers (how far a lexical detector goes; no goal)
  hr_independent                the share of independent answers it pairs with the source (lower is better)
  hr_accuracy                   binary accuracy over the near_copy, light, heavy and independent answers
and, for comparison, the best plain word-overlap rule: the share of the answer's distinct words (lower case, letters
and digits) that the source holds, with its threshold tuned on this set itself.
"""
import glob
import json
import os
import re
import sys

ROLES = ("near_copy", "light", "heavy", "disguised", "independent")
JUDGED = ("near_copy", "light", "heavy", "independent")
KEYS = {"near_copy": "hr_near", "light": "hr_light", "heavy": "hr_heavy", "disguised": "hr_disguised",
        "independent": "hr_independent"}


def load_set(folder):
    docs = {}
    for path in sorted(glob.glob(os.path.join(folder, "*.jsonl"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    d = json.loads(line)
                    docs[d["id"]] = d
    return docs


def words(text):
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def baseline(docs, answers):
    scored = []
    for d in answers:
        a = words(d["text"])
        s = words(docs[d["derived_from"]]["text"])
        scored.append((len(a & s) / len(a) if a else 0.0, d["role"] != "independent"))
    best = (0.0, 0.0)
    for threshold in sorted({x for x, _ in scored}):
        right = sum(1 for x, copy in scored if (x >= threshold) == copy)
        best = max(best, (right / len(scored), threshold))
    return best


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "human-revision")
    docs = load_set(here)
    answers = [d for d in docs.values() if d["role"] in JUDGED]
    reported = set()
    kinds = {}
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            p = json.loads(line)
            key = frozenset((p["a"], p["b"]))
            reported.add(key)
            kinds[key] = p["kind"]
    right = 0
    figures = {}
    for role in ROLES:
        of_role = [d for d in docs.values() if d["role"] == role]
        if not of_role:
            continue
        found = [d for d in of_role if frozenset((d["id"], d["derived_from"])) in reported]
        figures[KEYS[role]] = len(found) / len(of_role)
        if role in JUDGED:
            right += len(found) if role != "independent" else len(of_role) - len(found)
        by_kind = {}
        for d in found:
            k = kinds[frozenset((d["id"], d["derived_from"]))]
            by_kind[k] = by_kind.get(k, 0) + 1
        missed = [d["id"] for d in of_role if d not in found]
        shown = missed if role != "independent" else [d["id"] for d in found]
        print(f"{role:12} {len(found):2}/{len(of_role)} paired with the source {by_kind}"
              f"{'; missed ' if role != 'independent' else '; flagged '}{', '.join(shown) if shown else 'none'}")
    figures["hr_accuracy"] = right / len(answers)
    accuracy, threshold = baseline(docs, answers)
    print(f"plain word overlap, best threshold {threshold:.3f} tuned on this set: accuracy {accuracy:.3f}")
    print(" ".join(f"{k} {v:.3f}" for k, v in figures.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
