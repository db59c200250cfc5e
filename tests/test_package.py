"""Plain tests of the installed package: exported modules import and the console script answers."""
import subprocess, sys
from pathlib import Path

def test_modules_import():
    import imbal_nb.core, imbal_nb.train, imbal_nb.cli
    from imbal_nb.methods import load_methods
    assert {'ce', 'rs', 'smote'} <= set(load_methods())

def test_no_import_cycles():
    "Top-level and function-level imports among the package's modules form no cycle; front ends stay on top."
    from imbal_nb.methods import import_graph, find_cycle
    g = import_graph()
    assert find_cycle(g) is None, find_cycle(g)
    assert 'cli' not in g['api'] | g['sweep']
    assert not {m for m, d in g.items() if d & {'cli', 'api', 'sweep', 'methods'}} - {'cli', 'api', 'sweep', '__init__'}

def test_console_script_help():
    exe = Path(sys.executable).parent/'imbal-nb'
    r = subprocess.run([str(exe), 'bench', '--help'], capture_output=True, text=True)
    assert r.returncode == 0 and '--methods' in r.stdout and 'keel:NAME' in r.stdout

def test_wheel_builds_with_requirements(tmp_path):
    "`pip install .` path: the wheel holds every exported module and the settings.ini requirements."
    import zipfile, configparser
    root = Path(__file__).resolve().parents[1]
    r = subprocess.run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation', '-q', '-w', str(tmp_path), str(root)],
                       capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    whl = next(tmp_path.glob('imbal_nb-*.whl'))
    names = zipfile.ZipFile(whl).namelist()
    for mod in (root/'imbal_nb').glob('*.py'): assert f'imbal_nb/{mod.name}' in names, mod.name
    meta = zipfile.ZipFile(whl).read(next(n for n in names if n.endswith('METADATA'))).decode()
    cfg = configparser.ConfigParser(); cfg.read(root/'settings.ini')
    for req in cfg['DEFAULT']['requirements'].split(): assert f'Requires-Dist: {req}' in meta, req
    assert 'imbal-nb = imbal_nb.cli:main' in zipfile.ZipFile(whl).read(next(n for n in names if n.endswith('entry_points.txt'))).decode()
