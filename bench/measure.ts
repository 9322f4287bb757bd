/**
 * Runs one command and measures its wall time and its peak memory.
 *
 * Memory, two figures:
 * - `peakTreeKb`: the peak resident set of the whole process tree, the sum of
 *   every Node.js process's own peak (`ru_maxrss` of RUSAGE_SELF, read by
 *   rss-probe at its exit). In the trees measured here each parent waits for
 *   its child while holding its own memory (npx -> sh -> ts-node), so the
 *   peaks coincide and the sum is the tree's peak (an upper bound in general).
 *   Non-Node helpers (the `sh` npx starts, 1-4 MB) are not in the sum.
 * - `largestProcessKb`: GNU time's `%M`, the `ru_maxrss` wait4() returns for
 *   the command: the largest peak of any single process of the tree, Node or
 *   not. A cross-check: it can never exceed `peakTreeKb` by more than a shell.
 * Sampling /proc would miss short peaks and steal CPU from the measured run
 * on a 2-core machine; both figures above are exact kernel counters.
 *
 * Wall time is measured by the runner around the spawn, to the nanosecond
 * clock; GNU time adds about a millisecond.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** GNU time, when the machine has it. */
export const GNU_TIME = '/usr/bin/time';

/** One Node.js process's own peak, as rss-probe recorded it. */
export interface ProcessPeak {
  readonly pid: number;
  readonly ppid: number;
  readonly maxRssKb: number;
  readonly argv: string[];
}

/** What one measured run gives. */
export interface RunMeasure {
  readonly wallMs: number;
  readonly exitCode: number;
  /** Sum of the peaks of every Node.js process of the tree, KiB. */
  readonly peakTreeKb: number;
  /** The largest single process's peak (GNU time %M), KiB; from the probes when GNU time is absent. */
  readonly largestProcessKb: number;
  readonly processes: ProcessPeak[];
  readonly stdout: string;
  readonly stderr: string;
}

/** How to run a command. */
export interface MeasureOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Absolute path of the compiled rss-probe.js. */
  readonly probe: string;
  /** Keep at most this many characters of stdout and stderr. @default 20000 */
  readonly keepChars?: number;
}

function hasGnuTime(): boolean {
  return existsSync(GNU_TIME);
}

function readPeaks(file: string): ProcessPeak[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as ProcessPeak);
}

/** Runs `command args` once, measured. */
export function measure(command: string, args: string[], opts: MeasureOptions): Promise<RunMeasure> {
  const work = mkdtempSync(join(tmpdir(), 'erp-bench-run-'));
  const rssFile = join(work, 'rss.jsonl');
  const timeFile = join(work, 'time.txt');
  const keep = opts.keepChars ?? 20000;
  const nodeOptions = [opts.env.NODE_OPTIONS ?? '', `--require ${JSON.stringify(opts.probe)}`].join(' ').trim();
  const env = { ...opts.env, NODE_OPTIONS: nodeOptions, BENCH_RSS_FILE: rssFile };
  const useTime = hasGnuTime();
  const [cmd, argv] = useTime ? [GNU_TIME, ['-f', '%M', '-o', timeFile, command, ...args]] : [command, args];

  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const start = process.hrtime.bigint();
    let end = start;
    const child = spawn(cmd, argv, { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => { stdout = (stdout + d.toString()).slice(-keep); });
    child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-keep); });
    child.on('error', (err) => { rmSync(work, { recursive: true, force: true }); reject(err); });
    child.on('exit', () => { end = process.hrtime.bigint(); });
    child.on('close', (code, signal) => {
      if (end === start) end = process.hrtime.bigint();
      const processes = readPeaks(rssFile);
      const peakTreeKb = processes.reduce((s, p) => s + p.maxRssKb, 0);
      let largestProcessKb = processes.reduce((m, p) => Math.max(m, p.maxRssKb), 0);
      if (useTime && existsSync(timeFile)) {
        // GNU time writes "Command exited with non-zero status N" before the figure when the command fails.
        const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
        const kb = Number(lines[lines.length - 1]);
        if (Number.isFinite(kb)) largestProcessKb = kb;
      }
      rmSync(work, { recursive: true, force: true });
      resolve({
        wallMs: Number(end - start) / 1e6,
        exitCode: code ?? (signal ? 128 : 1),
        peakTreeKb,
        largestProcessKb,
        processes,
        stdout,
        stderr,
      });
    });
  });
}

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** KiB (what the kernel counts in) to MB (10^6 bytes, what the targets are in). */
export function kbToMb(kb: number): number {
  return (kb * 1024) / 1e6;
}
