#!/usr/bin/env python
"""Write README.md from nbs/index.ipynb without Quarto (nbdev 2's `nbdev_readme` needs Quarto).

Markdown cells are copied; visible code cells become ```python blocks; cells marked `#| echo: false` are
executed (in order, sharing one namespace) and, when their last line is a table (a DataFrame or its `.style`),
the table is inserted as Markdown instead of the code (links `<a href="NB.html">T</a>` become `[T](nbs/NB.ipynb)`);
cells marked `#| output: asis` are executed and their printed Markdown is inserted. So the results summary is
read from results/ files, never typed by hand. `#| hide` cells are left out.
"""
import ast, json, re, sys, contextlib, io, os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def directives(src):
    return {m.group(1).strip(): m.group(2).strip() for m in re.finditer(r'^#\|\s*([\w-]+:?)\s*(.*)$', src, re.M)}

def strip_directives(src): return re.sub(r'^#\|.*\n?', '', src, flags=re.M).strip()

def table_md(code, ns):
    "Run `code` in `ns`; if its last statement is an expression giving a DataFrame (or Styler), its Markdown table."
    tree = ast.parse(code); last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, '<index>', 'exec'), ns)
    if last is None: return ''
    val = eval(compile(ast.Expression(last.value), '<index>', 'eval'), ns)
    import pandas as pd
    from imbal_nb.core import md_table
    if hasattr(val, 'data') and isinstance(val.data, pd.DataFrame): val = val.data   # a Styler
    if not isinstance(val, pd.DataFrame): return ''
    val = val.map(lambda v: re.sub(r'<a href="([\w-]+)\.html(#[\w-]*)?">(.*?)</a>', r'[\3](nbs/\1.ipynb)', v) if isinstance(v, str) else v)
    return md_table(val)

def main():
    nb = json.loads((ROOT/'nbs'/'index.ipynb').read_text())
    out, ns = [], {}
    cwd = os.getcwd(); os.chdir(ROOT/'nbs')
    try:
        for c in nb['cells']:
            src = ''.join(c['source'])
            if c['cell_type'] == 'markdown':   # links to site pages become links to the notebooks
                out.append(re.sub(r'\]\(([\w-]+)\.html(#[\w-]*)?\)', r'](nbs/\1.ipynb)', src.strip())); continue
            d = directives(src); code = strip_directives(src)
            if 'hide' in d or 'default_exp' in d: continue
            if d.get('output:') == 'asis':
                buf = io.StringIO()
                with contextlib.redirect_stdout(buf): exec(code, ns)
                out.append(buf.getvalue().strip())
            elif d.get('echo:') == 'false': out.append(table_md(code, ns))
            else: out.append(f"```python\n{code}\n```")
    finally: os.chdir(cwd)
    text = "<!-- Generated from nbs/index.ipynb by tools/make_readme.py: edit the notebook, not this file. -->\n\n"
    text += '\n\n'.join(x for x in out if x) + '\n'
    (ROOT/'README.md').write_text(text)

if __name__ == '__main__': main()
