import fs from 'node:fs';
import { constants } from 'node:buffer';

/** Chunk size for reads: `readFileSync` fails above 2 GiB on Node 20, so large files go in parts. */
const CHUNK = 1 << 30;

/**
 * Reads a whole file into one Buffer (chunked, so files over 2 GiB work, up to the Buffer
 * limit of 4 GiB). Throws the fs error (callers turn it into a typed error).
 */
export function readWholeFile(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) throw Object.assign(new Error(`'${file}' is a directory`), { code: 'EISDIR' });
    const size = st.size;
    if (size > constants.MAX_LENGTH) {
      throw Object.assign(new Error(`file is ${size} bytes, more than one buffer can hold (${constants.MAX_LENGTH}); save the weights as external data`), { code: 'EFBIG' });
    }
    const buf = Buffer.allocUnsafe(size);
    let done = 0;
    while (done < size) {
      const n = fs.readSync(fd, buf, done, Math.min(CHUNK, size - done), done);
      if (n === 0) throw Object.assign(new Error(`file shrank while reading (${done} of ${size} bytes)`), { code: 'EIO' });
      done += n;
    }
    return buf;
  } finally {
    fs.closeSync(fd);
  }
}
