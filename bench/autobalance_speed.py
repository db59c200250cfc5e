#!/usr/bin/env python
"""AutoBalance cost benchmark (not a test): one hypergradient vs one training step, and search+retrain vs one
standard training run, measured in one process on digits-LT (rho=100) with the MLP [64]. Writes
results/autobalance_speed.json. Usage: OMP_NUM_THREADS=1 python bench/autobalance_speed.py [--epochs 150] [--reps 3]"""
import argparse, os, platform, time
import numpy as np, torch, torch.nn.functional as F
from imbal_nb.core import init_threads, set_seed, class_counts, save_results
from imbal_nb.data import digits_long_tailed
from imbal_nb.train import MLP, predict_proba, fit_method
from imbal_nb.metrics import balanced_accuracy
from imbal_nb.losses import logit_adjusted_loss
from imbal_nb.autobalance import AUTOBALANCE_DIGITS, AutoBalanceLoss, bilevel_train, crit_loss, hypergradient, upper_loss

def per_step(sp, K, n=200):
    "Mean seconds of one Adam training step and of one hypergradient (+ α step) at the same weights."
    set_seed(0); m = MLP(64, [64], 10); crit = AutoBalanceLoss(class_counts(sp.ytr, 10), design='dl_la')
    X, y = torch.as_tensor(sp.Xtr), torch.as_tensor(sp.ytr); Xv, yv = torch.as_tensor(sp.Xva), torch.as_tensor(sp.yva)
    opt, hopt, params = torch.optim.Adam(m.parameters(), 1e-2), torch.optim.Adam(crit.hparams(), 0.05), list(m.parameters())
    for _ in range(20): opt.zero_grad(); crit_loss(crit, m, X, y).backward(); opt.step()   # warm-up
    t0 = time.perf_counter()
    for _ in range(n): opt.zero_grad(); crit_loss(crit, m, X, y).backward(); opt.step()
    t_step = (time.perf_counter() - t0) / n
    t0 = time.perf_counter()
    for _ in range(n):
        hg = hypergradient(crit_loss(crit, m, X, y), upper_loss(m(Xv), yv), params, crit.hparams(), K=K, eta=0.3)
        hopt.zero_grad()
        for a, d in zip(crit.hparams(), hg): a.grad = d
        hopt.step()
    return t_step, (time.perf_counter() - t0) / n

def runs(sp, epochs, hyper_every):
    "Seconds of one standard run (LA loss) and of AutoBalance search + retrain, same epochs and model selection."
    score = lambda tr: balanced_accuracy(sp.yva, predict_proba(tr.model, sp.Xva).argmax(1)); counts = class_counts(sp.ytr, 10)
    spec = AUTOBALANCE_DIGITS.spec.replace(epochs=epochs)      # the notebook's protocol (Adam 1e-2, full batch)
    t0 = time.perf_counter(); set_seed(0); m = MLP(64, [64], 10)
    bilevel_train(m, lambda lg, y, g=None: logit_adjusted_loss(lg, y, priors=counts), sp.Xtr, sp.ytr, spec=spec, score=score)
    t_std = time.perf_counter() - t0
    t0 = time.perf_counter()
    fit_method('autobalance', sp, seed=0, preset=AUTOBALANCE_DIGITS, epochs=epochs, design='dl_la', hyper_every=hyper_every)
    return t_std, time.perf_counter() - t0

if __name__ == '__main__':
    ap = argparse.ArgumentParser(); ap.add_argument('--epochs', type=int, default=150); ap.add_argument('--reps', type=int, default=3)
    ap.add_argument('--K', type=int, default=3); a = ap.parse_args()
    init_threads(); sp = digits_long_tailed(rho=100, seed=0)
    t_step, t_hyper = np.median([per_step(sp, a.K) for _ in range(a.reps)], axis=0)
    res = dict(device=f'cpu ({platform.processor() or platform.machine()}), torch threads {torch.get_num_threads()}',
               model='MLP [64] on digits-LT rho=100 (257 train, 359 valid), full batch', K=a.K, epochs=a.epochs,
               step_ms=float(1e3*t_step), hypergradient_ms=float(1e3*t_hyper), hypergradient_over_step=float(t_hyper/t_step))
    for k in (1, 5):
        t = np.median([runs(sp, a.epochs, k) for _ in range(a.reps)], axis=0)
        res.setdefault("standard_run_s", float(t[0]))
        res[f'search_retrain_s_every{k}'] = float(t[1]); res[f'search_retrain_over_standard_every{k}'] = float(t[1] / t[0])
    res['paper_ratio'] = '4-5x (CIFAR, GPU)'
    print(save_results(res, 'autobalance_speed.json')); print(res)
