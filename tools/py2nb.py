#!/usr/bin/env python
"""Author helper: turn a percent-format script into a notebook (the notebook is the source of truth).

Cells start with a line `# %%` (code) or `# %% [markdown]` (markdown; each line's leading `# ` is removed).
Usage: python tools/py2nb.py scratch.py nbs/10_x.ipynb
"""
import json, re, sys

def convert(text):
    cells, kind, buf = [], None, []
    def flush():
        if kind is None: return
        lines = buf[:]
        while lines and not lines[-1].strip(): lines.pop()
        while lines and not lines[0].strip(): lines.pop(0)
        if kind == 'markdown': lines = [re.sub(r'^# ?', '', l) for l in lines]
        if not lines: return
        src = [l + '\n' for l in lines]; src[-1] = src[-1].rstrip('\n')
        c = {'cell_type': kind, 'metadata': {}, 'source': src}
        if kind == 'code': c.update(execution_count=None, outputs=[])
        cells.append(c)
    for line in text.splitlines():
        m = re.match(r'^# %%( \[markdown\])?\s*$', line)
        if m:
            flush(); kind = 'markdown' if m.group(1) else 'code'; buf = []
        elif kind is not None: buf.append(line)
    flush()
    return {'cells': cells, 'metadata': {'kernelspec': {'display_name': 'python3', 'language': 'python', 'name': 'python3'}},
            'nbformat': 4, 'nbformat_minor': 4}

if __name__ == '__main__':
    src, dst = sys.argv[1], sys.argv[2]
    with open(dst, 'w') as f: json.dump(convert(open(src).read()), f, indent=1); f.write('\n')
