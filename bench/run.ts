/**
 * `npm run bench`: synth speed and memory.
 *
 * 1. Every stack (dev, prod, ha, local) synthesized the project's way (compiled
 *    once by tsc, then `node main.js`) against the way `cdktf init` sets a
 *    project up (`npx ts-node main.ts`, type-checking, on TypeScript 5 since
 *    ts-node cannot drive TypeScript 7), on the same code, alternating.
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
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { RunMeasure, kbToMb, measure, median } from './measure';
import { ProfileSummary, summarizeProfile } from './profile';
import { SCALE_STACK } from './scale-stack-name';

const ROOT = resolve(__dirname, '..', '..');
const DIST = join(ROOT, 'dist-bench');
const PROBE = join(DIST, 'bench', 'rss-probe.js');
const SCALE_APP = join(DIST, 'bench', 'scale-main.js');
const STACKS = ['dev', 'prod', 'ha', 'local'];
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
  return env;
}

interface Way {
  readonly name: string;
  readonly command: string;
  readonly args: string[];
  readonly env: NodeJS.ProcessEnv;
}

/**
 * The node flags of the app command in cdktf.json (`npx tsc ... && node <flags> dist/main.js`),
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

/** The same without the app command's V8 flags. */
const COMPILED_NO_FLAGS: Way = { ...COMPILED, name: 'compiled, without the V8 flags', args: [join(DIST, 'main.js')] };

const TS_NODE: Way = {
  name: 'cdktf init way (npx ts-node main.ts)',
  command: 'npx',
  args: ['ts-node', 'main.ts'],
  env: { ...baseEnv(), TS_NODE_COMPILER: 'typescript5' },
};

function fail(what: string, m: RunMeasure): never {
  process.stderr.write(`${what} failed with exit code ${m.exitCode}\n--- stdout (tail)\n${m.stdout.slice(-4000)}\n--- stderr (tail)\n${m.stderr.slice(-4000)}\n`);
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

async function main(): Promise<void> {
  const info = machine();
  log(`machine: ${info.cpuModel}, ${info.cores} cores, ${info.memoryGb} GB, node ${info.node}, ${info.date}`);

  // 0. The one-off compile of the project's way (full, not incremental).
  log('compiling (tsc -p bench/tsconfig.json) ...');
  const build = await measure(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', join('bench', 'tsconfig.json')], { cwd: ROOT, env: baseEnv(), probe: PROBE });
  if (build.exitCode !== 0) fail('tsc', build);
  log(`  ${round(build.wallMs / 1000, 2)} s`);

  // 1. Every stack, both ways, alternating; one warm-up of each not counted.
  log(`synth of every stack: 1 warm-up + ${RUNS} runs each way, alternating ...`);
  const compiledWarm = await synthOnce(COMPILED, 'compiled');
  const tsNodeWarm = await synthOnce(TS_NODE, 'tsnode');
  const sameOutput = STACKS.filter((s) => compiledWarm.files[s] !== tsNodeWarm.files[s]);
  if (sameOutput.length > 0) {
    process.stderr.write(`the two ways synthesized different JSON for: ${sameOutput.join(', ')}\n`);
    process.exit(1);
  }
  const stackResources = Object.fromEntries(STACKS.map((s) => [s, countResources(compiledWarm.files[s])]));
  const compiledRuns: RunMeasure[] = [];
  const tsNodeRuns: RunMeasure[] = [];
  for (let i = 0; i < RUNS; i++) {
    const order: Array<[Way, RunMeasure[]]> = i % 2 === 0 ? [[COMPILED, compiledRuns], [TS_NODE, tsNodeRuns]] : [[TS_NODE, tsNodeRuns], [COMPILED, compiledRuns]];
    for (const [way, runs] of order) {
      const { m } = await synthOnce(way, way === COMPILED ? 'compiled' : 'tsnode');
      runs.push(m);
      log(`  run ${i + 1} ${way === COMPILED ? 'compiled' : 'ts-node '}: ${round(m.wallMs, 0)} ms, ${round(kbToMb(m.peakTreeKb), 1)} MB`);
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
  const tsNode = summarize(tsNodeRuns);
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
    ...wayRows([[COMPILED_COLD.name, cold], ...(noFlags ? [[COMPILED_NO_FLAGS.name, noFlags] as [string, Summary]] : [])]),
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
    `1. Synth of every stack (${STACKS.join(', ')}; ${STACKS.map((s) => `${s} ${stackResources[s]}`).join(', ')} resources), ${RUNS} runs each way, alternating, after one warm-up each; both ways write identical JSON`,
    table(synthRows),
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
    'Memory is the peak resident set of the whole process tree: the sum of each Node.js process\'s own getrusage() peak, recorded at its exit; "largest process" is GNU time\'s %M. MB = 10^6 bytes.',
  ].join('\n');
  log('');
  log(text);

  const results = {
    machine: info,
    targets: TARGETS,
    build: { command: 'tsc -p bench/tsconfig.json', wallMs: round(build.wallMs, 0) },
    synthAll: { stacks: STACKS, resources: stackResources, identicalOutput: true, nodeFlags: NODE_FLAGS, compiled, tsNode, speedup, memoryRatio, firstRun: cold, withoutNodeFlags: noFlags },
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
