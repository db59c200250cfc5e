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
Standard library only.

Usage: python tools/check_site.py [SITE_DIR=_site] [--nbs nbs] [--proc _proc]
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


def check(site: Path, nbs: Path, proc: Path | None) -> list:
    errs = []
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
        # outputs
        pnb = (proc/nb) if proc else None
        if pnb and pnb.exists():
            png, sd, tab = proc_counts(pnb)
            n_img = len(re.findall(r'<img\b[^>]*src="(?:data:image/png|[^"]+\.png)', txt))
            if n_img < png: errs.append(f'{h}: {png} plot(s) in the notebook, {n_img} PNG image(s) on the page')
            n_sd = len(re.findall(r'<div class="cell-output cell-output-display cell-output-markdown">\s*<hr\s*/?>', txt))
            if n_sd < sd: errs.append(f'{h}: {sd} show_doc output(s) in the notebook, {n_sd} on the page')
            if tab and txt.count('<table') < tab: errs.append(f'{h}: show_doc parameter tables missing')

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
    a = ap.parse_args(argv)
    proc = a.proc if a.proc and a.proc.is_dir() else None
    errs = check(a.site, a.nbs.resolve(), proc.resolve() if proc else None)
    n = len(list(a.site.rglob('*.html'))) if a.site.is_dir() else 0
    if errs:
        print(f'check_site: {len(errs)} problem(s) in {a.site} ({n} pages):')
        for e in errs[:200]: print('  ' + e)
        return 1
    print(f'check_site: OK, {n} pages in {a.site}: all notebooks have pages, maths typeset, offline, no broken links')
    return 0


if __name__ == '__main__':
    sys.exit(main())
