/**
 * Preloaded into every Node.js process of a measured command (through
 * NODE_OPTIONS=--require). When the process exits it appends its own exact
 * peak resident set size, `getrusage(RUSAGE_SELF).ru_maxrss`, to the file
 * named by BENCH_RSS_FILE, with its pid and parent pid, so the runner can add
 * up the peaks of every process in the tree (npx, ts-node, the app).
 */
import { appendFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    const record = {
      pid: process.pid,
      ppid: process.ppid,
      maxRssKb: process.resourceUsage().maxRSS,
      argv: process.argv.slice(1, 3),
    };
    appendFileSync(file, `${JSON.stringify(record)}\n`);
  });
}
