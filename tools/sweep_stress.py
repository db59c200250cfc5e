"""Stress test of `imbal-nb sweep` (issue 16): 3 workers on one grid of real cells, one SIGKILLed mid-cell, then a
resume worker; every cell must complete exactly once (counted from an execution log the workers append to, and
from the Optuna study) and every surviving worker must exit 0.

    python tools/sweep_stress.py [journal|sqlite ...]     # prints the counts; exit 0 when every check passes

The cells are `ce` on `toy2d:ir=20,n=300` (5 epochs), 4 folds x 3 seeds = 12 cells; `stress_cell` (the workers'
`--objective`) sleeps `$SWEEP_STRESS_SLEEP` s inside each cell so that the kill lands mid-cell."""
import collections, json, os, signal, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GRID = ['--data', 'toy2d:ir=20,n=300', '--methods', 'ce', '--folds', '4', '--seeds', '3', '--hp', 'epochs=5']
N_CELLS = 12

def stress_cell(cell):
    "The workers' objective: `run_cell`, logged ('start'/'end' PID KEY) to `$SWEEP_STRESS_LOG`, with a sleep inside."
    from imbal_nb.sweep import run_cell
    def note(what):
        with open(os.environ['SWEEP_STRESS_LOG'], 'a') as f: f.write(f"{what} {os.getpid()} {cell['key']}\n")
    note('start'); time.sleep(float(os.environ.get('SWEEP_STRESS_SLEEP', '0.3')))
    res = run_cell(cell); note('end'); return res

def _worker(args, env, err):
    return subprocess.Popen([sys.executable, '-c', 'import sys; from imbal_nb.cli import main; sys.exit(main())', 'sweep', *args],
                            env=env, stdout=subprocess.DEVNULL, stderr=open(err, 'w'), cwd=ROOT)

def _starts(log, pid):
    try: return sum(1 for l in log.read_text().splitlines() if l.startswith(f"start {pid} "))
    except FileNotFoundError: return 0

def stress(kind:str, tmp:Path, *, workers:int=3, sleep:float=0.3, kill_at:int=2) -> dict:
    "Run the scenario on storage `kind` ('journal' or 'sqlite') in folder `tmp`; return the counts and checks."
    t0, log = time.time(), tmp/f'{kind}.log'
    url = f"journal:{tmp/'s.journal'}" if kind == 'journal' else f"sqlite:///{tmp/'s.db'}"
    args = ['--study', f'stress-{kind}', '--storage', url, *GRID, '--objective', 'sweep_stress:stress_cell',
            '--heartbeat', '0.5', '--grace', '20']
    env = {**os.environ, 'PYTHONPATH': os.pathsep.join([str(ROOT/'tools'), os.environ.get('PYTHONPATH', '')]),
           'SWEEP_STRESS_LOG': str(log), 'SWEEP_STRESS_SLEEP': str(sleep), 'OMP_NUM_THREADS': '1', 'IMBAL_NB_QUIET': '1'}
    ps = [_worker(args, env, tmp/f'{kind}.w{i}.err') for i in range(workers)]
    victim = ps[0]
    while _starts(log, victim.pid) < kill_at:   # kill -9 the first worker inside its `kill_at`-th cell
        if victim.poll() is not None: raise RuntimeError(f"worker exited before its cell {kill_at}: {victim.returncode}")
        if time.time() - t0 > 120: raise RuntimeError("timeout waiting for the victim's cell")
        time.sleep(0.02)
    os.kill(victim.pid, signal.SIGKILL); victim.wait()
    rcs = [p.wait(timeout=300) for p in ps[1:]]
    resume = _worker(args, env, tmp/f'{kind}.resume.err'); rcs.append(resume.wait(timeout=300))
    lines = [l.split(' ', 2) for l in log.read_text().splitlines()]
    starts = collections.Counter(k for w, _, k in lines if w == 'start')
    ends = collections.Counter(k for w, _, k in lines if w == 'end')
    killed = [k for w, p, k in lines if w == 'start' and p == str(victim.pid)][-1]
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    from imbal_nb.sweep import open_sweep, results_frame, grid_status, make_grid
    sw = open_sweep(f'stress-{kind}', url)
    states = collections.Counter(t.state.name for t in sw.study.get_trials())
    df = results_frame(sw.study)
    errs = {i: (tmp/f'{kind}.w{i}.err').read_text() for i in range(1, workers)}
    out = dict(storage=kind, cells=N_CELLS, workers=workers, kills=1, victim_exit=victim.returncode,
               exit_codes=rcs, executions=sum(ends.values()), executions_per_cell=sorted(set(ends.values())),
               cells_executed=len(ends), starts=sum(starts.values()), killed_cell_starts=starts[killed],
               killed_cell_ends=ends[killed], trial_states=dict(states), result_rows=len(df),
               distinct_rows=len(df[['dataset', 'method', 'fold', 'seed', 'hp']].drop_duplicates()),
               takeover_announced=any('taking over cell' in e and 'is gone' in e for e in errs.values()),
               resume_said=(tmp/f'{kind}.resume.err').read_text().strip().splitlines()[-1:],
               seconds=round(time.time() - t0, 1))
    out['checks'] = {
        'every cell executed to the end exactly once': len(ends) == N_CELLS and set(ends.values()) == {1},
        'the killed cell started twice, no other cell re-started': starts[killed] == 2 and sum(starts.values()) == N_CELLS + 1,
        'every surviving worker and the resume exited 0': rcs == [0] * workers,
        'one COMPLETE trial per cell, the killed one FAIL, none left RUNNING/WAITING':
            states == collections.Counter({'COMPLETE': N_CELLS, 'FAIL': 1}),
        'one result row per cell': len(df) == N_CELLS == out['distinct_rows'],
        'all claim records done': len(grid_status(sw, make_grid(datasets=['toy2d:ir=20,n=300'], methods=['ce'], folds=4,
                                      seeds=[0, 1, 2], hp={'epochs': [5]}))['done']) == N_CELLS,
        'the take-over of the dead worker was announced': out['takeover_announced'],
        'the resume found the grid complete': '12 of 12 cell(s) done, this worker completed 0' in ''.join(out['resume_said'])}
    return out

if __name__ == '__main__':
    ok = True
    for kind in sys.argv[1:] or ['journal', 'sqlite']:
        with tempfile.TemporaryDirectory() as d:
            r = stress(kind, Path(d)); ok &= all(r['checks'].values())
            print(json.dumps({k: v for k, v in r.items() if k != 'checks'}))
            for what, passed in r['checks'].items(): print(('PASS ' if passed else 'FAIL ') + what)
    sys.exit(0 if ok else 1)
