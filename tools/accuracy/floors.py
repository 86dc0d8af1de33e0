#!/usr/bin/env python3
"""Check the figures a judge printed against floors: fail on a regression below the level reached.

    judge.py ... | floors.py NAME>=VALUE [NAME<=VALUE ...]

Reads the judge's output on standard input and echoes it. A figure is found as "NAME VALUE" on a line (judge.py
prints "llm_paraphrase           0.933  goal ..."; reuters-dev/judge_pairs.py prints "... precision 0.905 recall 1.000
..."), the first occurrence counts. Exit 0 when every figure is found and holds, 1 otherwise.
"""
import re
import sys


def main():
    text = sys.stdin.read()
    sys.stdout.write(text)
    ok = True
    for spec in sys.argv[1:]:
        m = re.fullmatch(r"([\w@.]+)(>=|<=)([0-9.]+)", spec)
        if not m:
            print(f"floors: cannot read '{spec}'")
            return 1
        name, op, value = m.group(1), m.group(2), float(m.group(3))
        found = re.search(r"(?<![\w@.])" + re.escape(name) + r"\s+([0-9]+\.[0-9]+)", text)
        if not found:
            print(f"floors: {name} not found in the judge's output")
            ok = False
            continue
        got = float(found.group(1))
        hold = got >= value if op == ">=" else got <= value
        print(f"floors: {name} {got:.3f} {op} {value}: {'ok' if hold else 'REGRESSION'}")
        ok &= hold
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
