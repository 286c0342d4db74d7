"""X-Paste's class-balanced sampling (`InstPool._get_cls_balanced_random_samples`, sample_type
'cas_random', in xpaste/data/custom_build_copypaste_mapper.py) and its 'random' mode, on the pool
sizes the Swift bench wrote (pool-sizes.json): the reference for `bank.sample.*` draws/s.

Usage: bank_sampling.py POOL_SIZES_JSON [DRAWS]"""
import json
import sys

import numpy as np

from benchclock import median, report

sizes = json.load(open(sys.argv[1]))
draws = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
# X-Paste keeps per-category lists of dataset indices.
per_cat_pool = {}
start = 0
for cid in sorted(sizes, key=int):
    per_cat_pool[int(cid)] = list(range(start, start + sizes[cid]))
    start += sizes[cid]
dataset_len = start


def cas_random():
    cats_pool = [per_cat_pool[x] for x in per_cat_pool if len(per_cat_pool[x]) > 0]
    idxs = []
    for _ in range(draws):
        cid = np.random.randint(0, len(cats_pool))
        id_in_cat = np.random.randint(0, len(cats_pool[cid]))
        idxs.append(cats_pool[cid][id_in_cat])
    return idxs


def proportional():
    return [np.random.randint(0, dataset_len) for _ in range(draws)]


np.random.seed(7)
report("bank.sample.cas_random", "X-Paste (numpy loop)", draws, median(cas_random, warmup=0, repeats=3))
report("bank.sample.proportional", "X-Paste (numpy loop)", draws, median(proportional, warmup=0, repeats=3))
