"""tools/gpu_smoke.py: the CPU fallback runs every registered method and writes positive step-time ratios; the
device check catches tensors off the requested device."""
import importlib.util, json, math, os, subprocess, sys
from pathlib import Path
import numpy as np
import pytest
import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / 'tools' / 'gpu_smoke.py'

def _smoke():
    spec = importlib.util.spec_from_file_location('gpu_smoke', SCRIPT)
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod); return mod

def test_cpu_fallback(tmp_path):
    "`--device cpu --size tiny`: exit 0, every module imports, every registered method 'ok', every ratio a positive number."
    out = tmp_path / 'gpu_smoke.json'
    env = {**os.environ, 'IMBAL_NB_QUIET': '1', 'OMP_NUM_THREADS': os.environ.get('OMP_NUM_THREADS', '1')}
    r = subprocess.run([sys.executable, str(SCRIPT), '--device', 'cpu', '--size', 'tiny', '--out', str(out)],
                       capture_output=True, text=True, cwd=ROOT, env=env, timeout=900)
    assert r.returncode == 0, (r.stdout + r.stderr)[-4000:]
    res = json.loads(out.read_text())
    assert res['ok'] and res['device'] == 'cpu' and res['size'] == 'tiny'
    assert all(s == 'ok' for s in res['modules'].values()), res['modules']
    gs = _smoke(); gs.load_methods()
    from imbal_nb.train import METHODS
    assert set(res['methods']) == set(METHODS) and {'ce', 'eg', 'autobalance', 'lct'} <= set(METHODS)
    bad = {n: m.get('error') for n, m in res['methods'].items() if m['status'] != 'ok'}
    assert not bad, bad
    for n, m in res['methods'].items():
        assert all(run['status'] == 'ok' and run['forward_calls'] > 0 for run in m['runs'].values()), (n, m['runs'])
    ratios = res['timing']['ratios']
    assert set(ratios) == {f'{k}_vs_ce' for k in gs.TIMED} | set(gs.PAIRS), ratios
    assert all(isinstance(v, float) and math.isfinite(v) and v > 0 for v in ratios.values()), ratios
    assert not res['timing']['errors'], res['timing']['errors']

def test_device_check_catches_wrong_device():
    "Expecting 'cuda' while a module runs on CPU tensors fails with a message naming them; the right device passes."
    gs = _smoke(); lin = nn.Linear(3, 2)
    with gs.DeviceCheck('cuda') as dc: lin(torch.zeros(4, 3))
    assert dc.calls == 1 and dc.n_bad == 4 # input, output, weight, bias
    with pytest.raises(gs.DeviceError, match=r"4 tensor\(s\) not on 'cuda'.*Linear\.weight \(2, 3\) on cpu"): dc.check('lin')
    lin(torch.zeros(1, 3)); assert dc.calls == 1 # the hook is removed on exit
    with gs.DeviceCheck('cpu') as ok: nn.Sequential(nn.Linear(3, 2), nn.ReLU())(torch.zeros(4, 3))
    assert ok.calls == 3 and ok.n_bad == 0; ok.check('cpu')

def test_smoke_method_fails_on_wrong_device():
    "A method run whose tensors are not on the expected device type is reported as failed, naming the device check."
    gs = _smoke(); from imbal_nb.data import digits_binary
    d = digits_binary(ir=5); splits = dict(image10=gs.image_split(10, (30, 20, 20)), digits_binary=d, digits_lt=d)
    r = gs.smoke_method('ce', splits, gs.SIZES['tiny'], 'cpu', 'cuda')
    assert r['status'] == 'fail' and all(run['status'] == 'fail' for run in r['runs'].values())
    assert "DeviceError" in r['error'] and "not on 'cuda'" in r['error'], r['error']

def test_step_timer_and_image_split():
    "The timer needs Trainer epochs; the random image split is CIFAR-shaped and imbalanced."
    gs = _smoke()
    with gs.StepTimer('cpu') as st: pass
    with pytest.raises(RuntimeError, match='no Trainer epochs'): st.per_step()
    from imbal_nb.train import Trainer, fit_method
    assert Trainer._epoch is st.orig # restored
    sp = gs.image_split(2, (40, 20, 20))
    assert sp.Xtr.shape[1] == 3 * 32 * 32 and sp.meta['image_shape'] == (3, 32, 32)
    c = np.bincount(sp.ytr); assert c[0] > c[1] >= 2
    with gs.StepTimer('cpu') as st: fit_method('ce', sp, epochs=2, batch_size=20, device='cpu', progress=False)
    assert len(st.rec) == 2 and st.rec[0][2] == 2 and st.per_step() > 0
