"""Runs tools/test_sweep_pg.sh: `imbal-nb sweep` workers against a throw-away local PostgreSQL server
(two workers at once, kill -9 / SIGINT mid-cell, resume; every grid cell exactly once, every
surviving worker exits 0). Needs root or a PostgreSQL install (the script apt-installs Debian `postgresql`
when missing); takes 1-3 minutes."""
import subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def test_sweep_postgresql():
    r = subprocess.run(['bash', str(ROOT/'tools'/'test_sweep_pg.sh')], capture_output=True, text=True, timeout=900,
                       env={**__import__('os').environ, 'PY': sys.executable})
    print(r.stdout[-4000:], r.stderr[-4000:])
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert '10 passed, 0 failed' in r.stdout
