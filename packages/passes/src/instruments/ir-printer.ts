import { printModel, structuralHash, type Model } from '@mixprec/ir';
import type { PassFailure } from '../failure.js';
import type { PassInstrument } from '../instrument.js';
import type { PassInfo } from '../pass.js';

/** One IR dump. `index` counts dumps of this instrument from 1 (for `NNN_<pass>` file names). */
export interface IrDump {
  readonly index: number;
  readonly stage: 'before' | 'after' | 'after-failure';
  readonly pass: string;
  /** `printModel` output (for `after-failure`: of a model that may be invalid). */
  readonly text: string;
  /** For `after-failure`: the failure message and the canonical pipeline that reproduces it. */
  readonly failure?: string;
  readonly pipeline?: string;
}

/** Which dumps to make (MLIR `--mlir-print-ir-*`, TVM `PrintIR`/`DumpIR`). Leaf passes only. */
export interface IrPrinterOptions {
  /** Pass names to dump before, or `'all'`. */
  readonly before?: readonly string[] | 'all';
  /** Pass names to dump after, or `'all'`. */
  readonly after?: readonly string[] | 'all';
  /** Dump after a pass only when the model changed (structural hash); alone, it means after all. */
  readonly afterChange?: boolean;
  /** Dump the model when a pass fails, with the reproducer pipeline. */
  readonly afterFailure?: boolean;
  /** Where dumps go (the CLI writes files or prints; library code never does). */
  readonly sink: (dump: IrDump) => void;
}

function selected(list: readonly string[] | 'all' | undefined, name: string): boolean {
  return list === 'all' || (list !== undefined && list.includes(name));
}

/** An instrument that dumps the IR around passes into `options.sink`. */
export function createIrPrinterInstrument(options: IrPrinterOptions): PassInstrument {
  const afterList = options.after ?? (options.afterChange === true ? 'all' : undefined);
  const hashes: (string | undefined)[] = [];
  let index = 0;
  let lastFailure: PassFailure | undefined;
  const emit = (stage: IrDump['stage'], pass: string, text: string, extra: Partial<IrDump> = {}): void => {
    index++;
    options.sink(Object.freeze({ index, stage, pass, text, ...extra }));
  };
  const leaf = (info: PassInfo): boolean => info.composite !== true;
  return {
    name: 'ir-printer',
    runBeforePass(m: Model, info: PassInfo) {
      const wantHash = leaf(info) && options.afterChange === true && selected(afterList, info.name);
      hashes.push(wantHash ? structuralHash(m) : undefined);
      if (leaf(info) && selected(options.before, info.name)) emit('before', info.name, printModel(m));
    },
    runAfterPass(m: Model, info: PassInfo) {
      const before = hashes.pop();
      if (!leaf(info) || !selected(afterList, info.name)) return;
      if (options.afterChange === true && before !== undefined && before === structuralHash(m)) return;
      emit('after', info.name, printModel(m));
    },
    runAfterPassFailed(m: Model, info: PassInfo, failure: PassFailure) {
      hashes.pop();
      // Composites enclosing the failing pass see the same failure; dump it once.
      if (options.afterFailure !== true || failure === lastFailure) return;
      lastFailure = failure;
      let text: string;
      try {
        text = printModel(m);
      } catch (e) {
        text = `# the model could not be printed: ${e instanceof Error ? e.message : String(e)}`;
      }
      emit('after-failure', info.name, text, { failure: failure.message, pipeline: failure.pipeline });
    },
  };
}

/** `007_after_dce.onnxtxt` (TVM `DumpIR` style names). */
export function irDumpFileName(d: IrDump): string {
  return `${String(d.index).padStart(3, '0')}_${d.stage.replace('-', '_')}_${d.pass}.onnxtxt`;
}

/** The dump as a file: `#` header lines (stage, pass, failure, reproducer pipeline), then the model. */
export function formatIrDump(d: IrDump): string {
  const head = [`# IR ${d.stage.replace('-', ' ')} pass '${d.pass}' (dump ${d.index})`];
  if (d.failure !== undefined) head.push(`# failure: ${d.failure.replace(/\n/g, ' ')}`);
  if (d.pipeline !== undefined) head.push(`# reproduce with the pipeline: ${d.pipeline}`);
  return `${head.join('\n')}\n${d.text}${d.text.endsWith('\n') ? '' : '\n'}`;
}
