#!/usr/bin/env python
"""Benchmark: the cost of `--tune paper` (36 MLP configurations per fold, chosen on validation AP) against one
untuned run, for CE on KEEL sets (4 folds, 60/20/20, seed 0).

Three competitors, interleaved in one process (round-robin over the repeats, so machine load hits all alike):
- `untuned`: what `imbal-nb bench --methods ce` trains: `fit_method('ce')` per fold (MLP [64], Adam 1e-2, 200 epochs);
- `tuned, stacked`: `imbal_nb.baselines.tune_folds(folds, 'ce', 'paper')` (12 stacks of 4 folds x 3 lrs);
- `tuned, one by one` (on `--one-by-one-sets` only, default the smallest set): the same 36 configurations trained
  with `fit_method` one at a time (what `tune_folds` does for methods it cannot stack), to show what stacking saves.
A check: both tuned paths choose the same configuration per fold.
The compute floor: the multiply-adds both runs must do (forward + backward on the training rows, forward on the
validation rows, every epoch), the stacked run's achieved GFLOP/s, and the ratio the grid could reach at the
measured rate of this machine's best batched matmul (`torch.bmm` on the widest stack's shapes) — what no
scheduling of the same exact computation beats on one core.
Writes results/tune_cost.json.  Usage: OMP_NUM_THREADS=1 python bench/tune_cost.py [--sets glass2,yeast4] [--repeats 2] [--quick]
"""
import argparse, os, platform, time
import numpy as np, torch
from imbal_nb.core import init_threads, save_results
from imbal_nb.data import load_keel, keel_cv_splits
from imbal_nb.train import fit_method
from imbal_nb.baselines import tune_folds, tune_space, _tune_each

def mlp_macs(d, hidden, C=2):
    "Multiply-adds of one forward pass of an MLP d -> hidden -> C on one row."
    w = [d, *hidden, C]; return sum(a * b for a, b in zip(w[:-1], w[1:]))

def grid_flops(folds, space, epochs):
    "FLOPs of training every configuration of `space` on every fold (3x forward on training rows, 1x on validation rows)."
    return sum(2 * epochs * len(space['lr']) * mlp_macs(s.n_features, h) * (3 * len(s.ytr) + len(s.yva)) for s in folds for h in space['hidden'])

def bmm_gflops(n, K=12, w=128, reps=20):
    "Measured GFLOP/s of `torch.bmm` (K, n, w) x (K, w, w), the widest stack's hidden-layer product."
    a, b = torch.randn(K, n, w), torch.randn(K, w, w); torch.bmm(a, b)
    t0 = time.perf_counter()
    for _ in range(reps): torch.bmm(a, b)
    return 2 * K * n * w * w * reps / (time.perf_counter() - t0) / 1e9

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--sets', default='glass2,yeast4,abalone9-18'); ap.add_argument('--one-by-one-sets', default='glass2')
    ap.add_argument('--repeats', type=int, default=2); ap.add_argument('--quick', action='store_true', help='5 epochs, 1 repeat, nothing written')
    a = ap.parse_args(); init_threads()
    kw = dict(epochs=5) if a.quick else {}
    sets = a.sets.split(','); one = a.one_by_one_sets.split(',') if a.one_by_one_sets else []
    folds = {n: keel_cv_splits(*load_keel(n), seed=0, name=n) for n in sets}
    t = {(n, c): [] for n in sets for c in ('untuned', 'stacked', 'one_by_one')}; same = {}
    fit_method('ce', folds[sets[0]][0], seed=0, progress=False, epochs=2); tune_folds(folds[sets[0]][:1], 'ce', {'hidden': [[8]], 'lr': [.1]}, epochs=2)  # warm-up
    for r in range(1 if a.quick else a.repeats):
        for n in sets:
            t0 = time.perf_counter()
            for s in folds[n]: fit_method('ce', s, seed=0, progress=False, **kw)
            t[n, 'untuned'].append(time.perf_counter() - t0)
            t0 = time.perf_counter(); st = tune_folds(folds[n], 'ce', 'paper', seed=0, progress=False, **kw); t[n, 'stacked'].append(time.perf_counter() - t0)
            if n in one and r == 0:
                t0 = time.perf_counter(); ob = _tune_each(folds[n], 'ce', tune_space('paper'), 0, dict(progress=False, **kw))
                t[n, 'one_by_one'].append(time.perf_counter() - t0)
                same[n] = [x['config'] == y['config'] for x, y in zip(st, ob)]
    med = {f'{n}/{c}': float(np.median(v)) for (n, c), v in t.items() if v}
    E = kw.get('epochs', 200); ce = dict(hidden=[(64,)], lr=[1e-2])
    fl = {n: dict(tuned_gflop=grid_flops(folds[n], tune_space('paper'), E) / 1e9, untuned_gflop=grid_flops(folds[n], ce, E) / 1e9,
                  bmm_gflops=bmm_gflops(len(folds[n][0].ytr))) for n in sets}
    for n, f in fl.items():
        f.update(flop_ratio=f['tuned_gflop'] / f['untuned_gflop'], stacked_gflops=f['tuned_gflop'] / med[f'{n}/stacked'],
                 untuned_gflops=f['untuned_gflop'] / med[f'{n}/untuned'], ratio_floor=f['tuned_gflop'] / f['bmm_gflops'] / med[f'{n}/untuned'])
    rec = dict(what='CE on KEEL, 4 folds: seconds per data set (median over repeats) untuned vs --tune paper (36 configurations)',
               seconds=med, ratio_stacked=float(sum(med[f'{n}/stacked'] for n in sets) / sum(med[f'{n}/untuned'] for n in sets)),
               ratio_stacked_per_set={n: med[f'{n}/stacked'] / med[f'{n}/untuned'] for n in sets},
               ratio_one_by_one_per_set={n: med[f'{n}/one_by_one'] / med[f'{n}/untuned'] for n in one if f'{n}/one_by_one' in med},
               same_choice_stacked_vs_one_by_one=same, compute=fl,
               ratio_floor=float(sum(f['tuned_gflop'] / f['bmm_gflops'] for f in fl.values()) / sum(med[f'{n}/untuned'] for n in sets)), target='≤ 4× one untuned run (issue 12)', repeats=a.repeats,
               epochs=kw.get('epochs', 200), torch=torch.__version__, python=platform.python_version(), threads=torch.get_num_threads(),
               loadavg=[round(x, 2) for x in os.getloadavg()], when=time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()))
    print(rec)
    if not a.quick: save_results(rec, 'tune_cost.json')

if __name__ == '__main__': main()
