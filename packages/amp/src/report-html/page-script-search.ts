/**
 * Part of the page's script (see page-script.ts, whose function scope it shares): search by node
 * name, op type or value name across all graphs (exact names first), and colour focus from the legend.
 */
export const SCRIPT_SEARCH = String.raw`
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
`;
