#!/usr/bin/env python
"""Make the rendered site self-contained: typeset all maths with KaTeX at build time, ship KaTeX's CSS and fonts.

smalldocs writes maths as `\\(...\\)` / `\\[...\\]` inside `<span class="math ...">` and loads KaTeX and its
auto-render script from a CDN, so offline the reader sees raw TeX. Here every page is rewritten:
- each `\\(...\\)`, `\\[...\\]` and any `$$...$$` / `$...$` left in the text (outside `pre`, `code`, `script`,
  `style`, `textarea`) is replaced by KaTeX's HTML (+ MathML), rendered by node (tools/docs/katex_render.js)
  in one batch for the whole site;
- the CDN `<link>`/`<script>` tags are dropped and `site_libs/katex/katex.min.css` (with its fonts) is linked;
- the theme's `@import` of web fonts is dropped (the browser uses the next family of the theme's font stack);
- links to our own published pages (`doc_host` + `doc_baseurl` + `core.html#x`, nbdev's doc links) point to the
  local page (`00_core.html#x`), using the `output-file` each processed notebook declares.
TeX that KaTeX cannot parse is still shown (in red, inside `.katex-error`) and listed here; tools/check_site.py
then fails on it.
Standard library only.

Usage: postprocess.py SITE_DIR --katex DIR_OF_KATEX_DIST [--proc _proc] [--doc-url URL]
"""
import argparse, html, json, re, shutil, subprocess, sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SKIP = {'pre', 'code', 'script', 'style', 'textarea', 'math', 'svg'}
TOKEN = re.compile(r'(<!--.*?-->|<[^>]*>)', re.S)
TAGNAME = re.compile(r'<\s*(/?)\s*([a-zA-Z0-9]+)')
VOID = {'br', 'img', 'hr', 'meta', 'link', 'input', 'source', 'col', 'area', 'base', 'wbr', 'embed', 'track'}
# maths in text: \[..\] and $$..$$ (display), \(..\) and $..$ (inline, Pandoc's rule: no space inside the
# delimiters, the closing $ not followed by a digit, \$ is a literal dollar)
MATH = re.compile(r'\\\[(?P<d1>.+?)\\\]|(?<![\\$])\$\$(?P<d2>.+?)(?<!\\)\$\$|\\\((?P<i1>.+?)\\\)'
                  r'|(?<![\\$])\$(?P<i2>[^\s$](?:[^$]*?[^\s\\$])?)\$(?![$\d])'
                  # sloppy TeX that Pandoc leaves alone (`$a = $`, a space inside): on one line, with a TeX command
                  r'|(?<![\\$])\$(?P<i3>[^$\n]*?\\[A-Za-z][^$\n]*?)(?<!\\)\$(?!\$)', re.S)
CDN = re.compile(r'<(?:link|script)\b[^>]*(?:href|src)="https?://[^"]*katex[^"]*"[^>]*>(?:\s*</script>)?', re.I)


def segments(page: str):
    "Split a page into (is_text_outside_skipped_elements, chunk) pieces."
    depth, out = [], []
    for part in TOKEN.split(page):
        if not part: continue
        if part.startswith('<'):
            m = TAGNAME.match(part)
            if m and not part.startswith('<!--'):
                closing, name = m.group(1) == '/', m.group(2).lower()
                if name in SKIP and name not in VOID:
                    if closing:
                        if name in depth: depth = depth[:len(depth) - 1 - depth[::-1].index(name)]
                    elif not part.rstrip().endswith('/>'): depth.append(name)
            out.append((False, part))
        else:
            out.append((not depth, part))
    return out


def find_math(text: str):
    "List (start, end, tex, display) of the maths in an HTML-escaped text chunk."
    res = []
    for m in MATH.finditer(text):
        key = next(k for k in ('d1', 'd2', 'i1', 'i2', 'i3') if m.group(k) is not None)
        tex = html.unescape(m.group(key)).strip()
        if tex: res.append((m.start(), m.end(), tex, key[0] == 'd'))
    return res


def rel_prefix(page: Path, site: Path) -> str:
    return '../' * (len(page.relative_to(site).parts) - 1)


def output_files(proc: Path) -> dict:
    "Map each processed notebook's declared `output-file` (e.g. core.html) to the page smalldocs writes."
    res = {}
    for nb in proc.rglob('*.ipynb'):
        try: cells = json.loads(nb.read_text())['cells']
        except Exception: continue
        for c in cells[:2]:
            m = re.search(r'^output-file:\s*(\S+)', ''.join(c.get('source', '')), re.M)
            if m:
                rel = nb.relative_to(proc)
                res[str(rel.parent / m.group(1)).lstrip('./')] = str(rel.with_suffix('.html'))
    return res


def toc_from_headings(txt: str) -> str:
    "Give the table of contents the typeset maths of the headings (smalldocs writes their TeX as plain text)."
    heads = {}
    for m in re.finditer(r'<h([1-6])\b([^>]*)>(.*?)</h\1>', txt, re.S):
        hid = re.search(r'\b(?:id|data-anchor-id)="([^"]+)"', m.group(2))
        if hid and 'class="katex"' in m.group(3): heads[hid.group(1)] = re.sub(r'<a\b[^>]*class="anchor[^"]*"[^>]*>.*?</a>', '', m.group(3))
    if not heads: return txt
    def fix(m):
        inner = heads.get(m.group(2))
        return m.group(1) + inner + '</a>' if inner else m.group(0)
    def fix_nav(nav): return re.sub(r'(<a href="#([^"]+)"[^>]*>)(?:(?!</a>).)*</a>', fix, nav.group(0), flags=re.S)
    return re.sub(r'<nav id="TOC".*?</nav>', fix_nav, txt, flags=re.S)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('site', type=Path)
    ap.add_argument('--katex', type=Path, default=HERE/'node_modules'/'katex'/'dist')
    ap.add_argument('--proc', type=Path, default=None)
    ap.add_argument('--doc-url', default='', help='the published site URL (doc_host + doc_baseurl)')
    a = ap.parse_args()
    site = a.site.resolve()
    pages = sorted(site.rglob('*.html'))
    texts = {p: p.read_text(encoding='utf-8') for p in pages}

    # 1. collect all maths of the site, typeset it in one node call
    found, jobs = {}, {}
    for p, txt in texts.items():
        segs = segments(txt)
        found[p] = [(i, find_math(chunk)) for i, (ok, chunk) in enumerate(segs) if ok]
        for _, ms in found[p]:
            for _, _, tex, disp in ms: jobs.setdefault((tex, disp), None)
        found[p] = (segs, found[p])
    keys = list(jobs)
    if keys:
        r = subprocess.run(['node', str(HERE/'katex_render.js')], input=json.dumps(keys), capture_output=True,
                           text=True, cwd=HERE)
        if r.returncode: sys.exit(f'KaTeX failed: {r.stderr}')
        for k, o in zip(keys, json.loads(r.stdout)): jobs[k] = o

    # 2. ship KaTeX's CSS and fonts
    dst = site/'site_libs'/'katex'
    if dst.exists(): shutil.rmtree(dst)
    dst.mkdir(parents=True)
    shutil.copy2(a.katex/'katex.min.css', dst/'katex.min.css')
    shutil.copytree(a.katex/'fonts', dst/'fonts')

    # 3. themes @import web fonts (Bootswatch: Google Fonts); offline, the font stack's next family is used
    for css in (site/'site_libs').rglob('*.css'):
        t = css.read_text(encoding='utf-8')
        t2 = re.sub(r'@import\s+url\((["\']?)https?://[^)]*\)\s*;?', '', t)
        if t2 != t: css.write_text(t2, encoding='utf-8')

    # 4. rewrite the pages
    local = output_files(a.proc) if a.proc else {}
    base = a.doc_url.rstrip('/') + '/' if a.doc_url else None
    errors, n_math = [], 0
    for p, (segs, hits) in found.items():
        segs = list(segs)
        for i, ms in hits:
            chunk, out, pos = segs[i][1], [], 0
            for s, e, tex, disp in ms:
                o = jobs[(tex, disp)]; n_math += 1
                if o['error']: errors.append(f'{p.relative_to(site)}: {o["error"]}')
                out += [chunk[pos:s], o['html']]; pos = e
            segs[i] = (True, ''.join(out) + chunk[pos:])
        txt = ''.join(c for _, c in segs)
        txt = CDN.sub('', txt)
        css = f'<link rel="stylesheet" href="{rel_prefix(p, site)}site_libs/katex/katex.min.css">'
        if 'site_libs/katex/katex.min.css' not in txt: txt = txt.replace('</head>', css + '\n</head>', 1)
        if base:
            def fix(m):
                path, frag = m.group(2), m.group(3) or ''
                target = local.get(path, path if (site/path).exists() else None)
                if target is None: return m.group(0)
                return f'{m.group(1)}"{rel_prefix(p, site)}{target}{frag}"'
            txt = re.sub(r'(href=)"' + re.escape(base) + r'([^"#]*\.html)(#[^"]*)?"', fix, txt)
        texts[p] = toc_from_headings(txt)
    # 5. nbdev links every backticked name it knows, private helpers too; unlink those with no entry on the page
    ids = {p: set(re.findall(r'\b(?:id|name)="([^"]+)"', t)) for p, t in texts.items()}
    n_dead = 0
    for p, txt in texts.items():
        def unlink(m):
            nonlocal n_dead
            tgt = (p.parent/m.group(1)).resolve() if m.group(1) else p
            if tgt in ids and m.group(2) not in ids[tgt]: n_dead += 1; return m.group(3)
            return m.group(0)
        txt = re.sub(r'<a href="((?:\.\./)*[^":#]*\.html)?#([^"]+)"[^>]*>(<code>[^<]*</code>)</a>', unlink, txt)
        p.write_text(txt, encoding='utf-8')
    if n_dead: print(f'  unlinked {n_dead} doc link(s) to names without a doc entry (private helpers)')
    print(f'  typeset {n_math} maths ({len(keys)} distinct) on {len(pages)} page(s); KaTeX errors: {len(errors)}')
    for e in errors: print('  KaTeX error: ' + e, file=sys.stderr)


if __name__ == '__main__':
    main()
