"""Overhead of the one trainer: one full-batch Adam step of MLP[64] through `imbal_nb.train.fit` vs a bare torch loop.

Usage: OMP_NUM_THREADS=1 python bench/engine_step.py [--n 2000] [--d 20] [--epochs 100] [--repeats 41] [--out engine_step.json]
Both sides do the same work per step (zero_grad, forward, cross-entropy, backward, Adam step) on the same data and
initial weights; `fit` runs with batch_size=None, select='last' and no validation data. The two are interleaved
(A, B, A, B, ...) in one process with 1 torch thread; each run's time is divided by its steps; the medians are compared.
"""
import argparse, copy, json, os, platform, time
import numpy as np
import torch
import torch.nn.functional as F
import imbal_nb
from imbal_nb.core import init_threads, save_results, set_seed
from imbal_nb.train import MLP, TrainSpec, fit

def bare(model, X, y, epochs, lr):
    "The hand-written loop: the same work as `fit` with a full batch and no selection."
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(epochs):
        opt.zero_grad(set_to_none=True); loss = F.cross_entropy(model(X), y); loss.backward(); opt.step()
    return float(loss.detach())

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--n', type=int, default=2000); ap.add_argument('--d', type=int, default=20)
    ap.add_argument('--epochs', type=int, default=100, help='steps per timed run')
    ap.add_argument('--repeats', type=int, default=41, help='timed runs of each side')
    ap.add_argument('--out', default='engine_step.json', help='file name under results/')
    a = ap.parse_args()
    n_thr = init_threads(1)
    rng = np.random.default_rng(0)
    Xn = rng.normal(size=(a.n, a.d)).astype(np.float32); yn = (Xn[:, 0] + rng.normal(size=a.n) > 1.5).astype(np.int64)
    X, y = torch.as_tensor(Xn), torch.as_tensor(yn)
    spec = TrainSpec(epochs=a.epochs, batch_size=None, select='last', lr=1e-2, device='cpu', progress=False)
    set_seed(0); init = MLP(a.d, [64], 2)
    m1, m2 = copy.deepcopy(init), copy.deepcopy(init)   # same work check: identical weights after the same steps
    fit(m1, X, y, spec=spec); bare(m2, X, y, a.epochs, spec.lr)
    same = all(torch.equal(p, q) for p, q in zip(m1.parameters(), m2.parameters()))
    t = {'trainer': [], 'bare': []}
    for r in range(a.repeats + 2):   # the first pair warms up and is dropped
        for side in (('trainer', 'bare') if r % 2 == 0 else ('bare', 'trainer')):
            m = copy.deepcopy(init); t0 = time.perf_counter()
            if side == 'trainer': fit(m, X, y, spec=spec)
            else: bare(m, X, y, a.epochs, spec.lr)
            if r >= 2: t[side].append((time.perf_counter() - t0) / a.epochs)
    med = {k: float(np.median(v)) for k, v in t.items()}
    rec = dict(what=f'one full-batch Adam step of MLP[64] on {a.n}x{a.d}, 2 classes: imbal_nb.train.fit vs a bare torch loop',
               median_step_ms_trainer=round(med['trainer'] * 1e3, 4), median_step_ms_bare=round(med['bare'] * 1e3, 4),
               ratio=round(med['trainer'] / med['bare'], 4), target_ratio=1.05, same_weights=bool(same),
               steps_per_run=a.epochs, repeats=a.repeats, torch_threads=n_thr, cpu_count=os.cpu_count(),
               loadavg=[round(x, 2) for x in os.getloadavg()], torch=torch.__version__, imbal_nb=imbal_nb.__version__,
               python=platform.python_version(), when=time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime()))
    save_results(rec, a.out)
    print(json.dumps(rec, indent=1))

if __name__ == '__main__': main()
