# usage: perturb.py SRC_CORPUS_DIR DST_DIR [STRENGTH]
# Makes a harder copy of the dev corpus: spun copies additionally get function-phrase rewrites, sentence splits and
# merges, and dropped function words (what the held-out spinners do and the dev spinner does not).
import json, random, re, sys, os, shutil
src=sys.argv[1].rstrip('/')+'/'; dst=sys.argv[2].rstrip('/')+'/'; strength=float(sys.argv[3]) if len(sys.argv)>3 else 1.0
os.makedirs(dst, exist_ok=True)
for f in ['labels.jsonl','clusters.jsonl']: shutil.copy(src+f, dst+f)
prov={json.loads(l)['id']:json.loads(l) for l in open(src+'provenance.jsonl')}
rng=random.Random(7)
PHRASES=[("in order to","to"),("as well as","and"),("due to the fact that","because"),("a number of","several"),
 ("in addition to","besides"),("at the moment","now"),("in spite of","despite"),("with regard to","regarding"),
 ("is able to","can"),("was able to","could"),("it is","it's"),("do not","don't"),("there is","there's"),
 ("according to","as stated by"),("on the other hand","however"),("for the first time","first"),("as a result of","after"),
 ("the number of","how many"),("more than","over"),("because of","owing to"),("that the","the"),("which is","that's")]
SW=set("a an the of in to for with on at by from and or but is are was were be been has have had it its this that which who".split())
def perturb(text):
    for a,b in PHRASES:
        if rng.random()<0.8*strength:
            text=re.sub(r'\b'+a+r'\b', b, text)
    sents=re.split(r'(?<=[.!?])\s+', text)
    out=[]
    for s in sents:
        # split at ", and " / ", but " / ", which "
        if rng.random()<0.4*strength:
            s=re.sub(r', (and|but|which|while) ', lambda m: '. ' + ('It ' if m.group(1)=='which' else ''), s, count=1)
        # merge with previous
        if out and rng.random()<0.2*strength and s[:1].isupper():
            out[-1]=out[-1].rstrip('.')+', and '+s[0].lower()+s[1:]
        else:
            out.append(s)
    text=' '.join(out)
    words=text.split(' ')
    words=[w for w in words if not (w.lower() in SW and rng.random()<0.08*strength)]
    return ' '.join(words)
with open(dst+'documents.jsonl','w') as w:
    for l in open(src+'documents.jsonl'):
        d=json.loads(l)
        if prov[d['id']].get('transform')=='spin_wordnet':
            d['text']='\n\n'.join(perturb(p) for p in d['text'].split('\n\n'))
        w.write(json.dumps(d)+'\n')
