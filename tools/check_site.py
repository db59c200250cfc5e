#!/usr/bin/env python
"""Check the built docs site (tools/build_docs.sh): it is complete, its maths is typeset and it works offline.

Checks, each listed on failure (exit 1):
- pages: one HTML page per notebook of nbs/ (`00_core.ipynb` -> `00_core.html`), `index.html` among them;
- sidebar: every page's sidebar lists exactly the notebook pages, index first, then by file name, with titles
  (no `nbdev.yml`/`sidebar.yml` entries);
- maths: no raw TeX left in the visible text (no `$$`, `\\(`/`\\[` delimiters, `$...$` spans or bare TeX
  commands such as `\\frac` outside code), every `<span class="math">` holds KaTeX output, no KaTeX error
  marks; a page whose notebook has maths has KaTeX markup and links the local `katex.min.css`;
- offline: no stylesheet, script, image, iframe, font or CSS `@import`/`url()` comes from http(s) (plain
  `<a href>` links to the web are fine), and KaTeX's fonts are in the site;
- links: every local `href`/`src` (HTML and the site's CSS `url()`s) resolves to a file, and a `page.html#id`
  link finds that id on the page;
- outputs: where the processed notebook (`_proc/`) has plots (image/png outputs), the page shows at least as many
  PNG images; where it has `show_doc` output, the page has that many API entries (and their parameter tables).
- tables: no Markdown pipe table left as text (a `| --- |` row in an output's `<pre>` or in the text: a Markdown
  output the renderer did not read, e.g. `#| output: asis`); every `<table>` has the class `imbal-table` (the
  site's table style, defined in styles.css, which the page links) and sits in a scroll box (`sd-table`);
- images: every `<img>` has non-empty alt text;
- navigation: every page ends with previous/next links (`nav.page-navigation`) to its neighbours in sidebar order;
- search: the index (search.json, and site_libs/search-index.js that pages load so search works from file://)
  has no raw TeX in titles, sections or snippets, and every page with a search box loads search-index.js;
- claims: when `results/claims.csv` exists and the site has `17_claims.html`, every claim `id` of the CSV appears on
  that page (skipped, with a note, when either is missing).
Standard library only.

Usage: python tools/check_site.py [SITE_DIR=_site] [--nbs nbs] [--proc _proc] [--results results]
"""
import argparse, html, json, re, sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT/'tools'/'docs'))
from postprocess import segments, find_math  # the same tokenizer and maths rules as the build  # noqa: E402

TEX_CMD = re.compile(r'\\(?:frac|sum|prod|mathcal|mathbb|mathbf|mathrm|alpha|beta|gamma|sigma|theta|lambda|'
                     r'partial|nabla|cdot|left|right|begin\{|end\{|log|exp|hat|bar|tilde|sqrt|int|le|ge|in)\b')
REMOTE_TAG = re.compile(r'<(script|img|iframe|source|embed|video|audio)\b[^>]*\bsrc\s*=\s*"(https?:)?//[^"]*"|'
                        r'<link\b[^>]*\bhref\s*=\s*"(https?:)?//[^"]*"[^>]*>', re.I)
CSS_REMOTE = re.compile(r'@import\s+(url\()?\s*["\']?(https?:)?//|url\(\s*["\']?(https?:)?//', re.I)
ATTR = re.compile(r'\b(href|src)\s*=\s*"([^"]*)"', re.I)
CSS_URL = re.compile(r'url\(\s*["\']?([^"\')]+)["\']?\s*\)')
IDS = re.compile(r'\b(?:id|name)\s*=\s*"([^"]+)"')
LINK_TAG = re.compile(r'<link\b[^>]*>', re.I)


PIPE_ROW = re.compile(r'^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$', re.M)
PRE = re.compile(r'<pre\b[^>]*>(.*?)</pre>', re.S)
IMG = re.compile(r'<img\b[^>]*>', re.I)


def pipe_tables(txt: str) -> list:
    "Markdown pipe tables left as text: in an output's `<pre>`, or in the visible text (not in source code blocks)."
    found = []
    for m in re.finditer(r'<div class="cell-output[^"]*">\s*(<pre\b.*?</pre>)', txt, re.S):
        body = html.unescape(re.sub(r'<[^>]+>', '', m.group(1)))
        if PIPE_ROW.search(body): found.append(body.strip()[:80])
    for ok, chunk in segments(txt):
        if ok and PIPE_ROW.search(html.unescape(chunk)): found.append(html.unescape(chunk).strip()[:80])
    return found


def unstyled_tables(txt: str) -> list:
    "Tables without the class `imbal-table`, or not in a scroll box (`<div class=\"sd-table ...\">` around them)."
    bad = []
    for m in re.finditer(r'<table\b[^>]*>', txt):
        cls = re.search(r'\bclass="([^"]*)"', m.group(0))
        before = re.findall(r'<div\b[^>]*>', txt[max(0, m.start() - 400):m.start()])
        boxed = bool(before) and re.search(r'\bclass="[^"]*\bsd-table\b', before[-1]) and \
            not re.search(r'</div>', txt[txt.rfind(before[-1], 0, m.start()):m.start()])
        if not cls or 'imbal-table' not in cls.group(1).split(): bad.append(f'table without the class imbal-table: {m.group(0)[:80]}')
        elif not boxed: bad.append(f'table not in a scroll box (div.sd-table): {m.group(0)[:80]}')
    return bad


def images_without_alt(txt: str) -> list:
    return [m.group(0)[:80] for m in IMG.finditer(txt) if not re.search(r'\balt="[^"]*\S[^"]*"', m.group(0))]


def page_nav(txt: str):
    "(previous href, next href) of the page's `nav.page-navigation`, None where a side has no link; None without it."
    m = re.search(r'<nav class="page-navigation">(.*?)</nav>', txt, re.S)
    if not m: return None
    side = lambda s: (lambda a: a.group(1) if a else None)(re.search(
        r'<div class="nav-page nav-page-' + s + r'">\s*<a href="([^"]+)"', m.group(1)))
    return side('previous'), side('next')


def tex_in_text(s: str) -> bool:
    "Raw TeX in a plain text (a search title, section or snippet)."
    return '$$' in s or bool(re.search(r'\\\(|\\\[', s) or TEX_CMD.search(s) or find_math(html.escape(s, quote=False)))


def search_problems(site: Path) -> list:
    errs = []
    f = site/'search.json'
    if not f.exists(): return errs
    try: entries = json.loads(f.read_text(encoding='utf-8'))
    except Exception as e: return [f'search.json unreadable: {e}']
    js = site/'site_libs'/'search-index.js'
    if not js.exists(): errs.append('site_libs/search-index.js missing: search does not work from file://')
    else:
        t = js.read_text(encoding='utf-8')
        try: entries += json.loads(t[t.index('=') + 1:].strip().rstrip(';'))
        except Exception as e: errs.append(f'site_libs/search-index.js unreadable: {e}')
    n = 0
    for e in entries:
        for k in ('title', 'section', 'text'):
            v = e.get(k) or ''
            if tex_in_text(v):
                n += 1
                if n <= 10: errs.append(f'search index: raw TeX in the {k} of {e.get("href")}: {v[:100]!r}')
    if n > 10: errs.append(f'search index: {n - 10} more entries with raw TeX')
    return errs


def claim_ids(csv_path: Path) -> list:
    import csv
    with open(csv_path, newline='', encoding='utf-8') as f:
        return [r['id'].strip() for r in csv.DictReader(f) if (r.get('id') or '').strip()]


def nb_has_math(nb: Path) -> bool:
    "Whether the notebook's markdown cells (or docstrings) hold maths delimiters."
    try: cells = json.loads(nb.read_text())['cells']
    except Exception: return False
    src = '\n'.join(''.join(c['source']) for c in cells if c['cell_type'] == 'markdown')
    src = re.sub(r'`[^`\n]*`', '', src)
    return bool(find_math(html.escape(src, quote=False)))


def proc_counts(nb: Path):
    "(PNG outputs, show_doc outputs, show_doc outputs with a parameter table) in a processed notebook."
    png = sd = tab = 0
    try: cells = json.loads(nb.read_text())['cells']
    except Exception: return 0, 0, 0
    for c in cells:
        if c['cell_type'] != 'code': continue
        for o in c.get('outputs', []):
            d = o.get('data', {})
            png += 'image/png' in d
            md = ''.join(d.get('text/markdown', ''))
            if 'show_doc(' in ''.join(c['source']) and md:
                sd += 1; tab += ('|' in md and '**Type**' in md) or '<table' in md
    return png, sd, tab


def check_local(url: str, page: Path, site: Path, texts: dict, errs: list, where: str):
    "A local link must resolve, and its #fragment must exist on the target page."
    if not url or url.startswith(('#', 'data:', 'mailto:', 'javascript:', 'tel:')) or re.match(r'^[a-z][a-z0-9+.-]*:', url, re.I) or url.startswith('//'):
        if url.startswith('#') and len(url) > 1 and page.suffix == '.html':
            if unquote(url[1:]) not in texts.get(page, ('', set()))[1]: errs.append(f'{where}: anchor {url} not on the page')
        return
    u = urlsplit(url); path = unquote(u.path)
    tgt = (site/path.lstrip('/')) if path.startswith('/') else (page.parent/path)
    if path.endswith('/') or (tgt.is_dir()): tgt = tgt/'index.html'
    try: tgt = tgt.resolve()
    except Exception: pass
    if not tgt.exists(): errs.append(f'{where}: broken link {url}'); return
    if u.fragment and tgt.suffix == '.html' and tgt in texts and unquote(u.fragment) not in texts[tgt][1]:
        errs.append(f'{where}: anchor #{u.fragment} not on {tgt.relative_to(site)}')


def sidebar_entries(txt: str):
    m = re.search(r'<nav id="quarto-sidebar".*?</nav>', txt, re.S)
    if not m: return None
    return [(h, re.sub(r'<[^>]+>', '', t).strip()) for h, t in
            re.findall(r'<a href="([^"]*)"[^>]*class="sidebar-item-text[^"]*"[^>]*>(.*?)</a>', m.group(0), re.S)]


def check(site: Path, nbs: Path, proc: Path | None, results: Path | None = None, notes: list | None = None) -> list:
    errs = []
    notes = [] if notes is None else notes
    site = site.resolve()
    if not site.is_dir(): return [f'{site} is not a folder: build it with bash tools/build_docs.sh']
    pages = sorted(site.rglob('*.html'))
    texts = {p.resolve(): (t := p.read_text(encoding='utf-8', errors='replace'), set(IDS.findall(t))) for p in pages}
    notebooks = sorted(p.relative_to(nbs) for p in nbs.rglob('*.ipynb')
                       if not any(s.startswith(('.', '_')) for s in p.relative_to(nbs).parts))
    if not notebooks: errs.append(f'no notebooks in {nbs}')
    want = sorted(notebooks, key=lambda p: (p.stem != 'index', str(p)))
    want_html = [str(p.with_suffix('.html')) for p in want]

    # pages
    for nb, h in zip(want, want_html):
        if not (site/h).exists(): errs.append(f'{nb}: no page {h}')
    if 'index.html' not in want_html: errs.append('nbs/index.ipynb missing: the site has no home page')

    katex_css = site/'site_libs'/'katex'/'katex.min.css'
    if not katex_css.exists(): errs.append('site_libs/katex/katex.min.css missing')
    elif not list((katex_css.parent/'fonts').glob('*.woff2')): errs.append('KaTeX fonts missing')

    for nb, h in zip(want, want_html):
        p = (site/h).resolve()
        if p not in texts: continue
        txt = texts[p][0]
        # sidebar
        sb = sidebar_entries(txt)
        if sb is None: errs.append(f'{h}: no sidebar')
        else:
            hrefs = [str((p.parent/x).resolve().relative_to(site)) if not re.match(r'^[a-z]+:', x) else x for x, _ in sb]
            if hrefs != want_html: errs.append(f'{h}: sidebar lists {hrefs}, expected {want_html}')
            if any(t.endswith(('.yml', '.yaml')) or not t for _, t in sb): errs.append(f'{h}: sidebar entry without a title or a yml file: {sb}')
        # maths
        for ok, chunk in segments(txt):
            if not ok: continue
            vis = html.unescape(chunk)
            if '$$' in vis or re.search(r'\\\(|\\\[', vis) or find_math(chunk) or TEX_CMD.search(vis):
                errs.append(f'{h}: raw TeX in the text: {vis.strip()[:120]!r}')
        for m in re.finditer(r'<span class="math (?:inline|display)">(.{0,40})', txt, re.S):
            if not m.group(1).startswith('<span class="katex'): errs.append(f'{h}: maths not typeset: {m.group(1)!r}')
        if 'katex-error' in txt: errs.append(f'{h}: KaTeX could not parse some TeX (katex-error)')
        if nb_has_math(nbs/nb) and 'class="katex"' not in txt: errs.append(f'{h}: the notebook has maths, the page no KaTeX markup')
        if 'class="katex"' in txt and not any('katex.min.css' in t and not re.search(r'href="(https?:)?//', t) for t in LINK_TAG.findall(txt)):
            errs.append(f'{h}: KaTeX markup without the local katex.min.css')
        # tables, images, previous/next
        for t in pipe_tables(txt): errs.append(f'{h}: a Markdown pipe table shown as text: {t!r}')
        for t in unstyled_tables(txt): errs.append(f'{h}: {t}')
        if '<table' in txt and not re.search(r'<link\b[^>]*href="(?:\.\./)*styles\.css"', txt): errs.append(f'{h}: tables, but the page does not link styles.css')
        for t in images_without_alt(txt): errs.append(f'{h}: image without alt text: {t!r}')
        nav = page_nav(txt)
        i = want_html.index(h)
        exp = (want_html[i - 1] if i > 0 else None, want_html[i + 1] if i + 1 < len(want_html) else None)
        if nav is None: errs.append(f'{h}: no previous/next links (nav.page-navigation)')
        else:
            got = tuple(str((p.parent/x).resolve().relative_to(site)) if x else None for x in nav)
            if got != exp: errs.append(f'{h}: previous/next links go to {got}, expected {exp} (sidebar order)')
        if 'smalldocs-search' in txt and (site/'search.json').exists() and 'site_libs/search-index.js' not in txt:
            errs.append(f'{h}: has a search box but does not load site_libs/search-index.js (search fails from file://)')
        # outputs
        pnb = (proc/nb) if proc else None
        if pnb and pnb.exists():
            png, sd, tab = proc_counts(pnb)
            n_img = len(re.findall(r'<img\b[^>]*src="(?:data:image/png|[^"]+\.png)', txt))
            if n_img < png: errs.append(f'{h}: {png} plot(s) in the notebook, {n_img} PNG image(s) on the page')
            n_sd = len(re.findall(r'<div class="cell-output cell-output-display cell-output-markdown">\s*<hr\s*/?>', txt))
            if n_sd < sd: errs.append(f'{h}: {sd} show_doc output(s) in the notebook, {n_sd} on the page')
            if tab and txt.count('<table') < tab: errs.append(f'{h}: show_doc parameter tables missing')

    css = site/'styles.css'
    if not css.exists() or 'table.imbal-table' not in css.read_text(encoding='utf-8', errors='replace'):
        errs.append('styles.css missing or without the table style (table.imbal-table)')
    errs += search_problems(site)

    # claims ledger
    claims, cpage = (results/'claims.csv') if results else None, site/'17_claims.html'
    if not claims or not claims.exists(): notes.append('claims check skipped: no results/claims.csv')
    elif not cpage.exists(): notes.append('claims check skipped: the site has no 17_claims.html')
    else:
        ctext = html.unescape(re.sub(r'<[^>]+>', ' ', cpage.read_text(encoding='utf-8', errors='replace')))
        ids = claim_ids(claims)
        missing = [c for c in ids if not re.search(r'(?<![\w-])' + re.escape(c) + r'(?![\w-])', ctext)]
        for c in missing[:20]: errs.append(f'17_claims.html: claim {c} of {claims.name} is not on the page')
        if len(missing) > 20: errs.append(f'17_claims.html: {len(missing) - 20} more claims missing')
        notes.append(f'claims: {len(ids) - len(missing)}/{len(ids)} ids of results/claims.csv on 17_claims.html')

    # offline and links, over every page and the site's CSS
    for p, (txt, _) in texts.items():
        rel = p.relative_to(site)
        for m in REMOTE_TAG.finditer(txt): errs.append(f'{rel}: needs the network: {m.group(0)[:120]}')
        for m in re.finditer(r'<style\b[^>]*>(.*?)</style>|style="([^"]*)"', txt, re.S):
            if CSS_REMOTE.search(m.group(1) or m.group(2) or ''): errs.append(f'{rel}: CSS loads from the network')
        for _, url in ATTR.findall(txt):
            check_local(html.unescape(url), p, site, texts, errs, str(rel))
    for css in site.rglob('*.css'):
        t = css.read_text(encoding='utf-8', errors='replace')
        if CSS_REMOTE.search(t): errs.append(f'{css.relative_to(site)}: CSS loads from the network')
        for url in CSS_URL.findall(t):
            if not url.startswith(('data:', '#')): check_local(url.split('?')[0].split('#')[0], css, site, texts, errs, str(css.relative_to(site)))
    return errs


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('site', nargs='?', type=Path, default=ROOT/'_site')
    ap.add_argument('--nbs', type=Path, default=ROOT/'nbs')
    ap.add_argument('--proc', type=Path, default=ROOT/'_proc', help='processed notebooks, for the output checks')
    ap.add_argument('--results', type=Path, default=ROOT/'results', help='results/ (for claims.csv)')
    a = ap.parse_args(argv)
    proc = a.proc if a.proc and a.proc.is_dir() else None
    notes = []
    errs = check(a.site, a.nbs.resolve(), proc.resolve() if proc else None, a.results, notes)
    for n_ in notes: print('check_site: ' + n_)
    n = len(list(a.site.rglob('*.html'))) if a.site.is_dir() else 0
    if errs:
        print(f'check_site: {len(errs)} problem(s) in {a.site} ({n} pages):')
        for e in errs[:200]: print('  ' + e)
        return 1
    print(f'check_site: OK, {n} pages in {a.site}: all notebooks have pages, maths typeset, offline, no broken links, tables styled, images with alt, previous/next links, search TeX-free')
    return 0


if __name__ == '__main__':
    sys.exit(main())
