import {
  DataType, attrGraphs, dataTypeText, walkGraphs, type Graph, type Model, type Node, type Value, type ValueType,
} from '@mixprec/ir';
import type { AmpReport, ReportNode } from '../report.js';
import type { CastRecord, RetargetRecord } from '../rewrite-log.js';
import { layoutGraph } from './layout.js';

/**
 * How a drawn box is styled: an operator, a Constant node, an inserted Cast, or a graph
 * input/output (the last two are not nodes of the model and not counted).
 */
export type ViewKind = 'op' | 'const' | 'cast' | 'in' | 'out';

/** Fill class of a box: the report's colour, `cast` for inserted Casts, `io`, or `unknown` (not in the report). */
export type ViewColor = 'green' | 'gray' | 'red' | 'none' | 'cast' | 'io' | 'unknown';

/** Where a node input comes from. */
export type InputOrigin = 'node' | 'input' | 'weight' | 'outer' | 'absent';

/** One box, as embedded in the page (short keys keep big models small). */
export interface ViewNode {
  /** Node name (or the output name of an unnamed node; the value name for IO boxes). */
  readonly n: string;
  readonly op: string;
  readonly d: string;
  readonly k: ViewKind;
  readonly c: ViewColor;
  /** Box centre x, top y, width, height. */
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  /** Report fields: rule, reason, accumulation, output dtype, computes 16-bit, materialized. */
  readonly r?: string;
  readonly why?: string;
  readonly acc?: string;
  readonly od?: string;
  readonly cv?: 1;
  readonly mat?: 1;
  /** Inputs `[value, type, origin]` and outputs `[value, type]`. */
  readonly ins?: readonly (readonly [string, string, InputOrigin])[];
  readonly outs?: readonly (readonly [string, string])[];
  /** Graph indices of the node's bodies (If/Loop/Scan). */
  readonly sub?: readonly number[];
  /** An inserted Cast: from, to, why. */
  readonly cast?: readonly [string, string, string];
  /** A retargeted Cast/creation op: from, to. */
  readonly rt?: readonly [string, string];
  /** Named by the divergence localisation: kind and why. */
  readonly lc?: readonly ['root-cause' | 'amplifier', string];
}

/** Edge class by the dtype of the value it carries: 16-bit float, float32, other, unknown. */
export type EdgeClass = 'h' | 'f' | 'o' | 'u';

/** One drawn edge. */
export interface ViewEdge {
  readonly s: number;
  readonly t: number;
  readonly e: EdgeClass;
  /** Value name(s) and type, for the tooltip. */
  readonly v: string;
  /** Polyline `[x0, y0, x1, y1, …]`, rounded to 0.1. */
  readonly p: readonly number[];
}

/** One graph of the model, laid out. */
export interface GraphView {
  readonly path: string;
  /** Index of the parent graph and of the node holding this body; absent for the main graph. */
  readonly parent?: readonly [number, number];
  readonly width: number;
  readonly height: number;
  /** Model nodes in this graph (IO boxes excluded). */
  readonly nodeCount: number;
  readonly nodes: readonly ViewNode[];
  readonly edges: readonly ViewEdge[];
  readonly crossings: number;
}

/** Colour counts over every graph. */
export interface ViewCounts {
  readonly nodes: number;
  readonly green: number;
  readonly gray: number;
  readonly red: number;
  readonly none: number;
  readonly cast: number;
  readonly unknown: number;
  /** Nodes computing in 16-bit. */
  readonly converted: number;
}

/** Short text of a value type: `float16[1,3,48,160]`, `seq(float)`, `?`. */
export function typeText(t: ValueType | undefined): string {
  if (t === undefined) return '?';
  switch (t.kind) {
    case 'tensor':
    case 'sparse_tensor': {
      const dt = dataTypeText(t.dtype);
      const shape = t.shape === undefined ? '' : `[${t.shape.map((d) => (d === undefined ? '?' : String(d))).join(',')}]`;
      return t.kind === 'sparse_tensor' ? `sparse(${dt}${shape})` : `${dt}${shape}`;
    }
    case 'sequence': return `seq(${typeText(t.elem)})`;
    case 'optional': return `optional(${typeText(t.elem)})`;
    case 'map': return `map(${dataTypeText(t.keyType)},${typeText(t.valueType)})`;
    case 'opaque': return `opaque(${t.domain}.${t.name})`;
  }
}

function edgeClass(t: ValueType | undefined): EdgeClass {
  if (t === undefined || (t.kind !== 'tensor' && t.kind !== 'sparse_tensor')) return 'u';
  if (t.dtype === DataType.FLOAT16 || t.dtype === DataType.BFLOAT16) return 'h';
  if (t.dtype === DataType.FLOAT) return 'f';
  return t.dtype === DataType.UNDEFINED ? 'u' : 'o';
}

/** Graph paths as the analysis names them: `main` (or the graph's name), then `parent/label.attr`. */
function graphPaths(model: Model): Map<Graph, string> {
  const paths = new Map<Graph, string>();
  const main = model.graph;
  paths.set(main, main.name === '' ? 'main' : main.name);
  for (const g of walkGraphs(model)) {
    const base = paths.get(g) ?? g.name;
    for (const n of g) {
      const label = n.name !== '' ? n.name : `${n.opType}<${n.outputs[0]?.name ?? ''}>`;
      for (const [attrName, a] of n.attributes) for (const sg of attrGraphs(a)) if (!paths.has(sg)) paths.set(sg, `${base}/${label}.${attrName}`);
    }
  }
  return paths;
}

const round1 = (v: number): number => Math.round(v * 10) / 10;

function opLabel(n: Node): string {
  return n.domain === '' || n.domain === 'ai.onnx' ? n.opType : `${n.domain}.${n.opType}`;
}

/** Box width for a label (about 7 px per character at the page's font size). */
function boxWidth(label: string, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(14 + 7 * label.length)));
}

/** Lookups from the report by graph path and node name (or output name for unnamed nodes). */
class ReportIndex {
  readonly #nodes = new Map<string, ReportNode>();
  readonly #casts = new Map<string, CastRecord>();
  readonly #retargets = new Map<string, RetargetRecord>();

  constructor(report: AmpReport) {
    for (const r of report.nodes) {
      if (r.name !== '') this.#nodes.set(`${r.graph}\n${r.name}`, r);
      for (const o of r.outputNames) if (o !== '') this.#nodes.set(`${r.graph}\n#${o}`, r);
    }
    for (const c of report.casts.inserted) this.#casts.set(`${c.graph}\n${c.node}`, c);
    for (const c of report.casts.retargeted) this.#retargets.set(`${c.graph}\n${c.node}`, c);
  }

  node(path: string, n: Node): ReportNode | undefined {
    if (n.name !== '') {
      const r = this.#nodes.get(`${path}\n${n.name}`);
      if (r !== undefined) return r;
    }
    for (const o of n.outputs) {
      const r = o.name === '' ? undefined : this.#nodes.get(`${path}\n#${o.name}`);
      if (r !== undefined) return r;
    }
    return undefined;
  }

  cast(path: string, n: Node): CastRecord | undefined {
    return n.opType === 'Cast' && n.name !== '' ? this.#casts.get(`${path}\n${n.name}`) : undefined;
  }

  retarget(path: string, n: Node): RetargetRecord | undefined {
    return n.name === '' ? undefined : this.#retargets.get(`${path}\n${n.name}`);
  }
}

/**
 * Every graph of the converted model as laid-out boxes and edges, coloured from the report.
 * `typeOf` gives the type to show for a value (the page shows inferred types where the model
 * declares none); `culprits` marks main-graph nodes (by name, or first output name) that a
 * divergence localisation named.
 */
export function buildGraphViews(
  model: Model, report: AmpReport, typeOf: (v: Value) => ValueType | undefined,
  culprits: ReadonlyMap<string, readonly ['root-cause' | 'amplifier', string]> = new Map(),
): { graphs: GraphView[]; counts: ViewCounts } {
  const paths = graphPaths(model);
  const index = new ReportIndex(report);
  const graphs = [...walkGraphs(model)];
  const graphIndex = new Map<Graph, number>(graphs.map((g, i) => [g, i]));
  const parentRef = new Map<Graph, readonly [number, number]>();
  const counts = { nodes: 0, green: 0, gray: 0, red: 0, none: 0, cast: 0, unknown: 0, converted: 0 };
  const views: GraphView[] = graphs.map((g, gi) => {
    const path = paths.get(g) ?? g.name;
    const boxes: ViewNode[] = [];
    const nodeBox = new Map<Node, number>();
    const inputBox = new Map<Value, number>();
    const edges: [number, number, Value][] = [];
    for (const v of g.inputs) {
      inputBox.set(v, boxes.length);
      boxes.push({ n: v.name, op: 'input', d: '', k: 'in', c: 'io', x: 0, y: 0, w: boxWidth(v.name, 48, 220), h: 22, outs: [[v.name, typeText(typeOf(v))]] });
    }
    for (const n of g) {
      const id = boxes.length;
      nodeBox.set(n, id);
      counts.nodes++;
      const r = index.node(path, n);
      const cast = index.cast(path, n);
      const rt = index.retarget(path, n);
      const isConst = n.opType === 'Constant' && n.domain === '';
      const color: ViewColor = cast !== undefined ? 'cast' : (r?.color ?? 'unknown');
      counts[color === 'cast' ? 'cast' : color === 'unknown' ? 'unknown' : color]++;
      if (r?.converted === true) counts.converted++;
      const label = opLabel(n);
      const ins = n.inputs.map((v): readonly [string, string, InputOrigin] => {
        if (v === undefined) return ['', '', 'absent'];
        const origin: InputOrigin = v.producer() !== undefined
          ? (v.producer()!.graph === g ? 'node' : 'outer')
          : v.isInitializer() ? (v.graph() === g ? 'weight' : 'outer') : inputBox.has(v) ? 'input' : 'outer';
        return [v.name, typeText(typeOf(v)), origin];
      });
      const sub = n.subgraphs().map((sg) => graphIndex.get(sg)).filter((i): i is number => i !== undefined);
      for (const sg of n.subgraphs()) parentRef.set(sg, [gi, id]);
      boxes.push({
        n: n.name !== '' ? n.name : (n.outputs[0]?.name ?? ''), op: label, d: n.domain, k: cast !== undefined ? 'cast' : isConst ? 'const' : 'op', c: color,
        x: 0, y: 0, w: isConst ? 44 : boxWidth(label, 56, 240) + 16 /* dtype badge */, h: isConst ? 16 : 28,
        ...(r === undefined ? {} : {
          r: r.rule,
          ...(r.reason === undefined ? {} : { why: r.reason }),
          ...(r.accumulation === undefined ? {} : { acc: r.accumulation }),
          ...(r.output === undefined ? {} : { od: r.output }),
          ...(r.converted ? { cv: 1 as const } : {}),
          ...(r.materialized === true ? { mat: 1 as const } : {}),
        }),
        ins, outs: n.outputs.map((o) => [o.name, typeText(typeOf(o))] as const),
        ...(sub.length > 0 ? { sub } : {}),
        ...(cast === undefined ? {} : { cast: [cast.from, cast.to, cast.reason] as const }),
        ...(rt === undefined ? {} : { rt: [rt.from, rt.to] as const }),
        ...(gi === 0 && culprits.has(n.name !== '' ? n.name : (n.outputs[0]?.name ?? '')) ? { lc: culprits.get(n.name !== '' ? n.name : (n.outputs[0]?.name ?? ''))! } : {}),
      });
      for (const v of n.inputs) {
        if (v === undefined) continue;
        const p = v.producer();
        const src = p !== undefined ? nodeBox.get(p) : inputBox.get(v);
        if (src !== undefined) edges.push([src, id, v]);
      }
    }
    for (const v of g.outputs) {
      const id = boxes.length;
      boxes.push({ n: v.name, op: 'output', d: '', k: 'out', c: 'io', x: 0, y: 0, w: boxWidth(v.name, 48, 220), h: 22, ins: [[v.name, typeText(typeOf(v)), 'node']] });
      const p = v.producer();
      const src = p !== undefined ? nodeBox.get(p) : inputBox.get(v);
      if (src !== undefined) edges.push([src, id, v]);
    }
    const layout = layoutGraph({ widths: boxes.map((b) => b.w), heights: boxes.map((b) => b.h), edges: edges.map(([s, t]) => [s, t] as const) });
    const placed = boxes.map((b, i) => ({ ...b, x: round1(layout.x[i]!), y: round1(layout.y[i]!) }));
    // One drawn edge per (source, target); its tooltip names every value it carries.
    const drawn = new Map<string, { s: number; t: number; e: EdgeClass; v: string[]; p: number[] }>();
    edges.forEach(([s, t, v], i) => {
      const key = `${s},${t}`;
      const label = `${v.name}: ${typeText(typeOf(v))}`;
      const prev = drawn.get(key);
      if (prev !== undefined) {
        if (!prev.v.includes(label)) prev.v.push(label);
        return;
      }
      const route = layout.routes[i];
      if (route === undefined) return;
      drawn.set(key, { s, t, e: edgeClass(typeOf(v)), v: [label], p: Array.from(route, round1) });
    });
    const parent = parentRef.get(g);
    return {
      path,
      ...(parent === undefined ? {} : { parent }),
      width: Math.ceil(layout.width), height: Math.ceil(layout.height), nodeCount: nodeBox.size,
      nodes: placed, edges: [...drawn.values()].map((d) => ({ s: d.s, t: d.t, e: d.e, v: d.v.join('\n'), p: d.p })),
      crossings: layout.crossings,
    };
  });
  return { graphs: views, counts };
}
