/**
 * Part of the page's script (see page-script.ts, whose function scope it shares): the view
 * (wheel and button zoom, drag pan, fit, the first view of a graph, keyboard shortcuts) and the
 * minimap.
 */
export const SCRIPT_VIEW = String.raw`
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
`;
