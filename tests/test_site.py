"""The docs site: the checker catches what it must, the build's pieces behave, and the real site passes.

The last tests read `_site/` as `bash tools/build_docs.sh` left it, and run the build first when the site is
missing or older than a notebook or a build script (a rebuild reuses build/docs_cache; build_docs.sh takes a
lock, so two pytest-xdist workers never build at once). Running build_docs.sh before pytest avoids the build here.
"""
import json, os, re, shutil, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT/'tools'), str(ROOT/'tools'/'docs')]
import check_site, postprocess, proc  # noqa: E402

KATEX_DIST = ROOT/'tools'/'docs'/'node_modules'/'katex'/'dist'


# ---- a tiny hand-made site, to show that each check fires

def _nb(path: Path, md: str):
    path.write_text(json.dumps({'cells': [{'cell_type': 'markdown', 'metadata': {}, 'source': md}],
                                'metadata': {}, 'nbformat': 4, 'nbformat_minor': 5}))

SIDEBAR = ('<nav id="quarto-sidebar"><ul><li><a href="index.html" class="sidebar-item-text sidebar-link">Home</a></li>'
           '<li><a href="01_a.html" class="sidebar-item-text sidebar-link">A</a></li></ul></nav>')

def _page(body: str, head: str = '<link rel="stylesheet" href="site_libs/katex/katex.min.css">') -> str:
    return f'<html><head>{head}</head><body>{SIDEBAR}<main>{body}</main></body></html>'

KATEX = '<span class="math inline"><span class="katex">x</span></span>'

@pytest.fixture
def tiny(tmp_path):
    nbs, site = tmp_path/'nbs', tmp_path/'_site'
    nbs.mkdir(); (site/'site_libs'/'katex'/'fonts').mkdir(parents=True)
    (site/'site_libs'/'katex'/'katex.min.css').write_text('@font-face{src:url(fonts/KaTeX_Main-Regular.woff2)}')
    (site/'site_libs'/'katex'/'fonts'/'KaTeX_Main-Regular.woff2').write_bytes(b'x')
    _nb(nbs/'index.ipynb', '# Home\n> the home page'); _nb(nbs/'01_a.ipynb', '# A\n\nwith $x$ maths')
    (site/'index.html').write_text(_page('<p>hi, see <a href="01_a.html#sec">A</a></p>'))
    (site/'01_a.html').write_text(_page(f'<h2 id="sec">S</h2><p>with {KATEX} maths</p><pre>$$not maths$$</pre>'))
    return site, nbs

def _errs(site, nbs): return check_site.check(site, nbs, None)

def test_tiny_site_passes(tiny):
    assert _errs(*tiny) == []

@pytest.mark.parametrize('old,new,msg', [
    ('with <span class="math inline"><span class="katex">x</span></span> maths', 'with $$x^2$$ maths', 'raw TeX'),
    ('with <span class="math inline"><span class="katex">x</span></span> maths', r'with \(x\) maths', 'raw TeX'),
    ('with <span class="math inline"><span class="katex">x</span></span> maths', r'with $\alpha_t$ maths', 'raw TeX'),
    ('<span class="katex">x</span>', r'\(x\)', 'not typeset'),
    ('<h2 id="sec">', '<h2 id="other">', 'anchor #sec'),
    ('<pre>', '<img src="plot.png"><pre>', 'broken link plot.png'),
    ('<pre>', '<script src="https://cdn.example.org/katex.min.js"></script><pre>', 'needs the network'),
    ('<pre>', '<link rel="stylesheet" href="//cdn.example.org/x.css"><pre>', 'needs the network'),
    ('<pre>', '<span class="katex-error">\\bad</span><pre>', 'katex-error'),
    ('A</a></li></ul>', 'A</a></li><li><a href="nbdev.yml" class="sidebar-item-text">nbdev.yml</a></li></ul>', 'sidebar lists'),
])
def test_check_catches(tiny, old, new, msg):
    site, nbs = tiny
    p = site/'01_a.html'; t = p.read_text(); assert old in t
    p.write_text(t.replace(old, new))
    errs = _errs(site, nbs)
    assert any(msg in e for e in errs), errs

def test_check_missing_page_and_katex(tiny):
    site, nbs = tiny
    _nb(nbs/'02_b.ipynb', '# B')
    assert any('no page 02_b.html' in e for e in _errs(site, nbs))
    (nbs/'02_b.ipynb').unlink()
    (site/'01_a.html').write_text(_page('<p>with maths, but not typeset</p>', head=''))
    assert any('no KaTeX markup' in e for e in _errs(site, nbs))

def test_check_plots_and_show_doc(tiny, tmp_path):
    site, nbs = tiny
    pr = tmp_path/'_proc'; pr.mkdir()
    cells = [{'cell_type': 'code', 'source': 'plt.plot([1])', 'outputs': [{'data': {'image/png': 'iVBOR'}}]},
             {'cell_type': 'code', 'source': 'show_doc(f)',
              'outputs': [{'data': {'text/markdown': '### f\n\n|    | **Type** | **Details** |\n|--|--|--|'}}]}]
    (pr/'01_a.ipynb').write_text(json.dumps({'cells': cells}))
    errs = check_site.check(site, nbs, pr)
    assert any('1 plot(s)' in e for e in errs) and any('show_doc output' in e for e in errs), errs
    t = (site/'01_a.html').read_text().replace('<pre>', '<img src="data:image/png;base64,iVBOR"><div class="cell-output '
        'cell-output-display cell-output-markdown">\n<hr />\n<h3 id="f">f</h3><table></table></div><pre>')
    (site/'01_a.html').write_text(t)
    assert check_site.check(site, nbs, pr) == []


# ---- the build's pieces

@pytest.mark.parametrize('text,want', [
    (r'a $x^2$ b', [('x^2', False)]), (r'$$\sum_i x_i$$', [(r'\sum_i x_i', True)]),
    (r'\(a &lt; b\)', [('a < b', False)]), (r'\[E=mc^2\]', [('E=mc^2', True)]),
    ('costs $5 and $6', []), (r'a \$ sign and $ spaced $', []), ('$x$1', []),
])
def test_find_math(text, want):
    assert [(t, d) for _, _, t, d in postprocess.find_math(text)] == want

def test_segments_skip_code():
    segs = postprocess.segments('<p>$a$</p><pre><code>$b$</code></pre><script>var s="$c$"</script><p>$d$</p>')
    assert [c for ok, c in segs if ok and '$' in c] == ['$a$', '$d$']

def test_split_title_cell():
    js = {'cells': [{'cell_type': 'markdown', 'metadata': {}, 'source': '# T\n> sum\n\n**Status:** partial — why'}]}
    assert proc.split_title_cell(js)
    assert [c['source'] for c in js['cells']] == ['# T\n> sum', '**Status:** partial — why']
    js = {'cells': [{'cell_type': 'markdown', 'metadata': {}, 'source': '# T\n\n> sum'}]}
    assert not proc.split_title_cell(js) and len(js['cells']) == 1

def test_sidebar_order():
    pages = proc.page_order([Path(p) for p in ['10_eg.ipynb', '00_core.ipynb', 'index.ipynb', '02_data.ipynb']])
    assert [str(p) for p in pages] == ['index.ipynb', '00_core.ipynb', '02_data.ipynb', '10_eg.ipynb']
    assert proc.sidebar_yml(pages).splitlines()[3] == '      - index.ipynb'

def test_skipped_cells_follow_tst_flags():
    class C(dict):
        __getattr__ = dict.get
    assert 'slow' in proc.tst_flags()
    assert proc.skipped(C(cell_type='code', source='x', directives_={'slow': []}), {'slow', 'gpu'})
    assert proc.skipped(C(cell_type='code', source='x', directives_={'eval:': ['false']}), set())
    assert proc.skipped(C(cell_type='code', source='import nbdev; nbdev.nbdev_export()', directives_={}), set())
    assert not proc.skipped(C(cell_type='code', source='x', directives_={'export': []}), {'slow', 'gpu'})

def test_katex_renders_server_side():
    if not (KATEX_DIST/'katex.min.css').exists(): _build()   # the build installs KaTeX (npm ci)
    r = subprocess.run(['node', str(ROOT/'tools'/'docs'/'katex_render.js')], input=json.dumps([[r'\frac{a}{b}', True], [r'\nosuch', False]]),
                       capture_output=True, text=True, check=True)
    ok, bad = json.loads(r.stdout)
    assert 'katex-display' in ok['html'] and 'mfrac' in ok['html'] and ok['error'] is None
    assert 'nosuch' in bad['error'] and 'katex-error' in bad['html']


# ---- the real site

def _build():
    subprocess.run(['bash', str(ROOT/'tools'/'build_docs.sh')], cwd=ROOT, check=True,
                   env={**os.environ, 'DOCS_CHECK': '0'})

@pytest.fixture(scope='module')
def site():
    idx = ROOT/'_site'/'index.html'
    srcs = list((ROOT/'nbs').rglob('*.ipynb')) + list((ROOT/'tools'/'docs').glob('*.*')) + [ROOT/'tools'/'build_docs.sh']
    if not idx.exists() or idx.stat().st_mtime < max(p.stat().st_mtime for p in srcs): _build()
    return ROOT/'_site'

def test_real_site_passes_check(site):
    errs = check_site.check(site, ROOT/'nbs', ROOT/'_proc' if (ROOT/'_proc').is_dir() else None)
    assert errs == [], '\n'.join(errs)

def test_real_site_is_offline_and_typeset(site):
    pages = sorted(site.glob('*.html'))
    nbs = sorted(p for p in (ROOT/'nbs').glob('*.ipynb'))
    assert {p.stem for p in nbs} <= {p.stem for p in pages}
    for p in pages:
        t = p.read_text()
        assert not re.search(r'<script[^>]+src="https?://', t), p
        assert 'cdn.jsdelivr' not in t, p
    with_math = [p for p in nbs if check_site.nb_has_math(p)]
    for nb in with_math:
        assert 'class="katex"' in (site/f'{nb.stem}.html').read_text(), nb
