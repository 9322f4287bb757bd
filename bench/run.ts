/**
 * `npm run bench`: synth speed and memory.
 *
 * 1. Every stack (dev, prod, ha-platform, ha, local) synthesized the project's way (compiled
 *    once by tsc, then `node main.js`) against the way `cdktf init` sets a
 *    project up (`npx ts-node main.ts`, type-checking, on TypeScript 5 since
 *    ts-node cannot drive TypeScript 7), on the same code, alternating; and
 *    the compiled way without the repository's compile cache
 *    (NODE_DISABLE_COMPILE_CACHE=1: an app that does not turn it on), in the
 *    same rotation.
 * 1b. The whole app command of cdktf.json, as cdktf runs it (`sh -c`, from the
 *    project folder), on a temporary copy of the project: cold (no dist/),
 *    warm (nothing changed) and after a one-line edit of a source file, beside
 *    the synthesis alone (`node <flags> dist/main.js`) and beside the command
 *    it replaced (`npx tsc -p tsconfig.json && node ...`).
 * 2. Scale: one stack holding N complete ERP apps, N = 1, 10, 50, 100.
 * 3. The time of `npm test`.
 * Prints a table with the targets (PASS / MISS) and writes bench/results.json
 * and bench/RESULTS.md. Where a target is missed it profiles the run and
 * prints the functions and sources with the most self time.
 *
 * Environment: BENCH_RUNS (runs per way, default 5), BENCH_SCALE_RUNS (runs
 * per N, default 3), BENCH_SKIP_NPM_TEST=1, BENCH_PROFILE=1 (profile even when
 * every target passes).
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, freemem, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { RunMeasure, kbToMb, measure, median } from './measure';
import { ProfileSummary, summarizeProfile } from './profile';
import { SCALE_STACK } from './scale-stack-name';

const ROOT = resolve(__dirname, '..', '..');
const DIST = join(ROOT, 'dist-bench');
const PROBE = join(DIST, 'bench', 'rss-probe.js');
const SCALE_APP = join(DIST, 'bench', 'scale-main.js');
const STACKS = ['dev', 'prod', 'ha-platform', 'ha', 'local'];
const SCALE_N = [1, 10, 50, 100];

/** The targets, printed beside the figures; never asserted in tests. */
export const TARGETS = {
  synthAllMs: 600,
  synthAllMb: 150,
  speedup: 10,
  scale100Ms: 5000,
  /** time(100) / time(10): linear growth is 10. */
  growth10to100: 10,
} as const;

const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));
const SCALE_RUNS = Math.max(1, Number(process.env.BENCH_SCALE_RUNS ?? 3));

function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1' };
  // cdktf init's ts-node setup type-checks: make sure nothing turns that off.
  delete env.TS_NODE_TRANSPILE_ONLY;
  delete env.TS_NODE_TYPE_CHECK;
  delete env.NODE_OPTIONS;
  // The project's way runs with the compile cache, as its app turns it on.
  delete env.NODE_DISABLE_COMPILE_CACHE;
  return env;
}

interface Way {
  readonly name: string;
  readonly command: string;
  readonly args: string[];
  readonly env: NodeJS.ProcessEnv;
}

/**
 * The node flags of the app command in cdktf.json (`<build> && node <flags> dist/main.js`),
 * so that the project's way is measured exactly as `cdktf synth` runs it.
 */
export function appNodeFlags(cdktfJson: string): string[] {
  const app = (JSON.parse(cdktfJson) as { app?: unknown }).app;
  const run = typeof app === 'string' ? app.split('&&').pop()!.trim().split(/\s+/) : [];
  if (run[0] !== 'node' || run[run.length - 1] !== 'dist/main.js') {
    throw new Error(`cdktf.json "app" should end in "node [flags] dist/main.js" (got ${JSON.stringify(app)})`);
  }
  return run.slice(1, -1);
}

const NODE_FLAGS = appNodeFlags(readFileSync(join(ROOT, 'cdktf.json'), 'utf8'));

const COMPILED: Way = {
  name: `compiled (tsc once, node ${[...NODE_FLAGS, 'main.js'].join(' ')})`,
  command: process.execPath,
  args: [...NODE_FLAGS, join(DIST, 'main.js')],
  env: baseEnv(),
};

/** The same, on its first run: the compile cache empty. */
const COMPILED_COLD: Way = { ...COMPILED, name: 'compiled, first run (empty compile cache)' };

/** The same without the repository's compile cache: an app that does not turn it on (the library no longer does). */
const COMPILED_NO_CACHE: Way = {
  ...COMPILED,
  name: 'compiled, without the compile cache (NODE_DISABLE_COMPILE_CACHE=1)',
  env: { ...baseEnv(), NODE_DISABLE_COMPILE_CACHE: '1' },
};

/** The same without the app command's V8 flags. */
const COMPILED_NO_FLAGS: Way = { ...COMPILED, name: 'compiled, without the V8 flags', args: [join(DIST, 'main.js')] };

const TS_NODE: Way = {
  name: 'cdktf init way (npx ts-node main.ts)',
  command: 'npx',
  args: ['ts-node', 'main.ts'],
  env: { ...baseEnv(), TS_NODE_COMPILER: 'typescript5' },
};

function failure(what: string, m: RunMeasure): string {
  return `${what} failed with exit code ${m.exitCode}\n--- stdout (tail)\n${m.stdout.slice(-4000)}\n--- stderr (tail)\n${m.stderr.slice(-4000)}\n`;
}

function fail(what: string, m: RunMeasure): never {
  process.stderr.write(failure(what, m));
  process.exit(1);
}

function freshOutdir(label: string): string {
  return mkdtempSync(join(tmpdir(), `erp-bench-${label}-`));
}

/** The synthesized stack JSON files, keyed by stack name. */
function stackFiles(outdir: string): Record<string, string> {
  const dir = join(outdir, 'stacks');
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const file = join(dir, name, 'cdk.tf.json');
    if (existsSync(file)) out[name] = readFileSync(file, 'utf8');
  }
  return out;
}

function countResources(json: string): number {
  const resource = (JSON.parse(json) as { resource?: Record<string, Record<string, unknown>> }).resource ?? {};
  return Object.values(resource).reduce((n, byName) => n + Object.keys(byName).length, 0);
}

async function synthOnce(way: Way, label: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ m: RunMeasure; files: Record<string, string> }> {
  const outdir = freshOutdir(label);
  const m = await measure(way.command, way.args, { cwd: ROOT, env: { ...way.env, ...extraEnv, CDKTF_OUTDIR: outdir }, probe: PROBE });
  if (m.exitCode !== 0) fail(way.name, m);
  const files = stackFiles(outdir);
  rmSync(outdir, { recursive: true, force: true });
  const missing = STACKS.filter((s) => !(s in files));
  if (missing.length > 0) {
    process.stderr.write(`${way.name}: stacks ${missing.join(', ')} were not synthesized\n`);
    process.exit(1);
  }
  return { m, files };
}

interface Summary {
  readonly runs: number;
  readonly wallMs: number[];
  readonly peakTreeMb: number[];
  readonly largestProcessMb: number[];
  readonly medianWallMs: number;
  readonly minWallMs: number;
  readonly maxWallMs: number;
  readonly medianPeakMb: number;
  readonly maxPeakMb: number;
}

function summarize(ms: RunMeasure[]): Summary {
  const wall = ms.map((m) => round(m.wallMs, 1));
  const peak = ms.map((m) => round(kbToMb(m.peakTreeKb), 1));
  const largest = ms.map((m) => round(kbToMb(m.largestProcessKb), 1));
  return {
    runs: ms.length,
    wallMs: wall,
    peakTreeMb: peak,
    largestProcessMb: largest,
    medianWallMs: round(median(wall), 1),
    minWallMs: Math.min(...wall),
    maxWallMs: Math.max(...wall),
    medianPeakMb: round(median(peak), 1),
    maxPeakMb: Math.max(...peak),
  };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

// Keep the git revision beside the figures when there is one.
function gitRevision(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

function machine(): Record<string, string | number> {
  const c = cpus();
  let tsc5 = '';
  let tsc = '';
  try {
    tsc5 = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'typescript5', 'package.json'), 'utf8')).version;
    tsc = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'typescript', 'package.json'), 'utf8')).version;
  } catch { /* reported as empty */ }
  return {
    cpuModel: c[0]?.model ?? 'unknown',
    cores: c.length,
    memoryGb: round(totalmem() / 1e9, 1),
    freeMemoryGb: round(freemem() / 1e9, 1),
    node: process.version,
    os: `${process.platform} ${release()}`,
    typescript: tsc,
    typescriptForTsNode: tsc5,
    date: new Date().toISOString(),
    revision: gitRevision(),
  };
}

async function profile(label: string, command: string, args: string[], env: NodeJS.ProcessEnv): Promise<ProfileSummary> {
  // The profiler's flags are part of the compile cache's key: a first run fills the cache for
  // them (a fixed folder keeps the flags the same), the second is the one summarized.
  const dir = join(tmpdir(), `erp-bench-prof-${label}`);
  let summary: ProfileSummary | undefined;
  for (let pass = 0; pass < 2; pass++) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const outdir = freshOutdir(`prof-${label}`);
    const m = await measure(command, ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...args], { cwd: ROOT, env: { ...env, CDKTF_OUTDIR: outdir }, probe: PROBE });
    if (m.exitCode !== 0) fail(`profile ${label}`, m);
    if (pass === 1) summary = summarizeProfile(dir, ROOT);
    rmSync(outdir, { recursive: true, force: true });
  }
  rmSync(dir, { recursive: true, force: true });
  return summary!;
}

function wayRows(ways: Array<[string, Summary]>): string[][] {
  return ways.map(([name, s]) => [
    name, String(s.runs), `${s.medianWallMs} ms`, `${s.minWallMs}-${s.maxWallMs} ms`, `${s.medianPeakMb} MB`, `${s.maxPeakMb} MB`, `${Math.max(...s.largestProcessMb)} MB`,
  ]);
}

function verdict(ok: boolean): 'PASS' | 'MISS' {
  return ok ? 'PASS' : 'MISS';
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

function log(s: string): void {
  process.stdout.write(`${s}\n`);
}

/** The source file 1b edits (in the copy): a comment line appended, then the file restored. */
const EDITED_FILE = 'stacks/tiers.ts';

/** The app command cdktf.json had before its build step: a full compile on each run, through npx. */
const BEFORE_COMMAND = `npx tsc -p tsconfig.json && node ${[...NODE_FLAGS, 'dist/main.js'].join(' ')}`;

type AppCase = 'cold' | 'warm' | 'one-line edit' | 'synthesis alone';

interface AppCommandResult {
  readonly command: string;
  readonly synthAlone: Summary;
  readonly rows: Array<{ readonly label: string; readonly command: string; readonly case: AppCase; readonly summary: Summary }>;
}

/**
 * A copy of what the app command reads (its config files and the folders tsconfig.json
 * includes), node_modules linked: 1b deletes dist/ and edits a source there, never in the
 * working tree.
 */
function copyProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'erp-bench-app-'));
  const include = (JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as { include?: string[] }).include ?? [];
  const tops = new Set(['tsconfig.json', 'package.json', 'cdktf.json', ...include.map((p) => p.split('/')[0])]);
  for (const name of tops) {
    if (name.includes('*')) throw new Error(`tsconfig.json "include" has a top-level pattern (${name}): list the folders to copy`);
    if (existsSync(join(ROOT, name))) cpSync(join(ROOT, name), join(dir, name), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/**
 * 1b: the app command of cdktf.json, run as cdktf runs it (`sh -c`, from the project folder),
 * cold, warm and after a one-line edit, with the synthesis alone and the command it replaced,
 * on a copy of the project. Each round runs every command from cold to edit in turn (the
 * order alternates), then the synthesis alone. Every run must write `expected`, and the
 * edit must reach the compiled file.
 */
async function measureAppCommand(expected: Record<string, string>): Promise<AppCommandResult> {
  const command = (JSON.parse(readFileSync(join(ROOT, 'cdktf.json'), 'utf8')) as { app: string }).app;
  const commands = command === BEFORE_COMMAND ? [command] : [command, BEFORE_COMMAND];
  const cases: AppCase[] = ['cold', 'warm', 'one-line edit'];
  const runs = new Map<string, RunMeasure[]>();
  const synthAlone: RunMeasure[] = [];
  const dir = copyProject();
  const edited = join(dir, EDITED_FILE);
  const compiledEdited = join(dir, 'dist', EDITED_FILE.replace(/\.ts$/, '.js'));
  const original = readFileSync(edited, 'utf8');
  const env = baseEnv();
  const run = async (what: string, cmd: string, args: string[]): Promise<RunMeasure> => {
    const outdir = freshOutdir('app');
    try {
      const m = await measure(cmd, args, { cwd: dir, env: { ...env, CDKTF_OUTDIR: outdir }, probe: PROBE });
      // Thrown, not exited: the copy is removed and the edited file restored on the way out.
      if (m.exitCode !== 0) throw new Error(failure(what, m));
      const files = stackFiles(outdir);
      const differ = STACKS.filter((s) => files[s] !== expected[s]);
      if (differ.length > 0) throw new Error(`${what}: synthesized other JSON than the compiled way for ${differ.join(', ')}`);
      return m;
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  };
  try {
    log(`app command (cdktf.json "app") on a copy of the project, ${RUNS} rounds: cold, warm, one-line edit, synthesis alone ...`);
    for (let i = 0; i < RUNS; i++) {
      const order = i % 2 === 0 ? commands : [...commands].reverse();
      for (const cmd of order) {
        const label = cmd === command ? 'app command' : 'before';
        rmSync(join(dir, 'dist'), { recursive: true, force: true });
        for (const c of cases) {
          const marker = `// bench: one-line edit ${i + 1}`;
          if (c === 'one-line edit') appendFileSync(edited, `${marker}\n`);
          try {
            const m = await run(`${label}, ${c}`, 'sh', ['-c', cmd]);
            if (c === 'one-line edit' && !readFileSync(compiledEdited, 'utf8').includes(marker)) {
              throw new Error(`${label}: the edit of ${EDITED_FILE} did not reach ${compiledEdited}`);
            }
            const key = `${cmd}\0${c}`;
            runs.set(key, [...(runs.get(key) ?? []), m]);
            log(`  round ${i + 1} ${label}, ${c}: ${round(m.wallMs, 0)} ms`);
          } finally {
            if (c === 'one-line edit') writeFileSync(edited, original);
          }
        }
        // The restore is an edit too: built here, not measured, so that the next round starts alike.
        await run(`${label}, after the restore`, 'sh', ['-c', cmd]);
        if (readFileSync(compiledEdited, 'utf8').includes('// bench: one-line edit')) throw new Error(`${label}: the restore of ${EDITED_FILE} was not compiled`);
      }
      const m = await run('synthesis alone', process.execPath, [...NODE_FLAGS, join('dist', 'main.js')]);
      synthAlone.push(m);
      log(`  round ${i + 1} synthesis alone: ${round(m.wallMs, 0)} ms`);
    }
  } finally {
    writeFileSync(edited, original);
    rmSync(dir, { recursive: true, force: true });
  }
  const alone = summarize(synthAlone);
  const rows: AppCommandResult['rows'] = [];
  for (const cmd of commands) {
    const label = cmd === command ? 'cdktf.json "app"' : `before: ${cmd}`;
    for (const c of cases) rows.push({ label, command: cmd, case: c, summary: summarize(runs.get(`${cmd}\0${c}`) ?? []) });
  }
  const node = `node ${[...NODE_FLAGS, 'dist/main.js'].join(' ')}`;
  rows.push({ label: node, command: node, case: 'synthesis alone', summary: alone });
  return { command, synthAlone: alone, rows };
}

async function main(): Promise<void> {
  const info = machine();
  log(`machine: ${info.cpuModel}, ${info.cores} cores, ${info.memoryGb} GB, node ${info.node}, ${info.date}`);

  // 0. The one-off compile of the project's way (full, not incremental).
  log('compiling (tsc -p bench/tsconfig.json) ...');
  const build = await measure(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', join('bench', 'tsconfig.json')], { cwd: ROOT, env: baseEnv(), probe: PROBE });
  if (build.exitCode !== 0) fail('tsc', build);
  log(`  ${round(build.wallMs / 1000, 2)} s`);

  // 1. Every stack, both ways, alternating; one warm-up of each not counted.
  log(`synth of every stack: 1 warm-up + ${RUNS} runs each way (with and without the compile cache, ts-node), in rotation ...`);
  const compiledWarm = await synthOnce(COMPILED, 'compiled');
  const noCacheWarm = await synthOnce(COMPILED_NO_CACHE, 'nocache');
  const tsNodeWarm = await synthOnce(TS_NODE, 'tsnode');
  const sameOutput = STACKS.filter((s) => compiledWarm.files[s] !== tsNodeWarm.files[s] || compiledWarm.files[s] !== noCacheWarm.files[s]);
  if (sameOutput.length > 0) {
    process.stderr.write(`the ways synthesized different JSON for: ${sameOutput.join(', ')}\n`);
    process.exit(1);
  }
  const stackResources = Object.fromEntries(STACKS.map((s) => [s, countResources(compiledWarm.files[s])]));
  const compiledRuns: RunMeasure[] = [];
  const noCacheRuns: RunMeasure[] = [];
  const tsNodeRuns: RunMeasure[] = [];
  const rotation: Array<[Way, RunMeasure[], string]> = [[COMPILED, compiledRuns, 'compiled'], [COMPILED_NO_CACHE, noCacheRuns, 'no cache'], [TS_NODE, tsNodeRuns, 'ts-node ']];
  for (let i = 0; i < RUNS; i++) {
    // Each way takes each place in the order in turn: the cache-on and cache-off runs alternate.
    const order = [...rotation.slice(i % rotation.length), ...rotation.slice(0, i % rotation.length)];
    for (const [way, runs, label] of order) {
      const { m } = await synthOnce(way, label.trim().replace(/ /g, ''));
      runs.push(m);
      log(`  run ${i + 1} ${label}: ${round(m.wallMs, 0)} ms, ${round(kbToMb(m.peakTreeKb), 1)} MB`);
    }
  }
  // For the record: the first run, which fills the compile cache, and the run without the V8 flags.
  const coldRuns: RunMeasure[] = [];
  const noFlagRuns: RunMeasure[] = [];
  for (let i = 0; i < Math.min(RUNS, 3); i++) {
    const cache = mkdtempSync(join(tmpdir(), 'erp-bench-cache-'));
    coldRuns.push((await synthOnce(COMPILED_COLD, 'cold', { NODE_COMPILE_CACHE: cache })).m);
    rmSync(cache, { recursive: true, force: true });
  }
  if (NODE_FLAGS.length > 0) {
    await synthOnce(COMPILED_NO_FLAGS, 'noflags'); // warm-up: its own cache entries (V8 flags are part of the key)
    for (let i = 0; i < RUNS; i++) noFlagRuns.push((await synthOnce(COMPILED_NO_FLAGS, 'noflags')).m);
  }
  log(`  first runs (empty compile cache): ${coldRuns.map((m) => `${round(m.wallMs, 0)} ms`).join(', ')}`);
  if (noFlagRuns.length > 0) log(`  without the V8 flags: ${noFlagRuns.map((m) => `${round(m.wallMs, 0)} ms ${round(kbToMb(m.peakTreeKb), 1)} MB`).join(', ')}`);
  const compiled = summarize(compiledRuns);
  const noCache = summarize(noCacheRuns);
  const tsNode = summarize(tsNodeRuns);
  const cacheGain = round(noCache.medianWallMs / compiled.medianWallMs, 2);

  // 1b. The app command as cdktf runs it, on a copy of the project.
  const appCommand = await measureAppCommand(compiledWarm.files);
  const cold = summarize(coldRuns);
  const noFlags = noFlagRuns.length > 0 ? summarize(noFlagRuns) : undefined;
  const speedup = round(tsNode.medianWallMs / compiled.medianWallMs, 1);
  const memoryRatio = round(tsNode.medianPeakMb / compiled.medianPeakMb, 1);

  // 2. Scale: one stack with N apps.
  const scale: Array<{ apps: number; resources: number; jsonBytes: number } & Summary> = [];
  let scaleSkipped = '';
  if (!existsSync(SCALE_APP)) {
    scaleSkipped = 'bench/scale-app.ts was not compiled';
  } else {
    log(`scale: one stack with N apps, ${SCALE_RUNS} runs per N ...`);
    for (const n of SCALE_N) {
      const runs: RunMeasure[] = [];
      let resources = 0;
      let jsonBytes = 0;
      for (let r = 0; r < SCALE_RUNS; r++) {
        const outdir = freshOutdir(`scale-${n}`);
        const m = await measure(process.execPath, [...NODE_FLAGS, SCALE_APP], { cwd: ROOT, env: { ...baseEnv(), CDKTF_OUTDIR: outdir, BENCH_APPS: String(n) }, probe: PROBE });
        if (m.exitCode !== 0) fail(`scale N=${n}`, m);
        const file = join(outdir, 'stacks', SCALE_STACK, 'cdk.tf.json');
        if (!existsSync(file)) { process.stderr.write(`scale N=${n}: ${file} was not written\n`); process.exit(1); }
        const json = readFileSync(file, 'utf8');
        resources = countResources(json);
        jsonBytes = json.length;
        rmSync(outdir, { recursive: true, force: true });
        runs.push(m);
      }
      const s = summarize(runs);
      scale.push({ apps: n, resources, jsonBytes, ...s });
      log(`  N=${n}: ${s.medianWallMs} ms, ${s.medianPeakMb} MB, ${resources} resources`);
    }
  }
  const at = (n: number) => scale.find((s) => s.apps === n);
  const growth = at(10) && at(100) ? round(at(100)!.medianWallMs / at(10)!.medianWallMs, 2) : undefined;
  // Fixed start-up cost hides the shape of the growth in time(100)/time(10); the per-app slope shows it.
  const slope = (a: number, b: number) => (at(a) && at(b) ? round((at(b)!.medianWallMs - at(a)!.medianWallMs) / (b - a), 1) : undefined);
  const perApp = { from1to10: slope(1, 10), from10to50: slope(10, 50), from50to100: slope(50, 100) };

  // Targets.
  const checks: Array<{ target: string; measured: string; ok: boolean; key: string }> = [
    { key: 'synthAllTime', target: `all stacks < ${TARGETS.synthAllMs} ms (median)`, measured: `${compiled.medianWallMs} ms`, ok: compiled.medianWallMs < TARGETS.synthAllMs },
    { key: 'synthAllMemory', target: `all stacks < ${TARGETS.synthAllMb} MB (worst run)`, measured: `${compiled.maxPeakMb} MB`, ok: compiled.maxPeakMb < TARGETS.synthAllMb },
    { key: 'speedup', target: `>= ${TARGETS.speedup}x faster than ts-node`, measured: `${speedup}x`, ok: speedup >= TARGETS.speedup },
  ];
  if (at(100)) checks.push({ key: 'scale100', target: `100 apps in one stack < ${TARGETS.scale100Ms} ms`, measured: `${at(100)!.medianWallMs} ms`, ok: at(100)!.medianWallMs < TARGETS.scale100Ms });
  if (growth !== undefined) checks.push({ key: 'growth', target: `time(100)/time(10) <= ${TARGETS.growth10to100} (linear)`, measured: `${growth}x`, ok: growth <= TARGETS.growth10to100 });

  // Profiles where a target is missed (or when asked).
  const force = process.env.BENCH_PROFILE === '1';
  const profiles: Record<string, ProfileSummary> = {};
  const missed = (key: string) => checks.some((c) => c.key === key && !c.ok);
  if (force || missed('synthAllTime') || missed('synthAllMemory') || missed('speedup')) {
    log('profiling the compiled synth of every stack ...');
    profiles.synthAll = await profile('all', process.execPath, COMPILED.args, baseEnv());
  }
  if (at(100) && (force || missed('scale100') || missed('growth'))) {
    log('profiling the 100-app stack ...');
    profiles.scale100 = await profile('scale100', process.execPath, [...NODE_FLAGS, SCALE_APP], { ...baseEnv(), BENCH_APPS: '100' });
  }

  // 3. npm test, once.
  let npmTest: { wallMs: number; exitCode: number } | undefined;
  if (process.env.BENCH_SKIP_NPM_TEST !== '1') {
    log('npm test (once) ...');
    const m = await measure('npm', ['test'], { cwd: ROOT, env: baseEnv(), probe: PROBE, keepChars: 8000 });
    npmTest = { wallMs: round(m.wallMs, 0), exitCode: m.exitCode };
    if (m.exitCode !== 0) log(`  npm test exited with ${m.exitCode}; tail of its output:\n${m.stdout.slice(-2000)}\n${m.stderr.slice(-2000)}`);
  }

  // Report.
  const synthRows = [
    ['way', 'runs', 'median wall', 'min-max wall', 'median peak (tree)', 'worst peak (tree)', 'largest process'],
    ...wayRows([[COMPILED.name, compiled], [TS_NODE.name, tsNode]]),
    ['ratio (ts-node / compiled)', '', `${speedup}x`, '', `${memoryRatio}x`, '', ''],
    ...wayRows([[COMPILED_NO_CACHE.name, noCache]]),
    ['ratio (without / with the compile cache)', '', `${cacheGain}x`, '', `${round(noCache.medianPeakMb / compiled.medianPeakMb, 2)}x`, '', ''],
    ...wayRows([[COMPILED_COLD.name, cold], ...(noFlags ? [[COMPILED_NO_FLAGS.name, noFlags] as [string, Summary]] : [])]),
  ];
  const appRows = [
    ['command (sh -c, from the project folder)', 'case', 'runs', 'median wall', 'min-max wall', 'median - synthesis alone'],
    ...appCommand.rows.map((r) => [r.label, r.case, String(r.summary.runs), `${r.summary.medianWallMs} ms`, `${r.summary.minWallMs}-${r.summary.maxWallMs} ms`,
      r.case === 'synthesis alone' ? '' : `+${round(r.summary.medianWallMs - appCommand.synthAlone.medianWallMs, 1)} ms`]),
  ];
  const scaleRows = [
    ['apps in one stack', 'resources', 'JSON', 'median wall', 'min-max wall', 'median peak', 'worst peak'],
    ...scale.map((s) => [String(s.apps), String(s.resources), `${round(s.jsonBytes / 1e6, 2)} MB`, `${s.medianWallMs} ms`, `${s.minWallMs}-${s.maxWallMs} ms`, `${s.medianPeakMb} MB`, `${s.maxPeakMb} MB`]),
  ];
  const targetRows = [['target', 'measured', 'result'], ...checks.map((c) => [c.target, c.measured, verdict(c.ok)])];
  const profileText = Object.entries(profiles).map(([name, p]) => [
    `profile ${name} (${p.totalMs} ms sampled), top self time by function:`,
    table([['function (file:line)', 'self ms', '%'], ...p.topFunctions.map((f) => [f.name, String(f.selfMs), String(f.percent)])]),
    'by source:',
    table([['source', 'self ms', '%'], ...p.topSources.map((f) => [f.name, String(f.selfMs), String(f.percent)])]),
    'callers of the top functions:',
    table([['function <- callers', 'self ms', '%'], ...p.callers.map((f) => [f.name, String(f.selfMs), String(f.percent)])]),
  ].join('\n')).join('\n\n');

  const machineLine = `${info.cpuModel}, ${info.cores} cores, ${info.memoryGb} GB RAM, ${info.os}, node ${info.node}, typescript ${info.typescript} (ts-node on ${info.typescriptForTsNode}), ${info.date}`;
  const text = [
    `Machine: ${machineLine}`,
    '',
    `One-off compile (tsc ${info.typescript}, full): ${round(build.wallMs / 1000, 2)} s`,
    '',
    `1. Synth of every stack (${STACKS.join(', ')}; ${STACKS.map((s) => `${s} ${stackResources[s]}`).join(', ')} resources), ${RUNS} runs each way, in rotation, after one warm-up each; every way writes identical JSON`,
    table(synthRows),
    '',
    `1b. The app command as cdktf runs it, on a copy of the project, ${RUNS} rounds: cold (no dist/, no build info), warm (nothing changed), after a one-line edit (a comment line appended to ${EDITED_FILE}, then the file restored); every run synthesized the same JSON as above and the edit reached the compiled file`,
    `cdktf.json "app": ${appCommand.command}`,
    table(appRows),
    '',
    scaleSkipped ? `2. Scale: skipped (${scaleSkipped})` : `2. Scale: one stack holding N complete ERP apps (database, vault, tunnel routes, app service), ${SCALE_RUNS} runs per N`,
    ...(scaleSkipped ? [] : [
      table(scaleRows),
      `growth 10 -> 100 apps: time x${growth} (linear would be x10); per added app: ${perApp.from1to10} ms (1-10), ${perApp.from10to50} ms (10-50), ${perApp.from50to100} ms (50-100)`,
    ]),
    '',
    `3. npm test: ${npmTest ? `${round(npmTest.wallMs / 1000, 1)} s (exit code ${npmTest.exitCode})` : 'skipped (BENCH_SKIP_NPM_TEST=1)'}`,
    '',
    'Targets (2-core machine):',
    table(targetRows),
    ...(profileText ? ['', profileText] : []),
    '',
    'The compiled app runs as cdktf.json runs it: the compile cache on (filled by the warm-up run; the "first run" row starts from an empty one) and the node flags of its app command.',
    'In 1b the times are wall times of the whole command (shell, build step, synthesis); "synthesis alone" is `node <flags> dist/main.js` in the same copy. cdktf also sets NODE_OPTIONS=--max-old-space-size=4096 when it is unset; 1b leaves it unset, as every other run here (V8 rejects code cached under other flags).',
    'Memory is the peak resident set of the whole process tree: the sum of each Node.js process\'s own getrusage() peak, recorded at its exit; "largest process" is GNU time\'s %M. MB = 10^6 bytes.',
  ].join('\n');
  log('');
  log(text);

  const results = {
    machine: info,
    targets: TARGETS,
    build: { command: 'tsc -p bench/tsconfig.json', wallMs: round(build.wallMs, 0) },
    synthAll: {
      stacks: STACKS, resources: stackResources, identicalOutput: true, nodeFlags: NODE_FLAGS, compiled, tsNode, speedup, memoryRatio,
      withoutCompileCache: noCache, withoutOverWithCompileCache: cacheGain, firstRun: cold, withoutNodeFlags: noFlags,
    },
    appCommand: {
      command: appCommand.command,
      editedFile: EDITED_FILE,
      synthAlone: appCommand.synthAlone,
      cases: appCommand.rows.map((r) => ({ command: r.command, case: r.case, ...r.summary })),
      before: BEFORE_COMMAND,
    },
    scale: scaleSkipped ? { skipped: scaleSkipped } : { runsPerN: SCALE_RUNS, points: scale, growth10to100: growth, perAppMs: perApp },
    npmTest: npmTest ?? { skipped: true },
    checks: checks.map(({ key, target, measured, ok }) => ({ key, target, measured, result: verdict(ok) })),
    profiles,
  };
  mkdirSync(join(ROOT, 'bench'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(ROOT, 'bench', 'RESULTS.md'), `# Synth benchmark (npm run bench)\n\n\`\`\`\n${text}\n\`\`\`\n`);
  log('\nwrote bench/results.json and bench/RESULTS.md');
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
