/**
 * The I/O floor of a conversion, as its own process: read every input file once (16 MiB
 * chunks into one buffer) and write half of the bytes read to `OUT` (a 16-bit model is about
 * half the size of its FLOAT original), then fsync it as the model saver does. No conversion
 * can do less I/O.
 *
 *   node io-floor.js OUT IN...
 */
import fs from 'node:fs';

const CHUNK = 16 << 20;

function main(): void {
  const [out, ...inputs] = process.argv.slice(2);
  if (out === undefined || inputs.length === 0) throw new Error('usage: io-floor OUT IN...');
  const buf = Buffer.allocUnsafe(CHUNK);
  const fdOut = fs.openSync(out, 'w');
  try {
    for (const file of inputs) {
      const fd = fs.openSync(file, 'r');
      try {
        for (let pos = 0; ;) {
          const n = fs.readSync(fd, buf, 0, CHUNK, pos);
          if (n === 0) break;
          pos += n;
          const half = n >> 1;
          for (let off = 0; off < half;) off += fs.writeSync(fdOut, buf, off, half - off);
        }
      } finally {
        fs.closeSync(fd);
      }
    }
    fs.fsyncSync(fdOut);
  } finally {
    fs.closeSync(fdOut);
  }
}

main();
