// Typeset TeX with KaTeX, server-side, for tools/docs/postprocess.py.
// stdin: JSON list of [tex, display] pairs. stdout: JSON list of {html, error} (error: null or KaTeX's message).
'use strict';
const katex = require('katex');
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  const items = JSON.parse(Buffer.concat(chunks).toString('utf8') || '[]');
  const out = items.map(([tex, display]) => {
    const opts = {displayMode: !!display, output: 'htmlAndMathml', strict: 'ignore', trust: false};
    try {
      return {html: katex.renderToString(tex, {...opts, throwOnError: true}), error: null};
    } catch (e) {
      // Still typeset what KaTeX can (it marks the bad part in red), wrapped in .katex-error so that
      // tools/check_site.py finds it, and report the error.
      const msg = String(e.message || e);
      const esc = msg.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
      return {html: `<span class="katex-error" title="${esc}">` +
                    katex.renderToString(tex, {...opts, throwOnError: false}) + '</span>', error: msg};
    }
  });
  process.stdout.write(JSON.stringify(out));
});
