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

HEAD = '<link rel="stylesheet" href="styles.css"><link rel="stylesheet" href="site_libs/katex/katex.min.css">'
NAV = {'index.html': (None, '01_a.html'), '01_a.html': ('index.html', None)}

def _nav(name):
    side = lambda s, h: f'<div class="nav-page nav-page-{s}">' + (f'<a href="{h}" class="pagination-link">x</a>' if h else '') + '</div>'
    prev, nxt = NAV[name]
    return f'<nav class="page-navigation">{side("previous", prev)}{side("next", nxt)}</nav>'

def _page(body: str, head: str = HEAD, name: str = '01_a.html') -> str:
    return f'<html><head><title>A – site</title>{head}</head><body>{SIDEBAR}<main>{body}</main>{_nav(name)}</body></html>'

KATEX = '<span class="math inline"><span class="katex">x</span></span>'

@pytest.fixture
def tiny(tmp_path):
    nbs, site = tmp_path/'nbs', tmp_path/'_site'
    nbs.mkdir(); (site/'site_libs'/'katex'/'fonts').mkdir(parents=True)
    (site/'site_libs'/'katex'/'katex.min.css').write_text('@font-face{src:url(fonts/KaTeX_Main-Regular.woff2)}')
    (site/'site_libs'/'katex'/'fonts'/'KaTeX_Main-Regular.woff2').write_bytes(b'x')
    _nb(nbs/'index.ipynb', '# Home\n> the home page'); _nb(nbs/'01_a.ipynb', '# A\n\nwith $x$ maths')
    (site/'styles.css').write_text('table.imbal-table { font-variant-numeric: tabular-nums; }')
    (site/'index.html').write_text(_page('<p>hi, see <a href="01_a.html#sec">A</a></p>', name='index.html'))
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

# each new defect: the broken page fails the check with that message, the fixed page passes
STYLED = '<div class="sd-table"><table class="table imbal-table"><tr><td class="num">0.274</td><td class="num">0.073</td></tr></table></div>'
DEFECTS = {
    'pipe table in an output': ('<div class="cell-output cell-output-stdout"><pre><code>| m | ap |\n|---|---|\n| ce | 0.1 |</code></pre></div>',
                                '<div class="cell-output cell-output-display cell-output-markdown">' + STYLED + '</div>', 'pipe table shown as text'),
    'pipe table in the text': ('<p>| m | ap |\n| --- | --- |\n| ce | 0.1 |</p>', '<p>a table:</p>' + STYLED, 'pipe table shown as text'),
    'unstyled pandas table': ('<div class="cell-output"><div><table border="1" class="dataframe"><tr><td>0.274</td></tr></table></div></div>',
                              '<div class="cell-output"><div>' + STYLED.replace('table imbal-table', 'dataframe imbal-table') + '</div></div>',
                              'without the class imbal-table'),
    'table not in a scroll box': ('<table class="imbal-table"><tr><td>1</td></tr></table>', STYLED, 'not in a scroll box'),
    'image without alt': ('<img src="data:image/png;base64,iVBOR" class="img-fluid">',
                          '<img alt="Figure 1 of A" src="data:image/png;base64,iVBOR" class="img-fluid">', 'image without alt'),
    'empty alt': ('<img src="data:image/png;base64,iVBOR" alt="">', '<img src="data:image/png;base64,iVBOR" alt="PR curves">', 'image without alt'),
}

@pytest.mark.parametrize('name', list(DEFECTS))
def test_check_new_defects(tiny, name):
    site, nbs = tiny
    bad, good, msg = DEFECTS[name]
    p = site/'01_a.html'; t = p.read_text()
    p.write_text(t.replace('<pre>$$not maths$$</pre>', bad))
    errs = _errs(site, nbs)
    assert any(msg in e for e in errs), errs
    p.write_text(t.replace('<pre>$$not maths$$</pre>', good))
    assert _errs(site, nbs) == []

def test_check_styles_css(tiny):
    site, nbs = tiny
    (site/'styles.css').write_text('p { color: red }')
    assert any('table.imbal-table' in e for e in _errs(site, nbs))

def test_check_prev_next(tiny):
    site, nbs = tiny
    p = site/'01_a.html'; t = p.read_text()
    p.write_text(re.sub(r'<nav class="page-navigation">.*?</nav>', '', t))
    assert any('no previous/next links' in e for e in _errs(site, nbs))
    p.write_text(t.replace('<a href="index.html" class="pagination-link">', '<a href="01_a.html" class="pagination-link">'))
    assert any('previous/next links go to' in e for e in _errs(site, nbs))
    p.write_text(t)
    assert _errs(site, nbs) == []

def _search(site, text, js=True, box=True):
    entries = [{'href': '01_a.html#sec', 'title': 'A', 'section': 'S', 'text': text}]
    (site/'search.json').write_text(json.dumps(entries))
    if js: (site/'site_libs'/'search-index.js').write_text('window.smalldocsSearchIndex = ' + json.dumps(entries) + ';')
    for name in ('index.html', '01_a.html'):
        p = site/name; t = p.read_text()
        t = re.sub(r'<div class="smalldocs-search"></div>|<script src="site_libs/search-index.js"></script>', '', t)
        if box: t = t.replace('<main>', '<div class="smalldocs-search"></div>' + ('<script src="site_libs/search-index.js"></script>' if js else '') + '<main>')
        p.write_text(t)

@pytest.mark.parametrize('text', [r'the loss -\alpha_t(1-p_t)^\varphi\log p_t', r'with $x^2$ here', r'a \(b\) c', '$$E$$'])
def test_check_search_tex(tiny, text):
    site, nbs = tiny
    _search(site, text)
    assert any('search index: raw TeX' in e for e in _errs(site, nbs))
    _search(site, 'the loss −α_t(1 − p_t)^φ log p_t')
    assert _errs(site, nbs) == []

def test_check_search_file_url(tiny):
    site, nbs = tiny
    _search(site, 'plain', js=False)
    errs = _errs(site, nbs)
    assert any('search-index.js missing' in e for e in errs) and any('does not load site_libs/search-index.js' in e for e in errs), errs
    _search(site, 'plain')
    assert _errs(site, nbs) == []

def test_check_claims(tiny, tmp_path):
    site, nbs = tiny
    res = tmp_path/'results'; res.mkdir()
    notes = []
    assert check_site.check(site, nbs, None, res, notes) == [] and 'no results/claims.csv' in notes[0]
    (res/'claims.csv').write_text('id,paper,verdict\neg-t3-ap,p.txt,reproduced\nlct-t4-auc,q.txt,partly\n')
    notes = []
    assert check_site.check(site, nbs, None, res, notes) == [] and 'no 17_claims.html' in notes[0]
    _nb(nbs/'17_claims.ipynb', '# Claims')
    global NAV
    old = dict(NAV)
    NAV = {'index.html': (None, '01_a.html'), '01_a.html': ('index.html', '17_claims.html'), '17_claims.html': ('01_a.html', None)}
    try:
        side = SIDEBAR.replace('A</a></li></ul>', 'A</a></li><li><a href="17_claims.html" class="sidebar-item-text">Claims</a></li></ul>')
        for name, body in [('index.html', '<p>hi</p>'), ('01_a.html', f'<p>with {KATEX} maths</p>'),
                           ('17_claims.html', '<p>the ledger</p>' + STYLED.replace('0.274', 'eg-t3-ap'))]:
            (site/name).write_text(_page(body, name=name).replace(SIDEBAR, side))
        errs = check_site.check(site, nbs, None, res)
        assert any('claim lct-t4-auc' in e for e in errs) and not any('eg-t3-ap' in e for e in errs), errs
        t = (site/'17_claims.html').read_text().replace('<p>the ledger</p>', '<p>the ledger: <code>lct-t4-auc</code></p>')
        (site/'17_claims.html').write_text(t)
        notes = []
        assert check_site.check(site, nbs, None, res, notes) == [] and 'claims: 2/2' in notes[0]
    finally:
        NAV = old


# ---- the postprocessing of tables, images and search

def test_style_tables_pandas():
    t = ('<div class="cell-output cell-output-display"><div><table border="1" class="dataframe"><thead><tr><th></th><th>m</th>'
         '<th>ap</th><th>bytes</th></tr></thead><tbody><tr><th>0</th><td>ce</td><td>0.0011899306666644331</td><td>283268.000</td></tr>'
         '<tr><th>1</th><td>rs</td><td>0.274012</td><td>1024.000</td></tr></tbody></table></div></div>')
    out, n = postprocess.style_tables(t)
    assert n == 1 and 'class="dataframe imbal-table"' in out and 'border=' not in out
    assert '<div class="sd-table imbal-scroll"><table' in out
    assert '>0.0012<' in out and '>0.274012<' not in out and '>0.2740<' in out, out   # one decimals count per column
    assert '>283268<' in out and '>1024<' in out
    assert '<td class="num">0.2740</td>' in out and '<th class="num">ap</th>' in out and '<th>m</th>' in out
    assert check_site.unstyled_tables(out) == []

def test_style_tables_markdown_kept():
    t = '<div class="sd-table">\n<table class="caption-top table"><tbody><tr><td>x</td><td>0.1234567</td></tr></tbody></table>\n</div>'
    out, _ = postprocess.style_tables(t)   # not in a cell output: the notebook author's numbers stay as written
    assert 'imbal-table' in out and '0.1234567' in out and out.count('sd-table') == 1

def test_alt_texts():
    t = ('<h2 id="s">Curves</h2><img src="a.png"><div class="quarto-figure"><figure class="figure"><p><img src="b.png"></p>'
         '<figcaption>PR curves of CE and EG</figcaption></figure></div><img alt="given" src="c.png">')
    out = postprocess.alt_texts(t, 'Metrics')
    assert 'alt="Figure 1 of Metrics (section: Curves)"' in out and 'alt="PR curves of CE and EG"' in out and 'alt="given"' in out
    assert check_site.images_without_alt(out) == []

def test_mathml_text():
    r = subprocess.run(['node', str(ROOT/'tools'/'docs'/'katex_render.js')], input=json.dumps([[r'-\alpha_t(1-p_t)^\varphi\log p_t', False], [r'\frac{a}{b} \ge 1', False]]),
                       capture_output=True, text=True) if (KATEX_DIST/'katex.min.css').exists() else None
    if r is None: pytest.skip('KaTeX not installed (the build installs it)')
    a, b = [postprocess.mathml_text(o['html']) for o in json.loads(r.stdout)]
    assert a == '−α_t(1−p_t)^φlogp_t' or ('α_t' in a and 'φ' in a and '\\' not in a), a
    assert b.replace(' ', '') == 'a/b≥1', b
    assert not check_site.tex_in_text(a) and not check_site.tex_in_text(b)


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
    t = (site/'01_a.html').read_text().replace('<pre>', '<img alt="Figure 1 of A" src="data:image/png;base64,iVBOR"><div class="cell-output '
        'cell-output-display cell-output-markdown">\n<hr />\n<h3 id="f">f</h3><div class="sd-table"><table class="imbal-table"></table></div></div><pre>')
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
