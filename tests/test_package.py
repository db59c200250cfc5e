"""Plain tests of the installed package: exported modules import and the console script answers."""
import subprocess, sys
from pathlib import Path

def test_modules_import():
    import imbal_nb.core, imbal_nb.train, imbal_nb.cli
    from imbal_nb.cli import load_methods
    assert {'ce', 'rs', 'smote'} <= set(load_methods())

def test_console_script_help():
    exe = Path(sys.executable).parent/'imbal-nb'
    r = subprocess.run([str(exe), 'bench', '--help'], capture_output=True, text=True)
    assert r.returncode == 0 and '--methods' in r.stdout and 'keel:NAME' in r.stdout
