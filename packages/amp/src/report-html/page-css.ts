/** The page's stylesheet (inline; no fonts or images are loaded). */
export const PAGE_CSS = String.raw`
:root { --green: #8ce99a; --green-s: #2b8a3e; --gray: #ced4da; --gray-s: #495057; --red: #ffa8a8; --red-s: #c92a2a;
  --none: #ffffff; --none-s: #adb5bd; --cast: #ffd43b; --cast-s: #e67700; --io: #d0ebff; --io-s: #1864ab;
  --e16: #1c7ed6; --e32: #e8590c; --eo: #868e96; --bg: #f8f9fa; --fg: #212529; --muted: #6c757d; --card: #fff; --line: #dee2e6; }
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: var(--bg); }
header { padding: 10px 16px; background: #fff; border-bottom: 1px solid var(--line); }
header h1 { font-size: 17px; margin: 0 0 4px; }
header .sub { color: var(--muted); }
a { color: #1864ab; }
.muted { color: var(--muted); }
#graph-panel { position: relative; height: 72vh; min-height: 420px; border-bottom: 1px solid var(--line); background: #fff; display: flex; flex-direction: column; }
#toolbar { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; padding: 6px 10px; border-bottom: 1px solid var(--line); }
#toolbar input[type=search] { width: 260px; padding: 4px 8px; border: 1px solid var(--line); border-radius: 4px; font: inherit; }
#toolbar select { max-width: 300px; }
#toolbar button, #toolbar select { font: inherit; padding: 3px 8px; border: 1px solid var(--line); border-radius: 4px; background: #fff; cursor: pointer; }
#toolbar button:hover { background: #f1f3f5; }
#search-status { min-width: 70px; color: var(--muted); }
#legend { display: flex; flex-wrap: wrap; gap: 4px; margin-left: auto; }
#legend .item { display: inline-flex; align-items: center; gap: 4px; padding: 1px 6px; border: 1px solid var(--line); border-radius: 10px; cursor: pointer; user-select: none; }
#legend .item.on { border-color: var(--fg); background: #f1f3f5; }
#legend .sw { width: 12px; height: 12px; border-radius: 3px; border: 1px solid; display: inline-block; }
#legend .edge-sw { width: 16px; height: 0; border-top: 3px solid; display: inline-block; }
#viewport { position: relative; flex: 1; overflow: hidden; cursor: grab; touch-action: none; }
#viewport.dragging { cursor: grabbing; }
#graph-svg { width: 100%; height: 100%; display: block; }
#minimap { position: absolute; left: 8px; bottom: 8px; border: 1px solid var(--line); background: rgba(255,255,255,.92); cursor: crosshair; }
#graph-title { position: absolute; left: 10px; top: 6px; color: var(--muted); background: rgba(255,255,255,.85); padding: 0 4px; pointer-events: none; }
#details { position: absolute; right: 8px; top: 8px; width: 340px; max-height: calc(100% - 16px); overflow: auto; background: rgba(255,255,255,.97);
  border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; box-shadow: 0 2px 8px rgba(0,0,0,.12); display: none; }
#details.open { display: block; }
#details h4 { margin: 0 0 6px; font-size: 14px; word-break: break-all; }
#details table { width: 100%; border-collapse: collapse; }
#details td { vertical-align: top; padding: 1px 4px; border-bottom: 1px solid #f1f3f5; word-break: break-all; }
#details td:first-child { color: var(--muted); white-space: nowrap; word-break: normal; }
#details .close { float: right; border: none; background: none; font-size: 16px; cursor: pointer; }
.node rect { stroke-width: 1.2; }
.node text { font-size: 12px; pointer-events: none; dominant-baseline: central; text-anchor: middle; }
.node text.badge { font-size: 9px; fill: #495057; text-anchor: end; }
.node.const text { font-size: 9px; fill: #495057; }
.c-green rect { fill: var(--green); stroke: var(--green-s); }
.c-gray rect { fill: var(--gray); stroke: var(--gray-s); }
.c-red rect { fill: var(--red); stroke: var(--red-s); }
.c-none rect { fill: var(--none); stroke: var(--none-s); }
.c-cast rect { fill: var(--cast); stroke: var(--cast-s); }
.c-io rect { fill: var(--io); stroke: var(--io-s); }
.c-unknown rect { fill: #fff; stroke: #868e96; stroke-dasharray: 3 2; }
.node.cv rect { stroke-width: 2; }
.node.sel rect { stroke: #000; stroke-width: 3; }
.node.match rect { stroke: #f03e3e; stroke-width: 3; }
.node.cur rect { stroke: #d6336c; stroke-width: 5; }
.node.dim, .edge.dim { opacity: .15; }
.node.has-sub rect { stroke-dasharray: 6 2; }
.edge { fill: none; stroke-width: 1.3; }
.edge.e-h { stroke: var(--e16); }
.edge.e-f { stroke: var(--e32); }
.edge.e-o { stroke: var(--eo); stroke-dasharray: 4 3; }
.edge.e-u { stroke: #ced4da; }
.edge.hl { stroke-width: 3; }
svg.far text { display: none; }
main { padding: 12px 16px 40px; display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 12px; align-items: start; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; min-width: 0; }
.card h3 { font-size: 14px; margin: 2px 0 8px; display: inline-block; }
.card .count { color: var(--muted); font-weight: normal; }
.card .empty, .card .more { color: var(--muted); margin: 0; }
.card.wide { grid-column: 1 / -1; }
.scroll { max-height: 420px; overflow: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 2px 6px; border-bottom: 1px solid #f1f3f5; vertical-align: top; word-break: break-word; }
th { position: sticky; top: 0; background: #fff; border-bottom: 1px solid var(--line); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.fail td { background: #fff5f5; }
tr.pass .verdict { color: var(--green-s); }
tr.fail .verdict { color: var(--red-s); font-weight: 600; }
.node.loc-root rect { stroke: #7048e8; stroke-width: 4; stroke-dasharray: none; }
.node.loc-amp rect { stroke: #9775fa; stroke-width: 3; stroke-dasharray: 4 2; }
#legend .loc-sw { width: 12px; height: 12px; border-radius: 3px; border: 3px solid #7048e8; display: inline-block; }
.verdict-chip { font-weight: 600; }
.verdict-chip.pass { color: var(--green-s); }
.verdict-chip.fail { color: var(--red-s); }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
dl.summary dt { color: var(--muted); }
dl.summary dd { margin: 0; }
.chip { display: inline-block; padding: 0 6px; border-radius: 8px; border: 1px solid; font-size: 11px; }
.chip.green { background: var(--green); border-color: var(--green-s); }
.chip.gray { background: var(--gray); border-color: var(--gray-s); }
.chip.red { background: var(--red); border-color: var(--red-s); }
.chip.none { background: #fff; border-color: var(--none-s); }
.chip.cast { background: var(--cast); border-color: var(--cast-s); }
ul.subgraphs { margin: 0; padding-left: 18px; max-height: 300px; overflow: auto; }
details summary { cursor: pointer; }
.verdict-banner { font-weight: 600; }
.verdict-banner.pass { color: var(--green-s); }
.verdict-banner.fail { color: var(--red-s); }
`;
