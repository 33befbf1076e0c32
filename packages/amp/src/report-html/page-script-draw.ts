/**
 * Part of the page's script (see page-script.ts, whose function scope it shares): SVG and HTML
 * element helpers, node labels, badges and tooltips, and `render`, which draws one graph.
 */
export const SCRIPT_DRAW = String.raw`
  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var key in attrs) e.setAttribute(key, attrs[key]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function html(name, text, cls) {
    var e = document.createElement(name);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function fitText(s, w) {
    var max = Math.max(1, Math.floor((w - 6) / 7));
    return s.length > max ? s.slice(0, Math.max(1, max - 1)) + '\u2026' : s;
  }
  function pathOf(p) {
    var d = 'M' + p[0] + ',' + p[1];
    for (var i = 2; i < p.length; i += 2) {
      var x0 = p[i - 2], y0 = p[i - 1], x1 = p[i], y1 = p[i + 1], my = (y0 + y1) / 2;
      d += 'C' + x0 + ',' + my + ' ' + x1 + ',' + my + ' ' + x1 + ',' + y1;
    }
    return d;
  }
  function badgeOf(n) {
    if (n.k === 'cast' && n.cast) return short(n.cast[1]);
    if (n.k !== 'op') return '';
    if (n.cv) return '16';
    return n.c === 'green' || n.c === 'gray' || n.c === 'red' ? '32' : '';
  }
  function short(dt) {
    return ({ float16: 'f16', bfloat16: 'bf16', float: 'f32', float32: 'f32' })[dt] || dt;
  }
  function nodeTitle(n) {
    var s = n.op + (n.n ? ' \u2018' + n.n + '\u2019' : '');
    if (n.r) s += '\n' + n.c + ' (' + n.r + ')' + (n.cv ? ', computes 16-bit' : '');
    if (n.why) s += '\n' + n.why;
    if (n.lc) s += '\n' + n.lc[0] + ': ' + n.lc[1];
    return s;
  }

  function render(gi) {
    var g = data.graphs[gi];
    st.g = gi; st.sel = -1; st.producers = null;
    while (scene.firstChild) scene.removeChild(scene.firstChild);
    var eg = el('g', { 'class': 'edges' }, null);
    var ng = el('g', { 'class': 'nodes' }, null);
    st.edgeEls = g.edges.map(function (e) {
      var p = el('path', { 'class': 'edge e-' + e.e, d: pathOf(e.p) }, eg);
      el('title', {}, p).textContent = e.v;
      return p;
    });
    st.els = g.nodes.map(function (n, i) {
      var cls = 'node c-' + n.c + ' k-' + n.k + (n.k === 'const' ? ' const' : '') + (n.cv ? ' cv' : '') + (n.sub ? ' has-sub' : '')
        + (n.lc ? (n.lc[0] === 'root-cause' ? ' loc-root' : ' loc-amp') : '');
      var grp = el('g', { 'class': cls, transform: 'translate(' + (n.x - n.w / 2) + ',' + n.y + ')', 'data-i': String(i) }, ng);
      var io = n.k === 'in' || n.k === 'out';
      var r = io ? n.h / 2 : (n.k === 'const' ? 8 : 4);
      el('rect', { width: n.w, height: n.h, rx: r, ry: r }, grp);
      var badge = badgeOf(n);
      var room = badge ? 16 : 0;
      var label = io ? n.n : (n.k === 'const' ? 'const' : n.op);
      el('text', { x: (n.w - room) / 2, y: n.h / 2, 'class': 'lbl' }, grp).textContent = fitText(label, n.w - room);
      if (badge) el('text', { x: n.w - 4, y: n.h / 2, 'class': 'badge' }, grp).textContent = badge;
      el('title', {}, grp).textContent = nodeTitle(n);
      return grp;
    });
    scene.appendChild(eg);
    scene.appendChild(ng);
    document.getElementById('drawn-count').textContent = String(g.nodeCount);
    titleEl.textContent = g.path + ' \u2014 ' + g.nodeCount + ' nodes';
    if (select) select.value = String(gi);
    details.classList.remove('open');
    st.mm = null;
    applyHighlights();
    applyFocus();
  }
`;
