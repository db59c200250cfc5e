#!/usr/bin/env python
"""Benchmark: one explicit-gradient (EG) meta-step vs one ordinary Adam step of the same MLP and batch.

The paper's Adult network (MLP 64 -> 128 -> 16 -> 2), X1 = 128 real rows, Z = 64 synthetic rows, X2 = 128
validation rows. The ordinary step is forward/backward/Adam on X1 ∪ Z (192 rows); the EG step is
`imbal_nb.meta.meta_grad` (what `imbal_nb.eg.EGStep` runs per batch) + the same Adam step (with the gradient meta_grad returns) + the Z update.
Both are timed interleaved in one process (median over repeats), so the ratio is robust to machine load.
Memory: bytes held by autograd's saved tensors (summed through `saved_tensors_hooks`, i.e. the activation
memory a step keeps alive) and the bytes allocated by all ops in one step (torch profiler, CPU).
Writes results/eg_step_bench.json.  Usage: OMP_NUM_THREADS=1 python bench/eg_step.py [--repeats 300] [--quick]
(--quick: 20 repeats, prints only, writes nothing; a smoke test of the script).
"""
import argparse, json, platform, time
import numpy as np, torch, torch.nn.functional as F
from imbal_nb.core import set_seed, init_threads, save_results
from imbal_nb.train import MLP
from imbal_nb.meta import meta_grad

def make(seed=0, d=64, n1=128, nz=64, n2=128):
    set_seed(seed)
    model = MLP(d, [128, 16], 2); opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(.5, .999))
    X1, y1 = torch.randn(n1, d), (torch.rand(n1) < .1).long()
    Z, X2, y2 = torch.randn(nz, d), torch.randn(n2, d), (torch.rand(n2) < .1).long()
    return model, opt, X1, y1, Z, torch.ones(nz, dtype=torch.long), X2, y2

def plain_step(model, opt, X1, y1, Z, yz, X2, y2):
    opt.zero_grad(); F.cross_entropy(model(torch.cat([X1, Z])), torch.cat([y1, yz])).backward(); opt.step()
    return Z

def eg_step(model, opt, X1, y1, Z, yz, X2, y2, lr_inner=1e-2, lr_z=10.):
    r = meta_grad(model, X1, y1, Z, yz, X2, y2, loss_fn=F.cross_entropy, lr_inner=lr_inner)
    for k, p in model.named_parameters(): p.grad = r.grad_theta[k]
    opt.step(); return Z - lr_z*r.gz

def saved_bytes(step, args):
    "Bytes of tensors autograd saves during one step (activation memory)."
    tot = [0]
    def pack(t): tot[0] += t.numel()*t.element_size(); return t
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t): step(*args)
    return tot[0]

def alloc_bytes(step, args):
    "Bytes allocated by all ops of one step (torch profiler, CPU)."
    from torch.profiler import profile, ProfilerActivity
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof: step(*args)
    return int(sum(max(0, e.self_cpu_memory_usage) for e in prof.key_averages()))

def main(repeats=300, warmup=30, threads=1):
    init_threads(threads)
    a_plain, a_eg = make(), make()
    for _ in range(warmup): plain_step(*a_plain); a_eg = a_eg[:4] + (eg_step(*a_eg),) + a_eg[5:]
    tp, te = [], []
    for _ in range(repeats):
        t = time.perf_counter(); plain_step(*a_plain); tp.append(time.perf_counter() - t)
        t = time.perf_counter(); Zn = eg_step(*a_eg); te.append(time.perf_counter() - t)
        a_eg = a_eg[:4] + (Zn,) + a_eg[5:]
    res = dict(plain_step_ms=1e3*float(np.median(tp)), eg_step_ms=1e3*float(np.median(te)),
               ratio=float(np.median(te)/np.median(tp)), ratio_mean=float(np.mean(te)/np.mean(tp)),
               plain_saved_bytes=saved_bytes(plain_step, a_plain), eg_saved_bytes=saved_bytes(eg_step, a_eg),
               plain_alloc_bytes=alloc_bytes(plain_step, a_plain), eg_alloc_bytes=alloc_bytes(eg_step, a_eg),
               config=dict(model='MLP 64-128-16-2', n1=128, nz=64, n2=128, threads=threads, repeats=repeats,
                           torch=torch.__version__, machine=platform.processor() or platform.machine()))
    res['saved_ratio'] = res['eg_saved_bytes']/res['plain_saved_bytes']; res['alloc_ratio'] = res['eg_alloc_bytes']/res['plain_alloc_bytes']
    return res

if __name__ == '__main__':
    ap = argparse.ArgumentParser(); ap.add_argument('--repeats', type=int, default=300); ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--out', default='eg_step_bench.json'); ap.add_argument('--quick', action='store_true'); a = ap.parse_args()
    res = main(20 if a.quick else a.repeats, warmup=3 if a.quick else 30, threads=a.threads); print(json.dumps(res, indent=1))
    if not a.quick: save_results(res, a.out)
