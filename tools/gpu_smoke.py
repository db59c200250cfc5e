#!/usr/bin/env python
"""GPU smoke run: every registered method's device code path for a few steps, plus step-time ratios.

For every method in `imbal_nb.train.METHODS` (after importing all method modules) this fits the method with
`device=` on (a) a random CIFAR-shaped split (flattened 3x32x32, `meta['image_shape']`; ResNet-32 when the
method declares an `arch` hyperparameter) and (b) digits (`digits_binary`, and `digits_long_tailed` unless the
method is binary-only). During each fit a global forward hook records every module input/output tensor,
parameter and buffer that is not on the requested device type; any such tensor fails the method. The predictor's
`predict_proba` must give finite `(n_test, C)` probabilities.

Timing: per-step wall time (steps only, epochs after the first, `torch.cuda.synchronize` around each epoch on CUDA;
for a method with several trainers, its slowest one) of EG, AutoBalance (hyper-step every step / never), LCT (FiLM /
`film=False`) and plain CE, with the methods' default hyperparameters on the same data, batch size and epochs, in
alternating repeats; the medians' ratios go to the JSON (written after every method).

    python tools/gpu_smoke.py --device cuda --size full   # < 5 min on one H200
    python tools/gpu_smoke.py --device cpu --size tiny    # CI fallback, < 60 s
Exit status 0 only when every module imports, every method passes and every ratio was measured.
"""
from __future__ import annotations
import argparse, contextlib, importlib, json, os, platform, statistics, sys, time, traceback
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path: sys.path.insert(0, str(ROOT))
os.environ.setdefault('IMBAL_NB_QUIET', '1')

METHOD_MODULES = ['imbal_nb.train', 'imbal_nb.baselines', 'imbal_nb.eg', 'imbal_nb.dvaan', 'imbal_nb.autobalance', 'imbal_nb.lct']

# sizes: image split counts (train, valid, test), fit epochs, image / digits batch sizes; timing data, epochs, batch size, network
# (for methods declaring `arch`; tiny times MLPs, as ResNet-32 steps are slow on CPU) and alternating repeats
SIZES = {
    'tiny': dict(img=(24, 12, 12), epochs=1, batch_size=8, digits_batch=64, time_n=(64, 16, 16), time_epochs=2, time_batch=16, time_arch='mlp', repeats=2),
    'full': dict(img=(768, 256, 256), epochs=2, batch_size=128, digits_batch=128, time_n=(2048, 256, 256), time_epochs=3, time_batch=128, time_arch='resnet32', repeats=3),
}
IMAGE_SHAPE = (3, 32, 32)

# ---------------------------------------------------------------------------------------------- device check
class DeviceError(RuntimeError): pass

def _tensors(obj, where, depth=0):
    "Yield `(where, tensor)` for every tensor in a (nested) tuple / list / dict."
    if isinstance(obj, torch.Tensor): yield where, obj
    elif depth < 4 and isinstance(obj, (tuple, list)):
        for i, o in enumerate(obj): yield from _tensors(o, f'{where}[{i}]', depth + 1)
    elif depth < 4 and isinstance(obj, dict):
        for k, o in obj.items(): yield from _tensors(o, f'{where}[{k!r}]', depth + 1)

class DeviceCheck:
    "Context manager: a global forward hook recording module inputs, outputs, parameters and buffers off `device_type`."
    def __init__(self, device_type:str, max_report:int=8):
        self.type, self.max_report, self.bad, self.n_bad, self.calls, self.handle = str(device_type), max_report, [], 0, 0, None

    def _record(self, module, where, t):
        self.n_bad += 1
        if len(self.bad) < self.max_report:
            self.bad.append(f'{type(module).__name__}.{where} {tuple(t.shape)} on {t.device}')

    def hook(self, module, inputs, output):
        self.calls += 1
        for where, t in [*_tensors(inputs, 'input'), *_tensors(output, 'output')]:
            if t.device.type != self.type: self._record(module, where, t)
        for n, p in [*module.named_parameters(recurse=False), *module.named_buffers(recurse=False)]:
            if p is not None and p.device.type != self.type: self._record(module, n, p)
        return None

    def __enter__(self):
        self.handle = torch.nn.modules.module.register_module_forward_hook(self.hook); return self

    def __exit__(self, *exc):
        if self.handle is not None: self.handle.remove(); self.handle = None
        return False

    def check(self, what:str=''):
        "Raise `DeviceError` naming the offending tensors when any was seen off the device."
        if self.n_bad:
            raise DeviceError(f"{what}: {self.n_bad} tensor(s) not on {self.type!r} during the fit, e.g. " + '; '.join(self.bad))

# ------------------------------------------------------------------------------------------------ step timer
def _sync(dev):
    if dev.type == 'cuda': torch.cuda.synchronize(dev)

class StepTimer:
    "Context manager timing every `Trainer` epoch (steps only, not validation): records `(trainer id, seconds, steps)`."
    def __init__(self, device): self.dev, self.rec = torch.device(device), []

    def __enter__(self):
        from imbal_nb.train import Trainer
        self.cls, self.orig = Trainer, Trainer._epoch; orig, rec, dev = self.orig, self.rec, self.dev
        def timed_epoch(tr):
            _sync(dev); t0, i0 = time.perf_counter(), tr.iter
            out = orig(tr); _sync(dev); rec.append((id(tr), time.perf_counter() - t0, tr.iter - i0)); return out
        Trainer._epoch = timed_epoch; return self

    def __exit__(self, *exc):
        self.cls._epoch = self.orig; return False

    def per_trainer(self) -> list[float]:
        "Seconds per step of each trainer (in order), over its epochs but the first (warm-up) when it ran several."
        if not self.rec: raise RuntimeError("no Trainer epochs were recorded: the method does not train through imbal_nb.train.Trainer")
        groups = {}
        for tid, dt, n in self.rec: groups.setdefault(tid, []).append((dt, n))
        out = []
        for eps in groups.values():
            eps = eps[1:] if len(eps) > 1 else eps; n = sum(k for _, k in eps)
            if n: out.append(sum(dt for dt, _ in eps) / n)
        if not out: raise RuntimeError("the recorded epochs ran no steps")
        return out

    def per_step(self) -> float:
        "The method's step time: its slowest trainer's (AutoBalance's search, not its retrain; EG's training, not its pretraining)."
        return max(self.per_trainer())

# ----------------------------------------------------------------------------------------------------- data
def image_split(n_classes:int, counts:tuple, *, seed:int=0, shape=IMAGE_SHAPE):
    "Random CIFAR-shaped imbalanced `Split` (flattened images, class-dependent means); binary: 1 is the minority."
    from imbal_nb.data import Split, lt_profile
    rng = np.random.default_rng(seed); d = int(np.prod(shape)); n_tr, n_va, n_te = counts
    def sizes(n, balanced):
        if n_classes == 2: w = np.array([1., 1.]) if balanced else np.array([4., 1.])
        else: w = np.ones(n_classes) if balanced else lt_profile(1000, n_classes, 10).astype(float)
        k = np.maximum(2, np.floor(n * w / w.sum()).astype(int)); return k
    def part(n, balanced):
        k = sizes(n, balanced); y = np.repeat(np.arange(n_classes), k); rng.shuffle(y)
        X = rng.normal(size=(len(y), d)).astype(np.float32) + 0.5 * (y[:, None] / max(1, n_classes - 1)).astype(np.float32)
        return X, y.astype(np.int64)
    (Xtr, ytr), (Xva, yva), (Xte, yte) = part(n_tr, False), part(n_va, False), part(n_te, True)
    return Split(Xtr, ytr, Xva, yva, Xte, yte, f'random-cifar{n_classes}', dict(image_shape=tuple(shape), seed=seed))

def make_splits(size:str) -> dict:
    from imbal_nb.data import digits_binary, digits_long_tailed
    cfg = SIZES[size]
    return dict(image2=image_split(2, cfg['img'], seed=0), image10=image_split(10, cfg['img'], seed=1),
                digits_binary=digits_binary(ir=5, seed=0), digits_lt=digits_long_tailed(rho=10, seed=0),
                timing=image_split(2, cfg['time_n'], seed=2))

# -------------------------------------------------------------------------------------------------- methods
def load_methods() -> dict:
    "Import every method module: `({module: 'ok' | error}, load_methods error)` (`imbal_nb.cli.load_methods`, else one by one)."
    mods, status = METHOD_MODULES, {}
    try:
        import imbal_nb.cli as cli
        mods = list(getattr(cli, 'METHOD_MODULES', METHOD_MODULES)); cli.load_methods()
        return {m: 'ok' for m in mods}, None
    except Exception as e: err = f'{type(e).__name__}: {e}'
    for mod in dict.fromkeys([*mods, *METHOD_MODULES]):
        try: importlib.import_module(mod); status[mod] = 'ok'
        except Exception as e: status[mod] = f'{type(e).__name__}: {e}'
    return status, err

def _kw(m, split, cfg, *, device, overrides=True, extra=None) -> dict:
    kw, image = dict(m.smoke), tuple(split.meta.get('image_shape') or ()) == IMAGE_SHAPE
    if overrides: kw.update(epochs=cfg['epochs'], batch_size=cfg['batch_size'] if image else cfg['digits_batch'])
    if 'arch' in m.hps and image: kw['arch'] = 'resnet32'
    kw.update(extra or {}); kw.update(device=device, progress=False); return kw

def _fit(name, split, kw, device_type):
    from imbal_nb.train import fit_method
    with DeviceCheck(device_type) as dc: pred = fit_method(name, split, seed=0, **kw)
    dc.check(f'{name} on {split.name}')
    p = np.asarray(pred.predict_proba(split.Xte))
    if p.shape != (len(split.Xte), split.n_classes): raise RuntimeError(f"predict_proba gave shape {p.shape}, expected {(len(split.Xte), split.n_classes)}")
    if not np.isfinite(p).all(): raise RuntimeError("predict_proba gave NaN/inf")
    return dc.calls

def smoke_method(name, splits, cfg, device, device_type) -> dict:
    "Fit `name` on every split it accepts; a dict with status, per-split details and the error if any."
    from imbal_nb.train import METHODS
    m = METHODS[name]; out = dict(status='ok', binary_only=bool(m.binary_only), runs={}); t0 = time.perf_counter()
    keys = ['image2' if m.binary_only else 'image10', 'digits_binary'] + ([] if m.binary_only else ['digits_lt'])
    for key in keys:
        sp, t1 = splits[key], time.perf_counter(); run = dict(split=sp.name)
        try:
            kw = _kw(m, sp, cfg, device=device)
            try: run['forward_calls'] = _fit(name, sp, kw, device_type)
            except DeviceError: raise
            except Exception as e1: # the size overrides may clash with the method's own settings: retry with its smoke settings
                kw = _kw(m, sp, cfg, device=device, overrides=False)
                try: run['forward_calls'] = _fit(name, sp, kw, device_type)
                except Exception: raise e1
                run['note'] = f'ran with smoke settings only; epochs/batch_size overrides failed: {type(e1).__name__}: {e1}'[:300]
            run.update(arch=kw.get('arch', 'default'), status='ok')
        except Exception as e:
            run.update(status='fail', error=f'{type(e).__name__}: {e}'[:1000], traceback=traceback.format_exc()[-2000:])
            out['status'] = 'fail'; out.setdefault('error', f'{key}: {run["error"]}')
        run['seconds'] = round(time.perf_counter() - t1, 3); out['runs'][key] = run
    out['seconds'] = round(time.perf_counter() - t0, 3); return out

# --------------------------------------------------------------------------------------------------- timing
_AB_WARMUPS = ('hyper_warmup', 'alpha_warmup', 'search_warmup')

def _ab(m, every):
    if 'hyper_every' not in m.hps: raise RuntimeError(f"autobalance declares no 'hyper_every' (declared: {', '.join(m.hps) or 'none'})")
    hp = dict(hyper_every=every, **{k: 0 for k in _AB_WARMUPS if k in m.hps})
    return hp

def _lct(m, film):
    if 'film' not in m.hps: raise RuntimeError(f"lct declares no 'film' (declared: {', '.join(m.hps) or 'none'})")
    return dict(film=film)

# ratio name -> (method, hyperparameters from the Method, or an error)
TIMED = {'eg': ('eg', lambda m: {}),
         'autobalance_hyper': ('autobalance', lambda m: _ab(m, 1)),
         'autobalance_nohyper': ('autobalance', lambda m: _ab(m, 10**9)),
         'lct_film': ('lct', lambda m: _lct(m, True)),
         'lct_nofilm': ('lct', lambda m: _lct(m, False))}
PAIRS = {'autobalance_hyper_vs_nohyper': ('autobalance_hyper', 'autobalance_nohyper'),
         'lct_film_vs_nofilm': ('lct_film', 'lct_nofilm')}

def _time_fit(name, split, kw, device, trainers=None):
    from imbal_nb.train import fit_method
    with StepTimer(device) as st: fit_method(name, split, seed=0, **kw)
    if trainers is not None: trainers.append(st.per_trainer())
    return st.per_step()

def timing(splits, cfg, device, report) -> dict:
    "Alternating repeats of CE and every timed variant; medians, ratios to CE of the same arch, and the pairs."
    from imbal_nb.train import METHODS
    sp, res, variants = splits['timing'], dict(ratios={}, step_s={}, arch={}, errors={}), {}
    for key, (meth, hp_fn) in TIMED.items():
        if meth not in METHODS: res['errors'][key] = f'method {meth!r} is not registered'; continue
        try: hp = hp_fn(METHODS[meth])
        except Exception as e: res['errors'][key] = str(e); continue
        arch = cfg['time_arch'] if 'arch' in METHODS[meth].hps else 'mlp'
        variants[key] = (meth, hp, arch)
    base_kw = dict(epochs=cfg['time_epochs'], batch_size=cfg['time_batch'], device=device, progress=False)
    order = [('ce_' + a, ('ce', dict(arch=a), a)) for a in sorted({v[2] for v in variants.values()})] + list(variants.items())
    raw, per_trainer = {k: [] for k, _ in order}, {k: [] for k, _ in order}
    if order: # warm-up (CUDA context, cuDNN autotuning), not recorded
        with contextlib.suppress(Exception): _time_fit('ce', sp, {**base_kw, 'arch': order[0][1][2]}, device)
    for r in range(cfg['repeats']):
        for key, (meth, hp, arch) in (order if r % 2 == 0 else order[::-1]):
            if key in res['errors']: continue
            kw = {**base_kw, **hp} # the method's declared defaults (not its smoke settings), same epochs and batches as CE
            if meth != 'ce' and 'arch' in METHODS[meth].hps: kw['arch'] = arch
            try: raw[key].append(_time_fit(meth, sp, kw, device, per_trainer[key]))
            except Exception as e: res['errors'][key] = f'{type(e).__name__}: {e}'[:600]
        report(res)
    for key, (meth, hp, arch) in order:
        if key in res['errors'] or not raw[key]: continue
        res['step_s'][key] = statistics.median(raw[key]); res['arch'][key] = arch
    for key, (meth, hp, arch) in variants.items():
        if key in res['step_s'] and 'ce_' + arch in res['step_s']: res['ratios'][f'{key}_vs_ce'] = res['step_s'][key] / res['step_s']['ce_' + arch]
    for name, (a, b) in PAIRS.items():
        if a in res['step_s'] and b in res['step_s']: res['ratios'][name] = res['step_s'][a] / res['step_s'][b]
    res['raw_step_s'], res['trainer_step_s'] = raw, per_trainer; res.update(split=sp.name, n_train=len(sp.ytr), epochs=cfg['time_epochs'], batch_size=cfg['time_batch'],
                                        repeats=cfg['repeats'], hp={k: v[1] for k, v in variants.items()})
    return res

# ----------------------------------------------------------------------------------------------------- main
def _write(path, obj):
    path = Path(path); path.parent.mkdir(parents=True, exist_ok=True); tmp = path.with_name(path.name + '.tmp')
    tmp.write_text(json.dumps(obj, indent=1, default=str)); os.replace(tmp, path)

def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--device', choices=('auto', 'cuda', 'cpu'), default='auto')
    p.add_argument('--size', choices=tuple(SIZES), default=None, help="default: full on CUDA, tiny on CPU")
    p.add_argument('--out', default=str(ROOT / 'results' / 'gpu_smoke.json'))
    p.add_argument('--methods', nargs='*', default=None, help="only these methods (default: every registered one)")
    p.add_argument('--no-timing', action='store_true', help="skip the step-time ratios")
    return p.parse_args(argv)

def main(argv=None) -> int:
    a = parse_args(argv); t0 = time.perf_counter()
    from imbal_nb.core import get_device
    dev = get_device(a.device); device = dev.type; size = a.size or ('full' if device == 'cuda' else 'tiny'); cfg = SIZES[size]
    import imbal_nb
    modules, load_err = load_methods()
    from imbal_nb.train import METHODS
    names = sorted(METHODS) if a.methods is None else a.methods
    out = dict(device=device, device_name=torch.cuda.get_device_name(dev) if device == 'cuda' else platform.processor() or platform.machine(),
               torch=torch.__version__, imbal_nb=getattr(imbal_nb, '__version__', '?'), size=size, torch_threads=torch.get_num_threads(),
               modules=modules, load_methods_error=load_err, methods={}, timing=None, seconds=None, ok=False)
    _write(a.out, out)
    if load_err: print(f"{'load_methods':<20} WARN  imbal_nb.cli.load_methods failed ({load_err}); imported the modules one by one", flush=True)
    for mod, st in modules.items():
        if st != 'ok': print(f"{'import':<20} FAIL  {mod}: {st}", flush=True)
    splits = make_splits(size)
    for name in names:
        r = smoke_method(name, splits, cfg, device, device) if name in METHODS else dict(status='fail', error='not registered', seconds=0.)
        out['methods'][name] = r; _write(a.out, out)
        print(f"{name:<20} {r['status'].upper():<5} {r['seconds']:7.2f}s" + (f"  {r['error'][:300]}" if r['status'] != 'ok' else ''), flush=True)
    if not a.no_timing:
        def report(res): out['timing'] = res; _write(a.out, out)
        res = timing(splits, cfg, device, report); out['timing'] = res
        for k, v in res['ratios'].items(): print(f"{'ratio ' + k:<36} {v:6.2f}", flush=True)
        for k, v in res['errors'].items(): print(f"{'ratio ' + k:<36} FAIL  {v[:300]}", flush=True)
    bad_mods = [m for m, s in modules.items() if s != 'ok']
    bad = [n for n, r in out['methods'].items() if r['status'] != 'ok']
    timing_bad = bool(out['timing'] and out['timing']['errors'])
    out.update(seconds=round(time.perf_counter() - t0, 2), ok=not (bad_mods or bad or timing_bad)); _write(a.out, out)
    print(f"gpu_smoke: {len(out['methods']) - len(bad)}/{len(out['methods'])} methods ok on {device} ({size}) in {out['seconds']:.1f}s; wrote {a.out}", flush=True)
    if not out['ok']:
        why = ([f"modules failed to import: {', '.join(bad_mods)}"] if bad_mods else []) + ([f"methods failed: {', '.join(bad)}"] if bad else []) \
              + (["timing failed: " + ', '.join(out['timing']['errors'])] if timing_bad else [])
        print('gpu_smoke FAILED: ' + '; '.join(why), file=sys.stderr); return 1
    return 0

if __name__ == '__main__': sys.exit(main())
