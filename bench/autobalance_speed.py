#!/usr/bin/env python
"""AutoBalance cost benchmark (not a test). In one process, interleaved (every repetition runs each competitor once, in
a rotated order), on digits-LT rho=100 with the MLP [64]:
  * one standard training run (LA, preset ab_digits_lt_la: 300 epochs, the theta protocol of every baseline) against
    AutoBalance search (300 epochs, authors' schedule: a hypergradient every 20 steps over 10+10 batches) + retrain
    (200 epochs), preset autobalance_digits_lt;
  * the same pair under the earlier schedule (preset autobalance_digits_lt_legacy: an alpha-step after every theta-step,
    Adam full batch, 150 + 150 epochs; standard run = LA under that protocol);
  * one hypergradient (authors' settings) against one training step at the same weights.
Ratios are medians over repetitions of the per-repetition ratio (both runs of a ratio are in the same repetition).
Writes results/autobalance_speed.json. Usage: OMP_NUM_THREADS=1 python bench/autobalance_speed.py [--reps 9]"""
import argparse, platform, time
import numpy as np, torch
from imbal_nb.core import init_threads, set_seed, class_counts, save_results
from imbal_nb.data import digits_long_tailed, stratified_split
from imbal_nb.train import MLP, Preset, PRESETS, fit_method, run_method, TrainSpec, Trainer
from imbal_nb.methods import load_methods
from imbal_nb.autobalance import (AUTOBALANCE_DIGITS, AUTOBALANCE_DIGITS_LEGACY, AutoBalanceLoss, CritStep, HyperStep)

def per_step(sp, n=100):
    "Mean seconds of one SGD training step (batch 32) and of one hypergradient + alpha step (10+10 batches, K=5, eta=1)."
    tr, va = stratified_split(sp.ytr, 0.2, 0); set_seed(0); m = MLP(64, [64], 10)
    crit = AutoBalanceLoss(class_counts(sp.ytr[tr], 10), design='dl', init='la'); step = CritStep(crit)
    hs = HyperStep(step, sp.Xtr[va], sp.ytr[va], search_warmup=0, hyper_every=1, hyper_coast=False)
    t = Trainer(m, AUTOBALANCE_DIGITS.spec.replace(epochs=1, warmup=0), step=step, callbacks=[hs]); t._setup(sp.Xtr[tr], sp.ytr[tr], None, None)
    t._run('before_fit'); t.epoch, t.iter = 0, 0; idx = [np.random.default_rng(k).choice(len(tr), 32, replace=False) for k in range(n)]
    t0 = time.perf_counter()
    for b in idx: t.batch = b; step(t, t.X[torch.as_tensor(b)], t.y[torch.as_tensor(b)])
    t_step = (time.perf_counter() - t0) / n
    t0 = time.perf_counter()
    for _ in range(n): t.iter = 0; hs.after_step(t)
    return t_step, (time.perf_counter() - t0) / n

def timed(f):
    t0 = time.perf_counter(); f(); return time.perf_counter() - t0

if __name__ == '__main__':
    ap = argparse.ArgumentParser(); ap.add_argument('--reps', type=int, default=9); a = ap.parse_args()
    init_threads(); load_methods(); sp = digits_long_tailed(rho=100, seed=0)
    if 'ab_digits_lt_legacy_la' not in PRESETS: Preset('ab_digits_lt_legacy_la', 'la', AUTOBALANCE_DIGITS_LEGACY.spec)
    runs = {'standard': lambda: run_method('la', sp, seed=0, preset='ab_digits_lt_la'),
            'autobalance': lambda: fit_method('autobalance', sp, seed=0, preset=AUTOBALANCE_DIGITS),
            'standard_legacy': lambda: run_method('la', sp, seed=0, preset='ab_digits_lt_legacy_la'),
            'autobalance_legacy': lambda: fit_method('autobalance', sp, seed=0, preset=AUTOBALANCE_DIGITS_LEGACY)}
    times = {k: [] for k in runs}; names = list(runs)
    for r in range(a.reps):
        for k in names[r % len(names):] + names[:r % len(names)]: times[k].append(timed(runs[k]))
    print('run times (s):', times, flush=True)
    t_step, t_hyper = np.median([per_step(sp) for _ in range(a.reps)], axis=0)
    med = {k: float(np.median(v)) for k, v in times.items()}
    res = dict(device=f'cpu ({platform.processor() or platform.machine()}), torch threads {torch.get_num_threads()}',
               model='MLP [64] on digits-LT rho=100 (257 train; search 205 + 52)', reps=a.reps, interleaved=True,
               standard_s=med['standard'], search_retrain_s=med['autobalance'],
               search_retrain_over_standard=float(np.median(np.array(times['autobalance']) / np.array(times['standard']))),
               standard_legacy_s=med['standard_legacy'], search_retrain_legacy_s=med['autobalance_legacy'],
               search_retrain_over_standard_legacy=float(np.median(np.array(times['autobalance_legacy']) / np.array(times['standard_legacy']))),
               ratios_per_rep=[float(x) for x in np.array(times['autobalance']) / np.array(times['standard'])],
               step_ms=float(1e3*t_step), hypergradient_ms=float(1e3*t_hyper), hypergradient_over_step=float(t_hyper / t_step),
               schedule='authors: a hypergradient every 20 theta-steps over 10+10 batches, K=5, eta=1; search 300 + retrain 200 epochs; standard 300',
               schedule_legacy='an alpha-step after every theta-step (1 batch, K=3), Adam full batch, 150 + 150 epochs; standard 150',
               paper_ratio='4-5x (CIFAR, GPU)', target='<= 2x')
    print(save_results(res, 'autobalance_speed.json')); print(res)
