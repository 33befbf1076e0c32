/** The FNV-1a 64-bit hash used by `structuralHash`, with length-prefixed helpers. */

const PRIME_LO = 0x1b3; // FNV-64 prime = 2^40 + 0x1b3

/** FNV-1a, 64-bit, on two 32-bit halves (no bigint in the loop). */
export class Fnv64 {
  hi = 0xcbf29ce4;
  lo = 0x84222325;

  byte(b: number): void {
    const lo = (this.lo ^ b) >>> 0;
    const t = lo * PRIME_LO; // < 2^41: exact in a double
    this.lo = t >>> 0;
    this.hi = (Math.imul(this.hi, PRIME_LO) + Math.floor(t / 4294967296) + (lo << 8)) >>> 0;
  }

  bytes(a: Uint8Array): void {
    this.u32(a.length);
    let { hi, lo } = this;
    for (let i = 0; i < a.length; i++) {
      lo = (lo ^ a[i]!) >>> 0;
      const t = lo * PRIME_LO;
      hi = (Math.imul(hi, PRIME_LO) + Math.floor(t / 4294967296) + (lo << 8)) >>> 0;
      lo = t >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
  }

  u32(x: number): void {
    this.byte(x & 0xff);
    this.byte((x >>> 8) & 0xff);
    this.byte((x >>> 16) & 0xff);
    this.byte((x >>> 24) & 0xff);
  }

  /** A string: its length, then its UTF-16 code units. */
  str(s: string): void {
    this.u32(s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      this.byte(c & 0xff);
      this.byte(c >>> 8);
    }
  }

  optStr(s: string | undefined): void {
    if (s === undefined) this.byte(0);
    else {
      this.byte(1);
      this.str(s);
    }
  }

  hex(): string {
    return this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
  }
}
