# usage: bykind.py PAIRS.jsonl CORPUS_DIR  (precision by reported kind, recall by label, kind confusion)
import json, sys, collections
pairs_path, corpus = sys.argv[1], sys.argv[2]
gold = {json.loads(l)['id']: json.loads(l)['cluster'] for l in open(corpus + '/clusters.jsonl')}
pred = {}
for l in open(pairs_path):
    r = json.loads(l); pred[tuple(sorted((str(r['a']), str(r['b']))))] = r['kind']
# precision by predicted kind (against gold clusters)
tot = collections.Counter(); ok = collections.Counter()
for (a, b), k in pred.items():
    tot[k] += 1; ok[k] += gold[a] == gold[b]
# recall by label (direct labelled pairs found as a pair) and confusion
KIND = {"duplicate": "duplicate", "syndicated": "syndicated", "excerpt": "excerpt", "spun": "rewritten"}
lab = collections.Counter(); found = collections.Counter(); conf = collections.defaultdict(collections.Counter)
for l in open(corpus + '/labels.jsonl'):
    l = json.loads(l)
    if l['label'] not in KIND: continue
    k = tuple(sorted((l['a'], l['b'])))
    name = l['label'] + ('@%s' % l['rate'] if l['label'] == 'spun' else '')
    lab[name] += 1
    if k in pred: found[name] += 1; conf[l['label']][pred[k]] += 1
print("| kind | pairs predicted | precision | labelled pairs | found as a pair | recall |")
print("|---|---|---|---|---|---|")
for k in ["duplicate", "syndicated", "excerpt", "rewritten"]:
    print(f"| {k} | {tot[k]} | {ok[k]/tot[k] if tot[k] else 0:.3f} | | | |")
for name in sorted(lab):
    print(f"| label {name} | | | {lab[name]} | {found[name]} | {found[name]/lab[name]:.3f} |")
print()
print("| label \\ reported kind | duplicate | syndicated | excerpt | rewritten |")
print("|---|---|---|---|---|")
for l in ["duplicate", "syndicated", "excerpt", "spun"]:
    print(f"| {l} | " + " | ".join(str(conf[l][k]) for k in ["duplicate", "syndicated", "excerpt", "rewritten"]) + " |")
