import { DataType } from '@mixprec/ir';

/** A node plan's wanted input or computed output dtypes, one per slot. */
export type DTypeRow = readonly (DataType | undefined)[];

/** Longest row that is shared (4 codes per slot and the length fit a small integer key). */
const MAX_SHARED = 12;

function code(d: DataType | undefined): number {
  switch (d) {
    case undefined: return 0;
    case DataType.FLOAT: return 1;
    case DataType.FLOAT16: return 2;
    case DataType.BFLOAT16: return 3;
    default: return -1;
  }
}

/**
 * Shared, frozen dtype rows for the node plans of one analysis: most nodes of a model have one
 * of a few rows (`[float16, float16]`, `[undefined]`, …), so a plan keeps the shared row
 * instead of its own array (fewer objects that live as long as the plan).
 */
export class DTypeRows {
  readonly #rows = new Map<number, DTypeRow>();
  /** Rows being filled (inputs, outputs) before they are shared. */
  readonly #scratch: (DataType | undefined)[][] = [[], []];

  /**
   * A row of `length` undefined entries to fill and then pass to {@link shareScratch};
   * `which` (0 or 1) tells the two rows of one node apart. Valid until the next call.
   */
  scratch(which: 0 | 1, length: number): (DataType | undefined)[] {
    const row = this.#scratch[which]!;
    for (let i = 0; i < length; i++) row[i] = undefined;
    return row;
  }

  /** The shared row equal to the first `length` entries of a {@link scratch} row (a copy when not shareable). */
  shareScratch(row: readonly (DataType | undefined)[], length: number): DTypeRow {
    let key = 0;
    if (length <= MAX_SHARED) {
      for (let i = length - 1; i >= 0; i--) {
        const c = code(row[i]);
        if (c < 0) {
          key = -1;
          break;
        }
        key = key * 4 + c;
      }
    } else {
      key = -1;
    }
    if (key < 0) return row.slice(0, length);
    const k = key * 16 + length;
    const r = this.#rows.get(k);
    if (r !== undefined) return r;
    const own = Object.freeze(row.slice(0, length));
    this.#rows.set(k, own);
    return own;
  }

  /** A frozen row of `length` undefined entries (nothing wanted or changed). */
  none(length: number): DTypeRow {
    const known = this.#rows.get(length);
    if (known !== undefined) return known;
    const row = new Array<DataType | undefined>(length).fill(undefined);
    return length <= MAX_SHARED ? this.#shared(length, row) : row;
  }

  /** The row kept for `key`, or `row` (frozen) as the first of its kind. */
  #shared(key: number, row: (DataType | undefined)[]): DTypeRow {
    const r = this.#rows.get(key);
    if (r !== undefined) return r;
    this.#rows.set(key, Object.freeze(row));
    return row;
  }
}
