"""Every notebook in nbs/ is a test: nbdev's own `nbdev_test` runs it top to bottom in a fresh process,
skipping the cells flagged by `tst_flags` in settings.ini (`slow`, `gpu`)."""
import os, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
NBS = sorted(p for p in (ROOT/'nbs').glob('*.ipynb') if not p.name.startswith('_'))
BIN = Path(sys.executable).parent

@pytest.mark.parametrize('nb', NBS, ids=[p.stem for p in NBS])
def test_notebook(nb):
    env = {**os.environ, 'OMP_NUM_THREADS': os.environ.get('OMP_NUM_THREADS', '1'), 'IMBAL_NB_QUIET': '1'}
    r = subprocess.run([str(BIN/'nbdev_test'), '--path', str(nb), '--do_print'], cwd=ROOT/'nbs', env=env,
                       capture_output=True, text=True, timeout=1500)
    assert r.returncode == 0 and 'Success.' in r.stdout, f"{nb.name} failed:\n{r.stdout[-4000:]}\n{r.stderr[-8000:]}"

def test_notebooks_found():
    assert len(NBS) >= 5, NBS
