#!/usr/bin/env python
"""Author helper, the inverse of `tools/py2nb.py`: a clean notebook (no outputs) as a percent-format script.

Usage: python tools/nb2py.py nbs/10_x.ipynb scratch.py   (edit scratch.py, then python tools/py2nb.py scratch.py nbs/10_x.ipynb)
"""
import json, sys

def convert(nb):
    out = []
    for c in nb['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'markdown':
            out.append('# %% [markdown]'); out += [('# ' + l) if l else '#' for l in src.split('\n')]
        else: out.append('# %%'); out += src.split('\n')
        out.append('')
    return '\n'.join(out)

if __name__ == '__main__':
    src, dst = sys.argv[1], sys.argv[2]
    open(dst, 'w').write(convert(json.load(open(src))))
