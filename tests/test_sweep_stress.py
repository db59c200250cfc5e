"""Stress test of `imbal-nb sweep` (issue 16), on the journal file and on SQLite: 3 workers on 12 real cells
(`ce` on toy2d), one SIGKILLed mid-cell, then a resume worker. Every cell must execute to the end exactly once
(counted from the workers' execution log), the killed cell must re-run once and nothing else, the study must
hold one COMPLETE trial per cell, and every surviving worker and the resume must exit 0. About 30 s per storage
on 2 cores; the scenario is `tools/sweep_stress.py` (also runnable by hand)."""
import json, sys
from pathlib import Path
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]/'tools'))
from sweep_stress import stress, N_CELLS

@pytest.mark.parametrize('kind', ['journal', 'sqlite'])
def test_sweep_stress(kind, tmp_path):
    r = stress(kind, tmp_path)
    print(json.dumps({k: v for k, v in r.items() if k != 'checks'}))
    assert r['cells'] == N_CELLS and r['workers'] == 3 and r['victim_exit'] == -9
    failed = [what for what, ok in r['checks'].items() if not ok]
    assert not failed, f"{failed}: {r}"
