#!/usr/bin/env python
"""LCT speed benchmark (issue 3): FiLM step overhead and tuning cost; writes results/lct_speed.json.

Usage (from the repo root): OMP_NUM_THREADS=1 IMBAL_NB_QUIET=1 nice -n 10 .venv/bin/python bench/lct_speed.py [--quick]
Targets: FiLM step time <= 1.15x the same network without FiLM; one LCT training + 16-point λ-grid inference
>= 10x cheaper than training the 16 fixed-λ models, at equal or better test AUC.
"""
import argparse, os, platform, sys, time
import numpy as np, pandas as pd, torch
from imbal_nb.core import init_threads, save_results, load_results, results_dir
from imbal_nb.data import Split, digits_binary
from imbal_nb.lct import LCT_CPU, film_overhead, grid_vs_lct, lct_task, tuning_cost

def fake_images(n, shape, seed=0):
    "Random standardised images with a weak positive cue, as a flattened `Split` (timing only)."
    r = np.random.default_rng(seed); d = int(np.prod(shape))
    X = r.normal(size=(n, d)).astype(np.float32); y = (r.random(n) < .1).astype(np.int64); y[0] = 1; X[y == 1, :d//3] += .5
    return Split(X, y, X[:50], y[:50], X[:50], y[:50], f'fake{shape}', dict(image_shape=shape))

def main(quick=False):
    init_threads(); t_start = time.time()
    rep = 3 if quick else 7
    adult = lct_task('adult@100', seed=0)
    cases = [('mlp [64] (Adult, d=64)', adult, dict(arch='mlp', n_steps=20 if quick else 47, batch_size=128)),
             ('mlp [512, 512] (Adult, d=64)', adult, dict(arch='mlp', hidden=(512, 512), n_steps=10 if quick else 47, batch_size=128)),
             ('SmallCNN w32 (digits 1x8x8)', digits_binary(pos=3, neg=8, ir=1, seed=0), dict(arch='cnn', n_steps=2, batch_size=128)),
             ('SmallCNN w32 (3x32x32)', fake_images(512, (3, 32, 32)), dict(arch='cnn', n_steps=2 if quick else 4, batch_size=128)),
             ('ResNet-32 (3x32x32)', fake_images(256, (3, 32, 32)), dict(arch='resnet32', n_steps=1 if quick else 4, batch_size=64))]
    ov = []
    for name, sp, kw in cases:
        r = film_overhead(sp, repeats=rep, **kw); r['case'] = name; ov.append(r)
        print(f"{name:32s} plain {r['plain_step_s']*1e3:8.2f} ms  FiLM {r['film_step_s']*1e3:8.2f} ms  ratio {r['ratio']:.3f}", flush=True)
    # tuning cost: a fresh fixed-grid + LCT run on Adult at beta=100 (seed 0), both losses, the notebook's protocol LCT_CPU
    spec = LCT_CPU.spec.replace(epochs=3) if quick else LCT_CPU.spec
    fresh = pd.concat([grid_vs_lct(adult, spec=spec, loss=l, seed=0, methods=('fixed', 'lct'), **LCT_CPU.hp)
                       for l in ('vs', 'focal')], ignore_index=True)
    tc = tuning_cost(fresh); print(tc.round(3).to_string(), flush=True)
    # and over every committed experiment row (3 tasks x 2 losses x 3 seeds), when present
    try:
        res = pd.concat([load_results(f) for f in ('lct_grid_adult100.csv', 'lct_grid_pageblocks100.csv', 'lct_grid_pageblocks10.csv')])
        tca = tuning_cost(res)
        summ = tca.groupby(['dataset', 'loss']).agg(grid_s=('grid_s', 'mean'), lct_s=('lct_s', 'mean'), speedup=('speedup', 'mean'),
                                                   auc_grid=('auc_grid', 'mean'), auc_lct=('auc_lct', 'mean')).reset_index()
    except FileNotFoundError: tca, summ = pd.DataFrame(), pd.DataFrame()
    out = dict(command='OMP_NUM_THREADS=1 IMBAL_NB_QUIET=1 nice -n 10 .venv/bin/python bench/lct_speed.py' + (' --quick' if quick else ''),
               machine=f'{platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, '
                       f'{torch.get_num_threads()} thread(s)', load_avg_at_start=os.getloadavg()[0], seconds=time.time() - t_start,
               targets=dict(film_ratio_max=1.15, tuning_speedup_min=10.),
               film_overhead=ov, tuning_cost_fresh=tc.to_dict('records'), tuning_cost_summary=summ.to_dict('records'))
    out['seconds'] = time.time() - t_start
    if not quick: print(save_results(out, 'lct_speed.json'))
    return out

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0]); ap.add_argument('--quick', action='store_true')
    main(ap.parse_args().quick)
