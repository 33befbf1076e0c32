/**
 * The page's script (inline, ES2017, no dependencies): draws one graph of the embedded data as
 * SVG, with wheel zoom, drag pan, fit, a minimap, search by node name / op type / value name,
 * node details, colour focus from the legend, and links from the tables into the drawing.
 * It reads the data from `<script id="mixprec-data" type="application/json">` and writes text
 * only through `textContent`, never as HTML. Exposes `window.mixprecReport` for tests.
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('mixprec-data').textContent);
  var NS = 'http://www.w3.org/2000/svg';
  var svg = document.getElementById('graph-svg');
  var scene = document.getElementById('scene');
  var viewport = document.getElementById('viewport');
  var details = document.getElementById('details');
  var search = document.getElementById('search');
  var statusEl = document.getElementById('search-status');
  var select = document.getElementById('graph-select');
  var minimap = document.getElementById('minimap');
  var titleEl = document.getElementById('graph-title');
  var FILL = { green: '#8ce99a', gray: '#adb5bd', red: '#ff8787', none: '#dee2e6', cast: '#fab005', io: '#74c0fc', unknown: '#e9ecef' };
  var st = { g: -1, k: 1, tx: 0, ty: 0, els: [], edgeEls: [], sel: -1, matches: [], cur: -1, focus: null, mm: null, producers: null };

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

  // ---- view: zoom, pan, fit ----
  function size() { return { w: viewport.clientWidth || 800, h: viewport.clientHeight || 500 }; }
  function apply() {
    scene.setAttribute('transform', 'translate(' + st.tx + ',' + st.ty + ') scale(' + st.k + ')');
    svg.classList.toggle('far', st.k < 0.4);
    drawMinimap();
  }
  function clampK(k) { return Math.min(4, Math.max(0.01, k)); }
  function zoomAt(f, cx, cy) {
    var nk = clampK(st.k * f);
    st.tx = cx - (cx - st.tx) * nk / st.k;
    st.ty = cy - (cy - st.ty) * nk / st.k;
    st.k = nk;
    apply();
  }
  function fit() {
    var g = data.graphs[st.g], s = size();
    var k = Math.min(1.2, 0.96 * Math.min(s.w / g.width, s.h / g.height));
    st.k = clampK(k);
    st.tx = (s.w - g.width * st.k) / 2;
    st.ty = Math.max(0, (s.h - g.height * st.k) / 2);
    apply();
  }
  function initialView() {
    var g = data.graphs[st.g], s = size();
    var k = 0.96 * Math.min(s.w / g.width, s.h / g.height);
    if (k >= 0.35) { fit(); return; }
    // Too big to read when fitted: start readable at the top, centred on the first input.
    st.k = 0.8;
    var first = g.nodes[0];
    st.tx = g.width * st.k < s.w ? (s.w - g.width * st.k) / 2 : Math.min(0, s.w / 2 - (first ? first.x : 0) * st.k);
    st.ty = 0;
    apply();
  }
  function centreOn(i) {
    var n = data.graphs[st.g].nodes[i], s = size();
    if (st.k < 0.8) st.k = 1;
    st.tx = s.w / 2 - n.x * st.k;
    st.ty = s.h / 2 - (n.y + n.h / 2) * st.k;
    apply();
  }

  var drag = null;
  viewport.addEventListener('pointerdown', function (ev) {
    if (ev.button !== 0 || ev.target === minimap) return;
    drag = { x: ev.clientX, y: ev.clientY, tx: st.tx, ty: st.ty, moved: false, target: ev.target };
    viewport.setPointerCapture(ev.pointerId);
  });
  viewport.addEventListener('pointermove', function (ev) {
    if (!drag) return;
    var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    drag.moved = true;
    viewport.classList.add('dragging');
    st.tx = drag.tx + dx; st.ty = drag.ty + dy;
    apply();
  });
  viewport.addEventListener('pointerup', function () {
    if (!drag) return;
    var d = drag; drag = null;
    viewport.classList.remove('dragging');
    if (d.moved) return;
    var t = d.target && d.target.closest ? d.target.closest('.node') : null;
    if (t) selectNode(Number(t.getAttribute('data-i')), false);
    else clearSelection();
  });
  viewport.addEventListener('wheel', function (ev) {
    ev.preventDefault();
    var r = viewport.getBoundingClientRect();
    var unit = ev.deltaMode === 1 ? 0.05 : (ev.deltaMode === 2 ? 1 : 0.0015);
    zoomAt(Math.exp(-ev.deltaY * unit), ev.clientX - r.left, ev.clientY - r.top);
  }, { passive: false });
  document.getElementById('zoom-in').addEventListener('click', function () { var s = size(); zoomAt(1.25, s.w / 2, s.h / 2); });
  document.getElementById('zoom-out').addEventListener('click', function () { var s = size(); zoomAt(0.8, s.w / 2, s.h / 2); });
  document.getElementById('zoom-fit').addEventListener('click', fit);
  document.addEventListener('keydown', function (ev) {
    var tag = ev.target && ev.target.tagName;
    if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') return;
    var s = size();
    if (ev.key === '+' || ev.key === '=') zoomAt(1.25, s.w / 2, s.h / 2);
    else if (ev.key === '-') zoomAt(0.8, s.w / 2, s.h / 2);
    else if (ev.key === '0') fit();
    else if (ev.key === '/') { ev.preventDefault(); search.focus(); }
    else if (ev.key === 'Escape') clearSelection();
  });
  window.addEventListener('resize', function () { apply(); });

  // ---- minimap ----
  function drawMinimap() {
    if (!minimap || !minimap.getContext) return;
    var g = data.graphs[st.g];
    if (!st.mm) {
      var s = Math.min(180 / g.width, 200 / g.height);
      var w = Math.max(24, Math.round(g.width * s)), h = Math.max(24, Math.round(g.height * s));
      var base = document.createElement('canvas');
      base.width = w; base.height = h;
      var c = base.getContext('2d');
      c.fillStyle = '#fff'; c.fillRect(0, 0, w, h);
      g.nodes.forEach(function (n) {
        c.fillStyle = FILL[n.c] || '#ced4da';
        c.fillRect((n.x - n.w / 2) * s, n.y * s, Math.max(1, n.w * s), Math.max(1, n.h * s));
      });
      minimap.width = w; minimap.height = h;
      st.mm = { s: s, base: base };
    }
    var ctx = minimap.getContext('2d'), sz = size(), sc = st.mm.s;
    ctx.drawImage(st.mm.base, 0, 0);
    ctx.strokeStyle = '#d6336c'; ctx.lineWidth = 1.5;
    ctx.strokeRect(-st.tx / st.k * sc, -st.ty / st.k * sc, sz.w / st.k * sc, sz.h / st.k * sc);
  }
  function minimapJump(ev) {
    if (!st.mm) return;
    var r = minimap.getBoundingClientRect(), s = size();
    var gx = (ev.clientX - r.left) / st.mm.s, gy = (ev.clientY - r.top) / st.mm.s;
    st.tx = s.w / 2 - gx * st.k; st.ty = s.h / 2 - gy * st.k;
    apply();
  }
  if (minimap) {
    minimap.addEventListener('pointerdown', function (ev) { ev.stopPropagation(); minimap.setPointerCapture(ev.pointerId); minimapJump(ev); });
    minimap.addEventListener('pointermove', function (ev) { if (ev.buttons & 1) minimapJump(ev); });
  }

  // ---- selection and details ----
  function producers() {
    if (st.producers) return st.producers;
    var m = {};
    data.graphs[st.g].nodes.forEach(function (n, i) { (n.outs || []).forEach(function (o) { if (o[0] && n.k !== 'out') m[o[0]] = i; }); });
    st.producers = m;
    return m;
  }
  function clearSelection() {
    if (st.sel >= 0 && st.els[st.sel]) st.els[st.sel].classList.remove('sel');
    st.sel = -1;
    st.edgeEls.forEach(function (e) { e.classList.remove('hl'); });
    details.classList.remove('open');
  }
  function nodeLink(i, text) {
    var a = html('a', text);
    a.href = '#';
    a.addEventListener('click', function (ev) { ev.preventDefault(); centreOn(i); selectNode(i, false); });
    return a;
  }
  function row(tbody, key, value) {
    var tr = html('tr'), td = html('td');
    tr.appendChild(html('td', key));
    if (typeof value === 'string') td.textContent = value; else td.appendChild(value);
    tr.appendChild(td);
    tbody.appendChild(tr);
  }
  function selectNode(i, centre) {
    clearSelection();
    var g = data.graphs[st.g], n = g.nodes[i];
    if (!n) return;
    st.sel = i;
    st.els[i].classList.add('sel');
    g.edges.forEach(function (e, k) { if (e.s === i || e.t === i) st.edgeEls[k].classList.add('hl'); });
    if (centre) centreOn(i);
    while (details.firstChild) details.removeChild(details.firstChild);
    var close = html('button', '\u00d7', 'close');
    close.title = 'close (Esc)';
    close.addEventListener('click', clearSelection);
    details.appendChild(close);
    details.appendChild(html('h4', n.op + (n.n ? ' \u2014 ' + n.n : '')));
    var t = html('table'), tb = html('tbody');
    t.appendChild(tb);
    if (n.k !== 'in' && n.k !== 'out') {
      var chip = html('span', n.c, 'chip ' + n.c);
      row(tb, 'colour', chip);
      if (n.r) row(tb, 'rule', n.r);
      if (n.why) row(tb, 'reason', n.why);
      if (n.r) row(tb, 'computes', n.cv ? '16-bit' + (n.mat ? ' (materialized)' : '') : 'float32 / unchanged');
      if (n.acc) row(tb, 'accumulation', n.acc);
      if (n.od) row(tb, 'output dtype', n.od);
      if (n.cast) row(tb, 'inserted Cast', n.cast[0] + ' \u2192 ' + n.cast[1] + ' (' + n.cast[2] + ')');
      if (n.rt) row(tb, 'retargeted', n.rt[0] + ' \u2192 ' + n.rt[1]);
      if (n.lc) row(tb, n.lc[0], n.lc[1]);
      if (n.d) row(tb, 'domain', n.d);
    }
    row(tb, 'graph', g.path);
    var prod = producers();
    (n.ins || []).forEach(function (x, k) {
      if (x[2] === 'absent') { row(tb, 'in ' + k, '(none)'); return; }
      var span = html('span');
      var p = prod[x[0]];
      span.appendChild(p !== undefined ? nodeLink(p, x[0]) : html('span', x[0]));
      span.appendChild(html('span', ' ' + x[1] + (x[2] === 'node' ? '' : ' (' + x[2] + ')'), 'muted'));
      row(tb, n.k === 'out' ? 'value' : 'in ' + k, span);
    });
    (n.outs || []).forEach(function (x, k) {
      if (n.k === 'in') { row(tb, 'type', x[1]); return; }
      row(tb, 'out ' + k, x[0] + ' ' + x[1]);
    });
    var consumers = g.edges.filter(function (e) { return e.s === i; }).map(function (e) { return e.t; });
    if (consumers.length > 0) {
      var cs = html('span');
      consumers.slice(0, 40).forEach(function (c, k) {
        if (k > 0) cs.appendChild(document.createTextNode(', '));
        var m = g.nodes[c];
        cs.appendChild(nodeLink(c, m.k === 'out' ? 'output ' + m.n : m.op + (m.n ? ' ' + m.n : '')));
      });
      if (consumers.length > 40) cs.appendChild(document.createTextNode(' \u2026'));
      row(tb, 'used by', cs);
    }
    (n.sub || []).forEach(function (sg) {
      var a = html('a', data.graphs[sg].path);
      a.href = '#';
      a.addEventListener('click', function (ev) { ev.preventDefault(); showGraph(sg); });
      row(tb, 'body', a);
    });
    details.appendChild(t);
    if (g.parent) {
      var up = html('a', '\u2191 parent graph');
      up.href = '#';
      up.addEventListener('click', function (ev) { ev.preventDefault(); showGraph(g.parent[0]); centreOn(g.parent[1]); selectNode(g.parent[1], false); });
      details.appendChild(up);
    }
    details.classList.add('open');
  }
  function showGraph(gi) {
    render(gi);
    initialView();
  }

  // ---- search ----
  function runSearch() {
    var q = search.value.trim().toLowerCase();
    st.matches = []; st.cur = -1;
    if (q !== '') {
      var exact = [], partial = [];
      data.graphs.forEach(function (g, gi) {
        g.nodes.forEach(function (n, i) {
          var name = n.n.toLowerCase();
          if (name === q) { exact.push([gi, i]); return; }
          var hit = name.indexOf(q) >= 0 || n.op.toLowerCase().indexOf(q) >= 0;
          if (!hit && n.outs) for (var k = 0; k < n.outs.length; k++) if (n.outs[k][0].toLowerCase().indexOf(q) >= 0) { hit = true; break; }
          if (hit) partial.push([gi, i]);
        });
      });
      st.matches = exact.concat(partial);
    }
    if (st.matches.length > 0) { st.cur = 0; goToMatch(); }
    else { applyHighlights(); updateStatus(q); }
  }
  function updateStatus(q) {
    statusEl.textContent = st.matches.length > 0 ? (st.cur + 1) + ' / ' + st.matches.length : (q ? 'no match' : '');
  }
  function goToMatch() {
    var m = st.matches[st.cur];
    if (m[0] !== st.g) { render(m[0]); }
    applyHighlights();
    centreOn(m[1]);
    updateStatus('x');
  }
  function applyHighlights() {
    st.els.forEach(function (e) { e.classList.remove('match'); e.classList.remove('cur'); });
    st.matches.forEach(function (m, k) {
      if (m[0] !== st.g) return;
      st.els[m[1]].classList.add('match');
      if (k === st.cur) st.els[m[1]].classList.add('cur');
    });
  }
  search.addEventListener('input', runSearch);
  search.addEventListener('keydown', function (ev) {
    if (ev.key !== 'Enter' || st.matches.length === 0) return;
    ev.preventDefault();
    st.cur = (st.cur + (ev.shiftKey ? st.matches.length - 1 : 1)) % st.matches.length;
    goToMatch();
    if (ev.altKey) selectNode(st.matches[st.cur][1], false);
  });

  // ---- legend focus ----
  function applyFocus() {
    var f = st.focus, nodes = data.graphs[st.g].nodes;
    st.els.forEach(function (e, i) { e.classList.toggle('dim', f !== null && nodes[i].c !== f); });
    st.edgeEls.forEach(function (e) { e.classList.toggle('dim', f !== null); });
    Array.prototype.forEach.call(document.querySelectorAll('#legend .item'), function (it) {
      it.classList.toggle('on', it.getAttribute('data-color') === f);
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll('#legend .item'), function (it) {
    it.addEventListener('click', function () {
      var c = it.getAttribute('data-color');
      st.focus = st.focus === c ? null : c;
      applyFocus();
    });
  });

  // ---- links from the tables ----
  document.addEventListener('click', function (ev) {
    var a = ev.target && ev.target.closest ? ev.target.closest('a.node-link, a.graph-link') : null;
    if (!a) return;
    ev.preventDefault();
    var gi = Number(a.getAttribute('data-g'));
    if (a.classList.contains('graph-link')) { showGraph(gi); }
    else {
      if (gi !== st.g) render(gi);
      var i = Number(a.getAttribute('data-i'));
      centreOn(i);
      selectNode(i, false);
    }
    document.getElementById('graph-panel').scrollIntoView({ block: 'start' });
  });
  if (select) select.addEventListener('change', function () { showGraph(Number(select.value)); });

  render(0);
  initialView();
  window.mixprecReport = {
    nodeCount: data.nodeCount,
    graphCount: data.graphs.length,
    currentGraph: function () { return st.g; },
    drawnNodes: function () { return st.els.length; },
    view: function () { return { k: st.k, tx: st.tx, ty: st.ty }; },
    matches: function () { return st.matches.slice(); },
    showGraph: showGraph,
    select: function (i) { centreOn(i); selectNode(i, false); }
  };
  document.body.setAttribute('data-ready', 'true');
})();
`;
