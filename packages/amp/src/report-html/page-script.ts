/**
 * The page's script (inline, ES2017, no dependencies): draws one graph of the embedded data as
 * SVG, with wheel zoom, drag pan, fit, a minimap, search by node name / op type / value name,
 * node details, colour focus from the legend, and links from the tables into the drawing.
 * It reads the data from `<script id="mixprec-data" type="application/json">` and writes text
 * only through `textContent`, never as HTML. Exposes `window.mixprecReport` for tests.
 * The script is one function; its parts live in page-script-*.ts by concept, and this file holds
 * the shared state, the links from the tables and the start-up.
 */
import { SCRIPT_DETAILS } from './page-script-details.js';
import { SCRIPT_DRAW } from './page-script-draw.js';
import { SCRIPT_SEARCH } from './page-script-search.js';
import { SCRIPT_VIEW } from './page-script-view.js';

/** The whole script: the shared state, then the parts in order, then the table links and start-up. */
export const PAGE_SCRIPT: string = String.raw`
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
` + SCRIPT_DRAW + SCRIPT_VIEW + SCRIPT_DETAILS + SCRIPT_SEARCH + String.raw`
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
