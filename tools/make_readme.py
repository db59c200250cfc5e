#!/usr/bin/env python
"""Write README.md from nbs/index.ipynb without Quarto (nbdev 2's `nbdev_readme` needs Quarto).

Markdown cells are copied; visible code cells become ```python blocks; cells marked `#| output: asis` are
executed (each must be self-contained) and their printed Markdown is inserted instead of the code, so
the results summary is read from results/ files, never typed by hand. `#| hide` cells are left out.
"""
import json, re, sys, contextlib, io, os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def directives(src):
    return {m.group(1).strip(): m.group(2).strip() for m in re.finditer(r'^#\|\s*([\w-]+:?)\s*(.*)$', src, re.M)}

def strip_directives(src): return re.sub(r'^#\|.*\n?', '', src, flags=re.M).strip()

def main():
    nb = json.loads((ROOT/'nbs'/'index.ipynb').read_text())
    out, ns = [], {}
    cwd = os.getcwd(); os.chdir(ROOT/'nbs')
    try:
        for c in nb['cells']:
            src = ''.join(c['source'])
            if c['cell_type'] == 'markdown': out.append(src.strip()); continue
            d = directives(src); code = strip_directives(src)
            if 'hide' in d or 'default_exp' in d: continue
            if d.get('output:') == 'asis':
                buf = io.StringIO()
                with contextlib.redirect_stdout(buf): exec(code, ns)
                out.append(buf.getvalue().strip())
            elif d.get('echo:') != 'false': out.append(f"```python\n{code}\n```")
    finally: os.chdir(cwd)
    text = "<!-- Generated from nbs/index.ipynb by tools/make_readme.py: edit the notebook, not this file. -->\n\n"
    text += '\n\n'.join(x for x in out if x) + '\n'
    (ROOT/'README.md').write_text(text)

if __name__ == '__main__': main()
