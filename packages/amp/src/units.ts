/** Units of the conversion reports (text and HTML): sizes, fractions and operation counts. */

/** `512 B`, `3.5 KiB`, `1.25 MiB`. */
export function formatBytes(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(2)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

/** A fraction in [0, 1] as `42.0 %`. */
export function formatPercent(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}

/** `12 FLOP`, `3.4 kFLOP`, `1.25 MFLOP`, `2.50 GFLOP`. */
export function formatFlops(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GFLOP`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} MFLOP`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kFLOP`;
  return `${n} FLOP`;
}
