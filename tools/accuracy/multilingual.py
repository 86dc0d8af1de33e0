#!/usr/bin/env python3
"""Judge a scan of the multilingual set in multilingual/ beside this script.

    multilingual.py PAIRS.jsonl      judge a scan of multilingual/documents.jsonl

The set (multilingual/README.md): 6 stories in each of German, French, Spanish and Chinese, each with a syndicated
copy, a reworded copy and a summary (copies of it), a follow-up and, for 3 of them, a report from the same template
with other names and figures (not copies), and 20 distractors. Prints a table by language and role, then, for
floors.py:
  ml_synd, ml_rewrite, ml_summary   the share of originals the scan pairs with that copy (all languages)
  ml_lang_de ... ml_lang_zh         the share of a language's copy pairs (of every role) the scan reports
  ml_false                          the pairs reported that are no copy (labelled ones and any across stories)
"""
import collections
import json
import os
import sys


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "multilingual")
    labels = [json.loads(line) for line in open(os.path.join(here, "labels.jsonl"), encoding="utf-8")]
    labelled = {frozenset((l["a"], l["b"])): l for l in labels}
    reported = {}
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            reported[frozenset((d["a"], d["b"]))] = d["kind"]
    table = collections.defaultdict(lambda: [0, 0])
    copies_by_lang = collections.defaultdict(lambda: [0, 0])
    false = 0
    for l in labels:
        key = frozenset((l["a"], l["b"]))
        cell = table[(l["lang"], l["role"])]
        cell[1] += 1
        found = key in reported
        cell[0] += found
        if l["copy"]:
            copies_by_lang[l["lang"]][1] += 1
            copies_by_lang[l["lang"]][0] += found
        elif found:
            false += 1
            print(f"false copy: {l['a']} ~ {l['b']} ({l['role']}), reported {reported[key]}")

    # A reported pair no label holds is false unless its two articles are copies of one story.
    copy_roles = {"orig", "synd", "rewrite", "summary"}
    for key, kind in reported.items():
        if key in labelled:
            continue
        a, b = sorted(key)
        story_a, role_a = a.split("-", 1)
        story_b, role_b = b.split("-", 1)
        if story_a == story_b and {role_a, role_b} <= copy_roles:
            continue
        false += 1
        print(f"false copy: {a} ~ {b} (no label), reported {kind}")

    print("lang role               found/total")
    for (lang, role), (found, total) in sorted(table.items()):
        print(f"{lang:4} {role:18} {found}/{total}")
    for role in ("synd", "rewrite", "summary"):
        found = sum(c[0] for (_, r), c in table.items() if r == role)
        total = sum(c[1] for (_, r), c in table.items() if r == role)
        print(f"ml_{role} {found / total:.3f}  ({found}/{total} originals paired with their {role} copy)")
    for lang, (found, total) in sorted(copies_by_lang.items()):
        print(f"ml_lang_{lang} {found / total:.3f}  ({found}/{total} copy pairs of every role)")
    print(f"ml_false {float(false):.3f}  (pairs reported that are no copy)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
