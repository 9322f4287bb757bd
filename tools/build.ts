/**
 * Repository tooling, not part of the published package: the build step of the
 * app command (cdktf.json "app", `npm run synth`, `npm run build`).
 *
 * `node dist/tools/build.js [-p tsconfig.json]` compiles the project with tsc,
 * incrementally (`--incremental`, the build info beside the output in
 * `<outDir>/tsconfig.tsbuildinfo`), and skips tsc altogether when nothing it
 * would read or write changed since its last successful run. tsc checks an
 * unchanged project in 0.3-0.4 s (it parses every source and declaration file
 * again); this step decides in a few milliseconds.
 *
 * It records, in `<outDir>/.build-stamp.json`, after each run of tsc:
 * - the text of the project's sources (every file the config's "include"
 *   patterns reach), of the config and of package.json (its "type" decides the
 *   module format), hashed: any edit, even one that keeps the size and time;
 * - size, modification time and inode of every other file tsc read (the
 *   declarations in node_modules, listed by the build info) and the TypeScript
 *   version;
 * - size, modification time and inode of every file in the output folder.
 * tsc runs when any of these differs, or when the last run failed (its errors
 * are printed again). When the output folder was changed by something else (a
 * file deleted, a plain `tsc` over it), the build info is dropped first and
 * tsc compiles everything: tsc --incremental alone would not write an output
 * again that was deleted after it.
 *
 * The app command runs it after a first `tsc` when `dist/tools/build.js` does
 * not exist yet (a fresh clone or after `rm -rf dist`).
 */
import { spawnSync } from 'node:child_process';
import { createHash, type Hash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { copyAssets, isAsset } from './assets';

/** Bump when what the stamp records changes. */
const STAMP_VERSION = 1;
const STAMP_NAME = '.build-stamp.json';
const BUILD_INFO_NAME = 'tsconfig.tsbuildinfo';

interface Stamp {
  readonly version: number;
  /** tsc exited with 0. */
  readonly ok: boolean;
  readonly sources: string;
  readonly dependencies: string;
  readonly outputs: string;
}

interface Project {
  readonly root: string;
  readonly configFile: string;
  readonly outDir: string;
  readonly include: readonly string[];
  /** Files the config depends on besides itself ("extends"). */
  readonly configFiles: readonly string[];
}

function readProject(configFile: string): Project {
  const root = dirname(configFile);
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as { extends?: string; include?: string[]; compilerOptions?: { outDir?: string } };
  if (!config.compilerOptions?.outDir) throw new Error(`${configFile}: compilerOptions.outDir is needed (the build info and the stamp are kept there)`);
  const extended = typeof config.extends === 'string' && config.extends.startsWith('.') ? [resolve(root, config.extends)] : [];
  return {
    root,
    configFile,
    outDir: resolve(root, config.compilerOptions.outDir),
    include: config.include ?? ['**/*'],
    configFiles: extended,
  };
}

/** Every file under `dir` (sorted), skipping node_modules, dot folders and `skip`. */
function walk(dir: string, skip: string, out: string[]): void {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(dir, name);
    let st;
    try {
      st = statSync(path);
    } catch {
      continue;
    }
    if (st.isDirectory()) {
      if (name !== 'node_modules' && !name.startsWith('.') && path !== skip) walk(path, skip, out);
    } else {
      out.push(path);
    }
  }
}

/** The files the "include" patterns can reach (a superset: "lib/**\/*.ts" is every .ts file under lib). */
function sourceFiles(project: Project): string[] {
  const files: string[] = [];
  for (const pattern of project.include) {
    const star = pattern.indexOf('*');
    if (star < 0) {
      files.push(resolve(project.root, pattern));
      continue;
    }
    const base = resolve(project.root, pattern.slice(0, star).replace(/\/[^/]*$/, '') || '.');
    const suffix = pattern.slice(pattern.lastIndexOf('*') + 1);
    const found: string[] = [];
    walk(base, project.outDir, found);
    files.push(...found.filter((f) => f.endsWith(suffix)));
  }
  return [...new Set(files)].sort();
}

function hashText(hash: Hash, label: string, file: string): void {
  let text: Buffer | string;
  try {
    text = readFileSync(file);
  } catch {
    text = '(missing)';
  }
  hash.update(`${label}\0${text.length}\0`).update(text).update('\0');
}

function hashStat(hash: Hash, label: string, file: string): void {
  let key = '(missing)';
  try {
    const st = statSync(file);
    key = `${st.size}\0${st.mtimeMs}\0${st.ino}`;
  } catch { /* recorded as missing */ }
  hash.update(`${label}\0${key}\0`);
}

function sourcesSignature(project: Project): string {
  const hash = createHash('sha1');
  hash.update(`${STAMP_VERSION}\0${tscArgs(project).join(' ')}\0`);
  for (const file of [project.configFile, ...project.configFiles, join(project.root, 'package.json'), ...sourceFiles(project)]) {
    hashText(hash, relative(project.root, file), file);
  }
  return hash.digest('hex');
}

/** The TypeScript version and every file the last build read besides the sources, from its build info. */
function dependenciesSignature(project: Project): string | undefined {
  const buildInfo = join(project.outDir, BUILD_INFO_NAME);
  let fileNames: unknown;
  try {
    fileNames = (JSON.parse(readFileSync(buildInfo, 'utf8')) as { fileNames?: unknown }).fileNames;
  } catch {
    return undefined;
  }
  if (!Array.isArray(fileNames)) return undefined;
  const hash = createHash('sha1');
  hashText(hash, 'typescript', join(project.root, 'node_modules', 'typescript', 'package.json'));
  for (const name of fileNames) {
    // lib.*.d.ts files are named without a folder: they come with the TypeScript version.
    if (typeof name === 'string' && name.includes('/')) hashStat(hash, name, resolve(project.outDir, name));
  }
  return hash.digest('hex');
}

function outputsSignature(project: Project): string {
  const files: string[] = [];
  walk(project.outDir, '', files);
  const hash = createHash('sha1');
  for (const file of files) {
    // assets are copied at every run (tools/assets.ts), tsc does not write them
    if (!file.endsWith(STAMP_NAME) && !isAsset(file)) hashStat(hash, relative(project.outDir, file), file);
  }
  return hash.digest('hex');
}

function tscArgs(project: Project): string[] {
  return ['-p', project.configFile, '--incremental', '--tsBuildInfoFile', join(project.outDir, BUILD_INFO_NAME)];
}

/**
 * The tsc command: TypeScript 7's native compiler itself when it can be found (as its
 * `bin/tsc` finds it), which saves the start of the Node.js wrapper; else that wrapper.
 */
function tscCommand(root: string): [string, string[]] {
  try {
    const pkg = require.resolve(`@typescript/typescript-${process.platform}-${process.arch}/package.json`, { paths: [root] });
    const exe = join(dirname(pkg), 'lib', process.platform === 'win32' ? 'tsc.exe' : 'tsc');
    if (existsSync(exe)) return [exe, []];
  } catch { /* the wrapper below */ }
  return [process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc')]];
}

function readStamp(file: string): Stamp | undefined {
  try {
    const stamp = JSON.parse(readFileSync(file, 'utf8')) as Stamp;
    return stamp.version === STAMP_VERSION ? stamp : undefined;
  } catch {
    return undefined;
  }
}

/** What `build` did. */
export interface BuildResult {
  /** tsc's exit code (0 when skipped). */
  readonly code: number;
  /** `skipped` (nothing changed), `incremental` (tsc with the build info) or `full` (the build info dropped first: the outputs had been changed by something else). */
  readonly tsc: 'skipped' | 'incremental' | 'full';
  /** tsc's output, when `stdio` is `pipe`. */
  readonly output?: string;
}

/** Runs the build step for the tsc config `configFile`. */
export function build(configFile: string, stdio: 'inherit' | 'pipe' = 'inherit'): BuildResult {
  const project = readProject(resolve(configFile));
  copyAssets(project.root, project.outDir);
  const stampFile = join(project.outDir, STAMP_NAME);
  const stamp = readStamp(stampFile);
  const sources = sourcesSignature(project);
  const outputs = outputsSignature(project);
  if (stamp?.ok && stamp.sources === sources && stamp.outputs === outputs && stamp.dependencies === dependenciesSignature(project)) {
    return { code: 0, tsc: 'skipped' };
  }
  // Outputs changed since the last build: the build info no longer describes them.
  const full = stamp !== undefined && stamp.outputs !== outputs;
  if (full) rmSync(join(project.outDir, BUILD_INFO_NAME), { force: true });
  const [command, prefix] = tscCommand(project.root);
  const run = spawnSync(command, [...prefix, ...tscArgs(project)], { cwd: project.root, stdio, encoding: 'utf8' });
  const code = run.status ?? 1;
  const output = stdio === 'pipe' ? `${run.stdout ?? ''}${run.stderr ?? ''}${run.error ? `${command}: ${run.error.message}\n` : ''}` : undefined;
  if (run.error && stdio === 'inherit') process.stderr.write(`${command}: ${run.error.message}\n`);
  const next: Stamp = {
    version: STAMP_VERSION,
    ok: code === 0,
    sources,
    dependencies: dependenciesSignature(project) ?? '',
    outputs: outputsSignature(project),
  };
  try {
    writeFileSync(stampFile, `${JSON.stringify(next)}\n`);
  } catch { /* no stamp: tsc runs again next time */ }
  return { code, tsc: full ? 'full' : 'incremental', output };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const at = args.findIndex((a) => a === '-p' || a === '--project');
  process.exitCode = build(at >= 0 && args[at + 1] ? args[at + 1] : 'tsconfig.json').code;
}
