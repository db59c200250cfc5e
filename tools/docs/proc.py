#!/usr/bin/env python
"""Process the notebooks into `_proc/` for the docs site, executing them (run with `.venv/bin/python`).

This does what `nbdev_proc_nbs` does (nbdev's own notebook processors: front matter, `show_doc`, hidden cells,
doc links, ...) with five differences:

1. It does not call `_ensure_quarto()`. The nbdev CLI does, and where Quarto is missing that downloads Quarto and
   then runs `pip install -e ".[dev]"` with whatever `pip` is first on PATH: an unpinned torch, i.e. a multi-GB
   CUDA build. Never run `nbdev_proc_nbs` / `nbdev_docs` / `nbdev_preview` on a machine without Quarto.
2. It executes every notebook (`--exec`, the default of tools/build_docs.sh), so pages show plots and tables;
   the committed notebooks carry no outputs and nbdev only runs `show_doc` cells. Cells are skipped as
   `nbdev_test` skips them: the `tst_flags` of settings.ini (`#| slow`, `#| gpu`), `#| eval: false`, the
   `nbdev_export()` cell, `skip_exec: true` notebooks. Each notebook runs once, in its own process, with its folder
   as working directory (as under `nbdev_test`) and IN_TEST=1. A cell that raises (say, a results file that an
   experiment has not written yet) is reported and shows no output; the next cells still run. A notebook that
   crashes or times out is built the plain nbdev way (only `show_doc` cells run). The build goes on and lists
   these notebooks; DOCS_STRICT=1 makes it exit 1. (The tests, not the docs, are where notebooks must pass.)
3. nbdev runs any cell that imports something to build `show_doc` output, even a `#| slow` one (a full experiment),
   and stops the whole build when such a cell fails (its error report itself crashes on a TypeError in nbdev
   2.3.34); here cells with a skip flag never run and a failing cell is reported, not fatal.
4. nbdev turns the first `# Title` / `> summary` cell into the page title and drops the cell, so anything else
   written in that cell (the `**Status:**` line of CONTRIBUTING.md) would vanish from the page: it is moved into
   a cell of its own first.
5. `#| output: asis` cells (Quarto: what the cell prints is Markdown) get their printed output as a Markdown
   output, which the renderer shows as Markdown (a pipe table becomes a table).

Each processed notebook is cached (build/docs_cache) under a hash of the notebook, the package source,
`results/`, settings.ini and this script, so a rebuild with nothing changed executes nothing.
The config that `nbdev_docs` would write goes into `_proc/` too: `_quarto.yml` (the top-level one), `nbdev.yml`
(nbdev's template filled from settings.ini) and `sidebar.yml` (every notebook page, index first, then by name).
Nothing is written into nbs/ or imbal_nb/.

Usage: proc.py [--no-exec] [--workers N] [--timeout S]
       proc.py --one SRC DST [--no-exec]     (internal: process one notebook)
"""
import argparse, configparser, hashlib, json, os, re, shutil, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP_PARTS = ('.', '_')


def tst_flags() -> set:
    "The flags whose cells `nbdev_test` skips unless asked (settings.ini `tst_flags`)."
    cp = configparser.ConfigParser(); cp.read(ROOT/'settings.ini')
    return set(cp['DEFAULT'].get('tst_flags', '').split())


def skipped(cell, flags) -> bool:
    "Whether `nbdev_test` would skip this code cell."
    if cell.cell_type != 'code' or 'nbdev_export' + '(' in cell.source: return True
    d = getattr(cell, 'directives_', {}) or {}
    if str((d.get('eval:') or [''])[0]).lower() == 'false': return True
    return bool(flags & set(d))


def split_title_cell(js: dict) -> bool:
    "Keep `# Title` / `> summary` (joined onto one line) in the title cell, move the rest into a cell of its own."
    # nbdev's FrontmatterProc turns the first markdown cell with a `# ` heading into the page's title and summary
    # and drops the whole cell, so a `**Status:** ...` line written there would vanish from the page.
    for i, c in enumerate(js['cells']):
        if c['cell_type'] == 'raw' and ''.join(c['source']).lstrip().startswith('---'): return False
        if c['cell_type'] != 'markdown': continue
        lines = ''.join(c['source']).splitlines()
        if not any(re.match(r'^#\s+\S', l) for l in lines): return False
        head, rest, seen_title = [], [], False
        for l in lines:
            if not seen_title and re.match(r'^#\s+\S', l): head.append(l); seen_title = True
            elif re.match(r'^>\s+\S', l) and not rest:
                # nbdev reads only the first `> ` line as the summary: join a summary written over several lines
                if head and head[-1].startswith('>'): head[-1] += ' ' + l[1:].strip()
                elif not any(h.startswith('>') for h in head): head.append(l)
                else: rest.append(l)
            elif re.match(r'^-\s+\S.*:.*\S\s*$', l) and not rest: head.append(l)   # nbdev's `- key: value` front matter
            elif l.strip() or rest: rest.append(l)
        if not rest:
            changed = '\n'.join(head) != '\n'.join(l for l in lines if l.strip())
            if changed: c['source'] = '\n'.join(head)
            return changed
        c['source'] = '\n'.join(head)
        js['cells'].insert(i + 1, {'cell_type': 'markdown', 'metadata': {}, 'source': '\n'.join(rest).strip('\n')})
        return True
    return False


ASIS = re.compile(r'^#\|\s*output:\s*asis\s*$', re.M)


def mark_asis(js: dict) -> int:
    "Mark the code cells with `#| output: asis` (Quarto: printed text is Markdown) in their metadata."
    n = 0
    for c in js['cells']:
        if c['cell_type'] == 'code' and ASIS.search(''.join(c['source'])):
            c.setdefault('metadata', {})['imbal_asis'] = True; n += 1
    return n


def asis_outputs(nb) -> None:
    "Turn the printed output of `#| output: asis` cells into Markdown outputs (the renderer shows them as Markdown)."
    for c in nb.cells:
        md = c.get('metadata') or {}
        if not md.pop('imbal_asis', False): continue
        outs = []
        for o in c.get('outputs') or []:
            if o.get('output_type') == 'stream' and o.get('name') == 'stdout':
                text = ''.join(o['text']) if isinstance(o['text'], list) else o['text']
                outs.append({'output_type': 'display_data', 'metadata': {}, 'data': {'text/markdown': text}})
            else: outs.append(o)
        c['outputs'] = outs


def process_one(src: Path, dst: Path, execute: bool):
    "Run nbdev's docs processors on one notebook; with `execute`, run all its (non-skipped) cells too."
    from execnb.nbio import dict2nb, write_nb
    from nbdev.processors import FilterDefaults, exec_show_docs
    flags = tst_flags()

    from nbdev.processors import _do_eval
    errors = []

    def run_cell(k, cell):
        "Run a cell; on an exception note it, show no output for that cell, and go on with the next cells."
        k.cell(cell)
        if k.exc:
            e = k.exc[1] if isinstance(k.exc, tuple) else k.exc
            first = next((l for l in cell.source.splitlines() if l.strip() and not l.startswith('#|')), '')
            errors.append(f'cell {cell.idx_} raised {type(e).__name__}: {str(e)[:300]}  [cell: {first[:80]}]')
            cell.outputs = []

    class exec_guarded(exec_show_docs):
        "nbdev's `show_doc` execution, but never a cell that `nbdev_test` would skip, and errors do not stop it."
        def __call__(self, cell):
            if not getattr(self.nb, 'has_docs_', False) or not hasattr(self, 'k'): return
            if str((getattr(self.nb, 'frontmatter_', {}) or {}).get('skip_showdoc', '')).lower() in ('true', '1', 'yes'): return
            if cell.cell_type == 'code' and skipped(cell, flags): return
            if _do_eval(cell): run_cell(self.k, cell)

    class exec_all(exec_show_docs):
        "Execute every cell that `nbdev_test` executes, keeping the outputs."
        def __call__(self, cell):
            if not hasattr(self, 'k') or cell.cell_type != 'code' or skipped(cell, flags): return
            fm = getattr(self.nb, 'frontmatter_', {}) or {}
            if str(fm.get('skip_exec', '')).lower() in ('true', '1', 'yes'): return exec_guarded.__call__(self, cell)
            run_cell(self.k, cell)

    class Procs(FilterDefaults):
        def base_procs(self):
            return [(exec_all if execute else exec_guarded) if p is exec_show_docs else p for p in super().base_procs()]

    os.environ['IN_TEST'] = '1'
    os.chdir(src.parent); sys.path.insert(0, str(src.parent))
    js = json.loads(src.read_text(encoding='utf-8'))
    split_title_cell(js)
    mark_asis(js)
    nb = dict2nb(js); nb['path_'] = str(src)
    Procs()(nb)
    asis_outputs(nb)
    write_nb(nb, dst)
    if errors:
        print('\n'.join(errors), file=sys.stderr); sys.exit(3)   # page written; some cells have no output


def nb_title(path: Path) -> str:
    "The notebook's title: its first markdown `# ` heading, else its file name."
    try:
        for c in json.loads(path.read_text())['cells']:
            if c['cell_type'] != 'markdown': continue
            for line in ''.join(c['source']).splitlines():
                if line.startswith('# '): return line[2:].strip()
    except Exception: pass
    return path.stem


def page_order(rels: list) -> list:
    "Sidebar order: index first, then by path (the numeric prefixes order the notebooks)."
    return sorted(rels, key=lambda p: (p.stem != 'index', str(p)))


def sidebar_yml(pages: list) -> str:
    "nbdev's sidebar.yml format: the pages in order (Quarto and smalldocs take each title from its page)."
    return '\n'.join(['website:', '  sidebar:', '    contents:'] + [f'      - {p.as_posix()}' for p in pages]) + '\n'


def _hash_tree(h, folder: Path, pat='*'):
    for p in sorted(q for q in folder.rglob(pat) if q.is_file()):
        if any(s.startswith('.') or s == '__pycache__' for s in p.relative_to(folder).parts): continue
        h.update(str(p.relative_to(folder)).encode()); h.update(p.read_bytes())


def env_key(execute: bool) -> str:
    "Hash of what a processed page depends on besides its notebook."
    h = hashlib.sha256(str(execute).encode())
    _hash_tree(h, ROOT/'imbal_nb', '*.py')
    if (ROOT/'results').exists(): _hash_tree(h, ROOT/'results')
    for f in ('settings.ini', '_quarto.yml'): h.update((ROOT/f).read_bytes())
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--one', nargs=2, type=Path, metavar=('SRC', 'DST'))
    ap.add_argument('--no-exec', dest='execute', action='store_false', help="only run show_doc cells, as nbdev does")
    ap.add_argument('--workers', type=int, default=int(os.environ.get('DOCS_WORKERS', 2)))
    ap.add_argument('--timeout', type=int, default=int(os.environ.get('DOCS_TIMEOUT', 300)), help='seconds per notebook')
    ap.add_argument('--cache', type=Path, default=ROOT/'build'/'docs_cache')
    a = ap.parse_args()
    if a.one:
        process_one(a.one[0].resolve(), a.one[1].resolve(), a.execute); return

    from nbdev.config import get_config
    from nbdev.quarto import _nbdev_yml
    cfg = get_config(path=ROOT)
    nbs, proc = Path(cfg.nbs_path), ROOT/'_proc'
    if proc.exists(): shutil.rmtree(proc)
    proc.mkdir(parents=True); a.cache.mkdir(parents=True, exist_ok=True)
    files = [p for p in sorted(nbs.rglob('*')) if p.is_file()
             and not any(s.startswith(SKIP_PARTS) for s in p.relative_to(nbs).parts)]
    nbfiles = [p for p in files if p.suffix == '.ipynb']
    for p in files:   # styles.css, images, ... (not the generated yml files)
        if p.suffix != '.ipynb' and p.name not in ('nbdev.yml', 'sidebar.yml'):
            (proc/p.relative_to(nbs)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(p, proc/p.relative_to(nbs))
    shutil.copyfile(ROOT/'_quarto.yml', proc/'_quarto.yml')
    vals = {k: cfg[k] for k in ['title', 'description', 'branch', 'git_url', 'doc_host', 'doc_baseurl']}
    vals['doc_path'] = cfg.doc_path.name
    (proc/'nbdev.yml').write_text(_nbdev_yml.format(**vals))
    pages = page_order([p.relative_to(nbs) for p in nbfiles])
    (proc/'sidebar.yml').write_text(sidebar_yml(pages))

    ekey = env_key(a.execute)
    env = {**os.environ, 'OMP_NUM_THREADS': os.environ.get('OMP_NUM_THREADS', '1'), 'IMBAL_NB_QUIET': '1',
           'PYTHONWARNINGS': 'ignore', 'MPLBACKEND': 'module://matplotlib_inline.backend_inline'}  # plots as outputs
    failed = []

    def do(rel):
        src, dst = nbs/rel, proc/rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        key = hashlib.sha256(src.read_bytes() + ekey.encode()).hexdigest()[:20]
        stem = str(rel.with_suffix('')).replace('/', '__')
        cached = a.cache/f'{stem}-{key}.ipynb'
        note = cached.with_suffix('.failed')
        if cached.exists():
            shutil.copyfile(cached, dst)
            if note.exists(): failed.append(str(rel)); return rel, 'cached; ' + note.read_text(), 0.
            return rel, 'cached', 0.
        t0, tmp = time.time(), a.cache/f'{stem}-{key}.tmp'
        def run(execute):
            cmd = [sys.executable, __file__, '--one', str(src), str(tmp)] + ([] if execute else ['--no-exec'])
            try:
                r = subprocess.run(cmd, env=env, timeout=a.timeout, capture_output=True, text=True)
                rc = r.returncode if tmp.exists() else (r.returncode or 1)
                return rc, (r.stderr or r.stdout)[-3000:]
            except subprocess.TimeoutExpired: return 124, f'timed out after {a.timeout} s'
        rc, err = run(a.execute)
        status = 'executed' if a.execute else 'processed'
        if rc == 3:   # built, but some cells raised: they show no output
            status = ('EXECUTED WITH ERRORS' if a.execute else 'SHOW_DOC ERRORS') + ' (those cells show no output):\n    ' \
                     + err.strip()[-900:].replace('\n', '\n    ')
        elif rc != 0 and a.execute:   # crashed or timed out: the plain nbdev way (only show_doc cells run)
            status = 'EXECUTION FAILED, page built without outputs:\n    ' + err.strip()[-700:].replace('\n', '\n    ')
            rc, err2 = run(False)
            if rc == 3: rc = 0
        if rc not in (0, 3): raise SystemExit(f'nbdev processing failed for {rel}:\n{err}')
        if status.startswith(('EXEC', 'SHOW')): failed.append(str(rel))
        for old in [*a.cache.glob(f'{stem}-*.ipynb'), *a.cache.glob(f'{stem}-*.failed')]: old.unlink()
        tmp.rename(cached); shutil.copyfile(cached, dst)
        if str(rel) in failed: note.write_text(status)
        return rel, status, time.time() - t0

    t0 = time.time()
    with ThreadPoolExecutor(max(1, a.workers)) as ex:
        for rel, status, dt in ex.map(do, pages):
            print(f'  {rel} ({nb_title(nbs/rel)}): {status}' + (f' in {dt:.1f} s' if dt else ''), flush=True)
    print(f'  processed {len(pages)} notebook(s) in {time.time()-t0:.1f} s'
          + (f'; {len(failed)} with errors: {", ".join(sorted(failed))}' if failed else ''), flush=True)
    if failed and os.environ.get('DOCS_STRICT', '0') == '1': sys.exit(1)


if __name__ == '__main__':
    main()
