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
- tables (pandas' HTML, Markdown tables, show_doc's parameter tables) get the class `imbal-table` (styled in
  nbs/styles.css: padding, row rules, tabular numbers), sit in a box that scrolls when too wide (`sd-table`),
  numeric cells get the class `num` (right-aligned); in cell outputs long float text is rounded to 4 significant
  digits (per column, one number of decimals) and integral floats ("283268.000") are shown as integers;
- every image gets alt text: its figure caption, else "Figure N of <page title>" (and the section it is in);
- the search index (search.json, written by smalldocs with the TeX of the maths as plain text) gets the maths as
  readable text (from KaTeX's MathML) and is also written as site_libs/search-index.js, loaded by a <script>
  tag, so that search works from file:// (where fetch() of search.json fails); smalldocs.js is patched to use it.
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


# ---- tables

NUM = re.compile(r'^[-+\u2212]?(?:\d[\d,]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?%?$')
NUMISH = re.compile(r'^(?:[-+\u2212]?(?:\d[\d,]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?%?|nan|NaN|inf|-inf|—|–|-|n/a|None)'
                    r'(?:\s*(?:±|\+/-|\u00b1)\s*[-+]?(?:\d+\.?\d*|\.\d+)%?)?(?:\s*\([^()]*\))?\s*[*†‡]*$')
FLOAT = re.compile(r'^([-+\u2212]?)(\d+)\.(\d+)$')
LONG_FLOAT = re.compile(r'(?<![\w.])([-+]?\d+\.\d{6,})(?![\w.])')
CELL = re.compile(r'(<(td|th)\b([^>]*)>)(.*?)(</\2>)', re.S)
ROW = re.compile(r'<tr\b[^>]*>.*?</tr>', re.S)


def sig4_decimals(txt: str) -> int:
    "Decimals that show a float given as text with 4 significant digits (at least 0)."
    x = abs(float(txt))
    if x == 0: return 0
    import math
    return max(0, 3 - math.floor(math.log10(x)))


def format_column(vals: list) -> list:
    "Round one column's float texts: integral floats as integers, long floats to 4 significant digits (one decimals count)."
    ms = [FLOAT.match(v.strip()) for v in vals]
    fl = [m for m in ms if m]
    if not fl or len(fl) < sum(1 for v in vals if v.strip() and v.strip().lower() not in ('nan', '')): return vals
    if all(set(m.group(3)) == {'0'} for m in fl):   # integral floats: 283268.000 -> 283268
        return [f'{m.group(1)}{m.group(2)}' if m else v for v, m in zip(vals, ms)]
    n_dec = max(len(m.group(3)) for m in fl)
    if n_dec <= 4: return vals                       # already short: leave the notebook's own format
    xs = sorted(abs(float(m.group(0).replace('\u2212', '-'))) for m in fl)
    nz = [x for x in xs if x]
    want = min(n_dec, sig4_decimals(str(nz[len(nz) // 2])) if nz else 0)   # 4 significant digits of the median
    def one(v, m):
        if not m: return v
        x = float(m.group(0).replace('\u2212', '-'))
        d = want if x == 0 or abs(x) >= 10 ** (1 - want) else min(n_dec, sig4_decimals(str(x)))  # tiny: its own 4 digits
        return f'{x:.{d}f}'
    return [one(v, m) for v, m in zip(vals, ms)]


def add_class(tag: str, cls: str) -> str:
    "Add a class to an opening tag."
    if re.search(r'\bclass="', tag): return re.sub(r'\bclass="([^"]*)"', lambda m: f'class="{m.group(1)} {cls}"'.replace('" ', '"'), tag, count=1)
    return tag[:-1].rstrip('/') + f' class="{cls}">'


def style_table(t: str, in_output: bool) -> str:
    "One `<table>...</table>`: class imbal-table, numeric cells `num`, in outputs rounded floats."
    open_tag = re.match(r'<table\b[^>]*>', t).group(0)
    new_open = re.sub(r'\s+border="\d+"', '', open_tag)
    if 'imbal-table' not in new_open: new_open = add_class(new_open, 'imbal-table')
    t = new_open + t[len(open_tag):]
    head_m = re.search(r'<thead\b.*?</thead>', t, re.S)
    body_m = re.search(r'<tbody\b.*?</tbody>', t, re.S)
    body_start = body_m.start() if body_m else (head_m.end() if head_m else 0)
    body = t[body_start:body_m.end() if body_m else len(t)]
    rows = ROW.findall(body)
    grid = [[(c.group(2), c.group(4)) for c in CELL.finditer(r)] for r in rows]
    if not grid: return t
    ncol = max(len(r) for r in grid)
    # columns: plain text cells only (no tags, no colspans) take part in number formatting
    col_vals = {j: [r[j][1] for r in grid if j < len(r)] for j in range(ncol)}
    fmt = {}
    for j, vals in col_vals.items():
        plain = [v for v in vals if '<' not in v]
        if in_output and len(plain) == len(vals): fmt[j] = format_column([html.unescape(v) for v in vals])
    numeric = {j for j, vals in col_vals.items()
               if any(v.strip() for v in vals) and all(NUMISH.match(html.unescape(re.sub(r'<[^>]+>', '', v)).strip()) or not v.strip()
                                                       for v in vals) and any(NUM.match(html.unescape(re.sub(r'<[^>]+>', '', v)).strip().split(' ')[0].rstrip('*')) for v in vals)}
    out_rows = []
    for i, r in enumerate(rows):
        j = -1
        def cell(m):
            nonlocal j
            j += 1
            tag, content = m.group(1), m.group(4)
            if 'colspan' in m.group(3): return m.group(0)
            if j in fmt and m.group(2) == 'td': content = html.escape(fmt[j][i] if i < len(fmt[j]) else html.unescape(content), quote=False)
            elif in_output and m.group(2) == 'td' and '<' not in content:
                content = LONG_FLOAT.sub(lambda x: f'{float(x.group(1)):.{min(len(x.group(1).split(".")[1]), sig4_decimals(x.group(1)) if float(x.group(1)) else 0)}f}', content)
            if j in numeric: tag = add_class(tag, 'num')
            return tag + content + m.group(5)
        out_rows.append(CELL.sub(cell, r))
    it = iter(out_rows)
    body2 = ROW.sub(lambda m: next(it), body)
    t = t[:body_start] + body2 + t[body_start + len(body):]
    if head_m and numeric:   # the header cells above numeric columns are right-aligned too (a one-row header)
        hrows = ROW.findall(head_m.group(0))
        if len(hrows) == 1 and 'colspan' not in hrows[0]:
            j = -1
            def hcell(m):
                nonlocal j
                j += 1
                return (add_class(m.group(1), 'num') if j in numeric else m.group(1)) + m.group(4) + m.group(5)
            t = t.replace(hrows[0], CELL.sub(hcell, hrows[0]), 1)
    return t


def style_tables(txt: str) -> tuple:
    "Style every table of a page and put each in a scroll box; returns (page, number of tables)."
    out, pos, n, stack = [], 0, 0, []
    parts = TOKEN.split(txt)
    res, i = [], 0
    while i < len(parts):
        part = parts[i]
        m = TAGNAME.match(part) if part.startswith('<') and not part.startswith('<!--') else None
        if m and m.group(2).lower() == 'table' and not m.group(1):
            # collect the whole table (tables do not nest in notebook output)
            j, buf = i, []
            while j < len(parts):
                buf.append(parts[j])
                mm = TAGNAME.match(parts[j]) if parts[j].startswith('<') else None
                if mm and mm.group(1) and mm.group(2).lower() == 'table': break
                j += 1
            t = ''.join(buf)
            in_output = any('cell-output' in c for _, c in stack)
            boxed = bool(stack) and stack[-1][0] == 'div' and re.search(r'\bsd-table\b', stack[-1][1])
            t = style_table(t, in_output)
            res.append(t if boxed else f'<div class="sd-table imbal-scroll">{t}</div>')
            n += 1; i = j + 1; continue
        if m and m.group(2).lower() not in VOID and not part.rstrip().endswith('/>'):
            name = m.group(2).lower()
            if m.group(1):
                for k in range(len(stack) - 1, -1, -1):
                    if stack[k][0] == name: del stack[k:]; break
            else:
                cm = re.search(r'\bclass="([^"]*)"', part)
                stack.append((name, cm.group(1) if cm else ''))
        res.append(part); i += 1
    return ''.join(res), n


def alt_texts(txt: str, title: str) -> str:
    "Give every `<img>` without alt text one: its figure's caption, else 'Figure N of <title>' and its section."
    n = 0
    def fix(m):
        nonlocal n
        tag = m.group(0)
        if re.search(r'\balt="[^"]', tag): return tag
        n += 1
        after = txt[m.end():m.end() + 400]
        cap = re.search(r'^\s*(?:</p>)?\s*<figcaption[^>]*>(.*?)</figcaption>', after, re.S)
        if cap: alt = re.sub(r'\s+', ' ', html.unescape(re.sub(r'<[^>]+>', '', cap.group(1)))).strip()
        else:
            heads = re.findall(r'<h[1-4]\b[^>]*>(.*?)</h[1-4]>', txt[:m.start()], re.S)
            sec = re.sub(r'\s+', ' ', html.unescape(re.sub(r'<annotation\b.*?</annotation>|<[^>]+>', ' ', heads[-1]))).strip() if heads else ''
            alt = f'Figure {n} of {title}' + (f' (section: {sec})' if sec and sec != title else '')
        tag = re.sub(r'\s+alt=""', '', tag)
        return tag[:4] + f' alt="{html.escape(alt)}"' + tag[4:]
    return re.sub(r'<img\b[^>]*>', fix, txt)


# ---- search: the maths as text, the index as a script

def mathml_text(h: str) -> str:
    "Plain text of KaTeX's MathML (sub/superscripts as _ and ^, fractions as a/b), for the search index."
    m = re.search(r'<math\b.*?</math>', h, re.S)
    if not m: return re.sub(r'<[^>]+>', '', h)
    import xml.etree.ElementTree as ET
    src = re.sub(r'<annotation\b.*?</annotation>', '', m.group(0), flags=re.S)
    src = re.sub(r'\sxmlns="[^"]*"', '', src)
    try: root = ET.fromstring(src)
    except ET.ParseError: return html.unescape(re.sub(r'<[^>]+>', '', src))
    REL = set('=<>≤≥≠≈∈∉⊂⊆→←↦∝∼≡')
    def grp(s): return s if len(s) <= 1 or re.fullmatch(r'\w+', s) else f'({s})'
    def walk(e) -> str:
        tag = e.tag.split('}')[-1]; kids = list(e)
        if tag in ('mi', 'mn', 'mtext', 'ms'): return (e.text or '')
        if tag == 'mo':
            t = (e.text or '').strip()
            return f' {t} ' if t in REL else ', ' if t == ',' else t
        if tag == 'mspace': return ' '
        if tag in ('msub', 'msup') and len(kids) == 2: return walk(kids[0]) + ('_' if tag == 'msub' else '^') + grp(walk(kids[1]).strip())
        if tag == 'msubsup' and len(kids) == 3: return walk(kids[0]) + '_' + grp(walk(kids[1]).strip()) + '^' + grp(walk(kids[2]).strip())
        ACC = {'^': '\u0302', 'ˆ': '\u0302', '~': '\u0303', '˜': '\u0303', '¯': '\u0304', 'ˉ': '\u0304', '‾': '\u0305',
               '˙': '\u0307', '¨': '\u0308', '→': '\u20d7'}
        if tag == 'mover' and len(kids) == 2 and (kids[1].text or '').strip() in ACC:
            base = walk(kids[0]).strip()
            return base + ACC[(kids[1].text or '').strip()] if len(base) == 1 else f'{base}{(kids[1].text or "").strip()}'
        if tag in ('munder', 'mover', 'munderover'): return walk(kids[0]) + ''.join(('_' if k == 1 and tag != 'mover' else '^') + grp(walk(x).strip()) for k, x in enumerate(kids[1:], 1))
        if tag == 'mfrac' and len(kids) == 2: return grp(walk(kids[0]).strip()) + '/' + grp(walk(kids[1]).strip())
        if tag == 'msqrt': return '√' + grp(''.join(walk(k) for k in kids).strip())
        return (e.text or '') + ''.join(walk(k) + (k.tail or '') for k in kids)
    return re.sub(r'\s+', ' ', walk(root)).strip()


TEX_LEFT = re.compile(r'\\(?:[A-Za-z]+\*?(?:\{[^{}]*\})*|[,;:! ])')
GREEK = dict(alpha='α', beta='β', gamma='γ', delta='δ', epsilon='ε', varepsilon='ε', zeta='ζ', eta='η', theta='θ',
             iota='ι', kappa='κ', lambda_='λ', mu='μ', nu='ν', xi='ξ', pi='π', rho='ρ', sigma='σ', tau='τ', phi='ϕ',
             varphi='φ', chi='χ', psi='ψ', omega='ω', Gamma='Γ', Delta='Δ', Theta='Θ', Lambda='Λ', Sigma='Σ', Phi='Φ',
             Omega='Ω', ell='ℓ', infty='∞', le='≤', leq='≤', ge='≥', geq='≥', ne='≠', neq='≠', approx='≈', sim='∼',
             in_='∈', to='→', rightarrow='→', mapsto='↦', times='×', cdot='·', pm='±', sum='∑', prod='∏', int='∫',
             partial='∂', nabla='∇', propto='∝', mid='∣', dots='…', ldots='…', cdots='⋯', star='⋆')


def tex_text(t: str) -> str:
    "A rough plain-text form of TeX that no typeset maths of the site matched (the search index's fallback)."
    def cmd(m):
        c = m.group(1)
        if c in ('mathbb', 'mathrm', 'mathbf', 'mathcal', 'text', 'operatorname', 'boldsymbol', 'mathit', 'textrm', 'textbf'):
            return m.group(2) or ''
        if c in GREEK or c + '_' in GREEK: return GREEK.get(c, GREEK.get(c + '_')) + (m.group(2) or '')
        if c in ('left', 'right', 'big', 'Big', 'bigg', 'Bigg', 'bigl', 'bigr', 'Bigl', 'Bigr', 'displaystyle', 'quad', 'qquad'): return m.group(2) or ''
        return c + (m.group(2) or '')
    t = re.sub(r'\\([A-Za-z]+)\*?(?:\{([^{}]*)\})?', cmd, t)
    return re.sub(r'\\[,;:! ]', ' ', t).replace('{', '').replace('}', '')


def search_index(site: Path, jobs: dict) -> int:
    "Replace the TeX in search.json by readable text, write site_libs/search-index.js; return the entries' count."
    f = site/'search.json'
    if not f.exists(): return 0
    entries = json.loads(f.read_text(encoding='utf-8'))
    texts, ws = {}, lambda t: re.sub(r'\s+', ' ', t).strip()
    for (tex, disp), o in jobs.items():
        if o and not o.get('error') and re.search(r'[\\_^{]', tex): texts.setdefault(ws(tex), mathml_text(o['html']))
    if texts:   # the TeX as the page has it, whitespace (newlines in the notebook) matching any whitespace
        alt = re.compile('|'.join(r'\s+'.join(map(re.escape, t.split(' '))) for t in sorted(texts, key=len, reverse=True) if t))
        def clean(s):
            s = alt.sub(lambda m: texts[ws(m.group(0))], s)
            # what is still TeX-like (delimiters left in, maths smalldocs wrote differently) goes through find_math
            for a, b, tex, _ in reversed(find_math(s)):
                s = s[:a] + texts.get(ws(tex), tex_text(tex)) + s[b:]
            s = s.replace('\\(', '').replace('\\)', '').replace('\\[', '').replace('\\]', '')
            return TEX_LEFT.sub(lambda m: tex_text(m.group(0)), s) if TEX_LEFT.search(s) else s
        for e in entries:
            for k in ('title', 'section', 'text'):
                if e.get(k): e[k] = clean(e[k])
    f.write_text(json.dumps(entries, ensure_ascii=False), encoding='utf-8')
    (site/'site_libs'/'search-index.js').write_text(
        '// the search index of search.json as a script, so that search works from file://\n'
        'window.smalldocsSearchIndex = ' + json.dumps(entries, ensure_ascii=False) + ';\n', encoding='utf-8')
    return len(entries)


SEARCH_FETCH = 'const r = await fetch(offset + "search.json");\n      index = await r.json();'
SEARCH_NEW = ('if (window.smalldocsSearchIndex) { index = window.smalldocsSearchIndex; }\n'
              '      else { const r = await fetch(offset + "search.json"); index = await r.json(); }')
SEARCH_NONE = """show('<div class="search-none">No results</div>');"""
SEARCH_NONE_NEW = ("""show(index.length ? '<div class="search-none">No results</div>' : '<div class="search-none">The search '"""
                   """+ 'index did not load. Serve the site: <code>python -m http.server -d _site</code>, then open '"""
                   """+ 'http://localhost:8000/</div>');""")


def patch_search_js(site: Path) -> bool:
    "Make smalldocs.js read window.smalldocsSearchIndex (site_libs/search-index.js) before fetching search.json."
    js = site/'site_libs'/'smalldocs.js'
    if not js.exists(): return False
    t = js.read_text(encoding='utf-8')
    if 'smalldocsSearchIndex' in t: return True
    if SEARCH_FETCH not in t or SEARCH_NONE not in t:
        print('  warning: smalldocs.js has changed, search from file:// not patched', file=sys.stderr); return False
    js.write_text(t.replace(SEARCH_FETCH, SEARCH_NEW).replace(SEARCH_NONE, SEARCH_NONE_NEW), encoding='utf-8')
    return True


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
    errors, n_math, n_tab = [], 0, 0
    n_search = search_index(site, jobs)
    search_js = n_search > 0 and patch_search_js(site)
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
        txt, nt = style_tables(toc_from_headings(txt)); n_tab += nt
        tm = re.search(r'<title>(.*?)</title>', txt, re.S)
        title = re.sub(r'\s+[–-]\s+[^–-]*$', '', html.unescape(tm.group(1)).strip()) if tm else p.stem
        txt = alt_texts(txt, title)
        if search_js and 'search-index.js' not in txt:
            tag = f'<script src="{rel_prefix(p, site)}site_libs/search-index.js" defer></script>'
            txt = re.sub(r'(<script src="[^"]*site_libs/smalldocs\.js")', tag + '\n' + r'\1', txt, count=1) \
                if 'site_libs/smalldocs.js' in txt else txt.replace('</head>', tag + '\n</head>', 1)
        texts[p] = txt
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
    print(f'  styled {n_tab} table(s); search index: {n_search} entries' + (' (also as site_libs/search-index.js, for file://)' if search_js else ''))
    print(f'  typeset {n_math} maths ({len(keys)} distinct) on {len(pages)} page(s); KaTeX errors: {len(errors)}')
    for e in errors: print('  KaTeX error: ' + e, file=sys.stderr)


if __name__ == '__main__':
    main()
