/**
 * Preloaded (`node --import`) into a measured process when GNU time is missing: at exit it
 * writes its own /proc/self/status `VmHWM` (peak resident set) to `$MIXPREC_RSS_REPORT`.
 */
import fs from 'node:fs';

const report = process.env['MIXPREC_RSS_REPORT'];
if (report !== undefined) {
  process.on('exit', () => {
    let line = `VmHWM: ${Math.round(process.resourceUsage().maxRSS)} kB`;
    try {
      line = /VmHWM:\s*\d+ kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[0] ?? line;
    } catch {
      // not Linux: maxRSS of this process (it was not forked from a bigger one)
    }
    fs.writeFileSync(report, `${line}\n`);
  });
}
