"""Wall time of the whole KEEL baseline run: 22 sets x 4 folds x 4 methods (CE, RS, SMOTE, Focal), fixed MLP.

Usage: OMP_NUM_THREADS=1 python bench/keel_baselines_time.py [--threads N] [--out results/keel_baselines_time.json]
Records the wall time, the machine's load average before/after (other users share the CPU) and the settings.
"""
import argparse, json, os, platform, time
import numpy as np
import torch
from imbal_nb.core import init_threads, save_results
from imbal_nb.baselines import keel_baselines

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--threads', type=int, default=None, help='torch threads (default $OMP_NUM_THREADS or 1)')
    ap.add_argument('--epochs', type=int, default=200)
    ap.add_argument('--out', default='keel_baselines_time.json', help='file name under results/')
    ap.add_argument('--rows', default=None, help='also write the per-fold rows to this CSV path')
    a = ap.parse_args()
    n_thr = init_threads(a.threads)
    load0 = os.getloadavg(); t0 = time.perf_counter(); c0 = time.process_time()
    df = keel_baselines(protocol='fixed', epochs=a.epochs)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    rec = dict(what='keel_baselines(protocol="fixed"): 22 KEEL sets x 4 folds x 4 methods (ce, rs, smote, focal), '
                    f'MLP [64], Adam 1e-2, {a.epochs} full-batch epochs, validation AP every epoch',
               n_fits=int(len(df)), wall_s=round(wall, 1), cpu_s=round(cpu, 1), torch_threads=n_thr,
               cpu_count=os.cpu_count(), loadavg_before=[round(x, 2) for x in load0],
               loadavg_after=[round(x, 2) for x in os.getloadavg()], torch=torch.__version__,
               python=platform.python_version(), when=time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime()),
               mean_ap={m: round(float(g.groupby('dataset').ap.mean().mean()), 4) for m, g in df.groupby('method')})
    save_results(rec, a.out)
    if a.rows: df.to_csv(a.rows, index=False)
    print(json.dumps(rec, indent=1))

if __name__ == '__main__': main()
