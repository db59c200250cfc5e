"""LCT speed, one process, interleaved: FiLM's step overhead (MLP [64], the CPU miniature's protocol) and the tuning
cost of one LCT model + its λ sweep against the 16-model fixed grid. Writes results/lct_speed.json.

    OMP_NUM_THREADS=1 python bench/lct_speed.py [--quick]
"""
import argparse, json, os, platform, time
import numpy as np
from imbal_nb.core import init_threads, save_results
from imbal_nb.lct import (LCT_CPU, keel_train_beta, film_overhead, train_lct, fixed_grid, lct_grid_dists, lambda_grid, predict_lct)
from imbal_nb.metrics import roc_auc

def choose(net, split, grid):
    "Tuning by inference: the validation AUC at every λ of `grid`, the best λ."
    return max(grid, key=lambda l: roc_auc(split.yva, predict_lct(net, split.Xva, l)[:, 1]))

def tuning(split, spec, loss='vs'):
    "Seconds to tune: 16 fixed models (each trained + scored once on validation) vs one LCT model (trained + 20 λ scored), interleaved."
    fixed, lct = [], []
    for i, lam in enumerate(fixed_grid(loss)):
        t0 = time.perf_counter(); net = train_lct(split, spec, loss=loss, dists=lam, film=False, seed=i)
        choose(net, split, [lam]); fixed.append(time.perf_counter() - t0)
        if i % 5 == 0:
            d = lct_grid_dists(loss)[5]
            t0 = time.perf_counter(); net = train_lct(split, spec, loss=loss, dists=d, seed=i)
            choose(net, split, lambda_grid(loss, d)); lct.append(time.perf_counter() - t0)
    return dict(loss=loss, grid_s=float(sum(fixed)), fixed_s=fixed, lct_s=lct, lct_median_s=float(np.median(lct)),
                ratio=float(sum(fixed)/np.median(lct)), epochs=spec.epochs)

if __name__ == '__main__':
    ap = argparse.ArgumentParser(); ap.add_argument('--quick', action='store_true'); a = ap.parse_args()
    init_threads(); sp = keel_train_beta(seed=0); spec = LCT_CPU.spec
    load0 = os.getloadavg()[0]; t0 = time.time()
    ov = film_overhead(sp, epochs=2 if a.quick else 5, repeats=3 if a.quick else 9, hidden=(64,))
    ov['case'] = 'MLP [64], page-blocks0 β=100, LCT_CPU (SGD, clip .5, batch 128)'
    tc = tuning(sp, spec.replace(epochs=5, milestones=()) if a.quick else spec)
    import torch, imbal_nb
    out = dict(versions=dict(imbal_nb=imbal_nb.__version__, torch=torch.__version__), command='OMP_NUM_THREADS=1 python bench/lct_speed.py' + (' --quick' if a.quick else ''), machine=platform.processor() or platform.machine(),
               threads=int(os.environ.get('OMP_NUM_THREADS', '1')), load_avg_start=load0, load_avg_end=os.getloadavg()[0],
               wall_s=time.time() - t0, film_overhead=[ov], tuning_cost=[tc])
    print(json.dumps(dict(film=ov, tuning={k: v for k, v in tc.items() if k not in ('fixed_s', 'lct_s')}), indent=1, default=str))
    if not a.quick: save_results(out, 'lct_speed.json')
