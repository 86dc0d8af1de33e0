# usage: baseline.py CORPUS_DIR THRESHOLD OUT_PREFIX  (writes OUT_PREFIX.pairs.jsonl and OUT_PREFIX.clusters.jsonl)
# The corpus README's baseline: exact Jaccard of word 5-shingles (lowercase \w+ tokens of title and text), clusters =
# connected components of the pairs at or above the threshold. Writes pairs and clusters files for judge.py.
import json, re, sys, collections, itertools
corpus, thr, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
docs = [json.loads(l) for l in open(corpus + '/documents.jsonl')]
S = []
for d in docs:
    t = re.findall(r'\w+', (d['title'] + ' ' + d['text']).lower())
    S.append(set(hash(tuple(t[i:i+5])) for i in range(max(1, len(t) - 4))))
post = collections.defaultdict(list)
for i, s in enumerate(S):
    for x in s: post[x].append(i)
inter = collections.Counter()
for l in post.values():
    if len(l) > 1:
        for a, b in itertools.combinations(l, 2): inter[(a, b)] += 1
parent = list(range(len(docs)))
def find(x):
    while parent[x] != x: parent[x] = parent[parent[x]]; x = parent[x]
    return x
with open(out + '.pairs.jsonl', 'w') as w:
    for (a, b), n in inter.items():
        j = n / (len(S[a]) + len(S[b]) - n)
        if j >= thr:
            w.write(json.dumps({'a': docs[a]['id'], 'b': docs[b]['id'], 'kind': 'syndicated', 'score': j}) + '\n')
            parent[find(a)] = find(b)
with open(out + '.clusters.jsonl', 'w') as w:
    for i, d in enumerate(docs): w.write(json.dumps({'id': d['id'], 'cluster': find(i)}) + '\n')
