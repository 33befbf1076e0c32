/**
 * Part of the page's script (see page-script.ts, whose function scope it shares): selecting a
 * node, its highlighted edges, and the details panel (colour, rule, reason, inputs with links to
 * their producers, consumers, subgraph bodies, the parent graph).
 */
export const SCRIPT_DETAILS = String.raw`
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
`;
