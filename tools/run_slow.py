#!/usr/bin/env python
"""Re-run chosen `#| slow` experiment cells of one notebook (and every ordinary cell before them), skipping the
other slow cells: `python tools/run_slow.py nbs/12_dvaan.ipynb "keel_task('yeast4'" dvaan_mu_gamma`.

Each pattern selects the slow cells whose source contains it (all slow cells when no pattern is given). The cells
run through `nbdev_test --flags slow` on a temporary copy of the notebook in nbs/ (deleted afterwards), so they see
the same working directory and results/ folder as the notebook itself.
"""
import json, os, subprocess, sys, time
from pathlib import Path

def main(nb, *patterns):
    nb = Path(nb); d = json.loads(nb.read_text()); keep = []
    for c in d['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'code' and src.lstrip().startswith('#| slow') and patterns and not any(p in src for p in patterns): continue
        keep.append(c)
    n = sum(''.join(c['source']).lstrip().startswith('#| slow') for c in keep)
    if patterns and n == 0: sys.exit(f"run_slow: no slow cell of {nb} matches {patterns}")
    d['cells'] = keep; tmp = nb.with_name(f"_slow_{os.getpid()}_{nb.name}"); tmp.write_text(json.dumps(d))
    t0 = time.time()
    try: r = subprocess.run([str(Path(sys.executable).parent/'nbdev_test'), '--path', tmp.name, '--flags', 'slow', '--do_print'], cwd=nb.parent)
    finally: tmp.unlink()
    print(f"run_slow: {nb.name}: {n} slow cell(s) in {time.time() - t0:.0f} s, exit {r.returncode}", flush=True)
    sys.exit(r.returncode)

if __name__ == '__main__': main(*sys.argv[1:])
