/**
 * The package as its users get it (`npm run consumer-check`, the last step of `npm test`).
 *
 * 1. `npm pack`: the tarball a user installs from npm.
 * 2. A new project in the system's temporary folder, outside this repository, and the README's
 *    install lines run in it as written, with the tarball in place of the package name.
 * 3. Every `examples/<app>/main.ts`, and every TypeScript code block of the README and of
 *    docs/tiers.md, copied in, and `tsc` (strict, the settings `cdktf init` writes) run over
 *    them against the installed `.d.ts` only: nothing maps the package name to the sources.
 *    Then once more with Node.js's own module resolution (`nodenext`), which reads the
 *    package's `exports`.
 * 4. Each program run with `node`: each must write a cdktf manifest and at least one stack.
 * 5. The tiers layer: `examples/tiers/main.ts` (the ten-line app of docs/tiers.md) fed the
 *    built-in example description must write byte for byte the stacks that this repository's
 *    `npm run synth` writes.
 *
 * Set ERP_CONSUMER_KEEP=1 to keep the temporary project for a look.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const PACKAGE_NAME = 'cdktf-erp-constructs';

/** The pages whose TypeScript blocks a user copies. */
export const DOC_PAGES = ['README.md', 'docs/tiers.md'];

/** One fenced code block of a markdown page. */
export interface CodeBlock {
  readonly page: string;
  readonly language: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly text: string;
}

/** Every fenced code block of a markdown text. */
export function codeBlocks(page: string, markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    blocks.push({ page, language: open[1], line: start + 1, text: `${body.join('\n')}\n` });
  }
  return blocks;
}

/**
 * The install lines of the README: the `npm install` commands of its `sh` blocks, with
 * continuation lines joined, in order.
 */
export function installLines(readme: string): string[] {
  const out: string[] = [];
  for (const b of codeBlocks('README.md', readme)) {
    if (b.language !== 'sh') continue;
    const joined = b.text.replace(/\\\n\s*/g, ' ').split('\n').map((l) => l.trim());
    out.push(...joined.filter((l) => /^npm install\b/.test(l)));
  }
  return out;
}

/** An install line with the package name (alone, without a version or a path) replaced by the tarball. */
export function againstTarball(line: string, tarball: string): string {
  const words = line.split(/\s+/);
  if (!words.includes(PACKAGE_NAME)) return line;
  return words.map((w) => (w === PACKAGE_NAME ? tarball : w)).join(' ');
}

/** The tsconfig `cdktf init --template=typescript` writes, as a user's project has it. */
export const CDKTF_INIT_TSCONFIG = {
  compilerOptions: {
    alwaysStrict: true,
    declaration: true,
    experimentalDecorators: true,
    inlineSourceMap: true,
    inlineSources: true,
    lib: ['es2018'],
    module: 'CommonJS',
    noEmitOnError: true,
    noFallthroughCasesInSwitch: true,
    noImplicitAny: true,
    noImplicitReturns: true,
    noImplicitThis: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    resolveJsonModule: true,
    strict: true,
    strictNullChecks: true,
    strictPropertyInitialization: true,
    stripInternal: true,
    target: 'ES2018',
    incremental: true,
    skipLibCheck: true,
    types: ['node'],
  },
  include: ['**/*.ts'],
  exclude: ['node_modules', 'cdktf.out'],
};

function log(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    throw new Error(`${[command, ...args].join(' ')} (in ${cwd}) exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

/** Files under a folder, relative, sorted. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

/** The environment of a synth: no backend or description choice inherited from the caller's shell. */
function synthEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', ...extra };
  for (const k of Object.keys(env)) {
    if (/^(ERP_|TF_CLOUD_|CDKTF_)/.test(k) && !(k in extra)) delete env[k];
  }
  return env;
}

function main(): void {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'erp-consumer-'));
  const project = join(work, 'app');
  mkdirSync(project);
  let ok = false;
  try {
    // 1. The tarball.
    const packed = run('npm', ['pack', '--silent', '--pack-destination', work], ROOT).trim().split('\n').pop()!;
    const tarball = join(work, basename(packed));
    log(`packed ${relative(work, tarball)} (${(statSync(tarball).size / 1024).toFixed(0)} KiB)`);

    // 2. A new project and the README's install lines.
    writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'erp-consumer', version: '1.0.0', private: true }, null, 2)}\n`);
    const lines = installLines(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    if (!lines.some((l) => l.split(/\s+/).includes(PACKAGE_NAME))) {
      throw new Error(`README.md has no \`npm install ${PACKAGE_NAME} ...\` line in a sh block`);
    }
    const npmEnv = { ...process.env, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
    for (const line of lines) {
      const cmd = againstTarball(line, tarball);
      log(`$ ${line}`);
      run('sh', ['-c', cmd], project, npmEnv);
    }
    const installed = join(project, 'node_modules', PACKAGE_NAME);
    if (existsSync(join(installed, 'lib'))) throw new Error('the tarball ships lib/ sources');
    const patching = filesUnder(installed).filter((f) => f.endsWith('.js') && /Module\.prototype\._compile|Module\._extensions/.test(readFileSync(join(installed, f), 'utf8')));
    if (patching.length > 0) throw new Error(`the package patches Node.js's module loader: ${patching.join(', ')}`);

    // 3. The programs: examples and the pages' TypeScript blocks.
    const programs: string[] = [];
    for (const name of readdirSync(join(ROOT, 'examples')).sort()) {
      const src = join(ROOT, 'examples', name, 'main.ts');
      if (!existsSync(src)) continue;
      const dest = join(project, 'examples', name, 'main.ts');
      mkdirSync(dirname(dest), { recursive: true });
      cpSync(src, dest);
      programs.push(dest);
    }
    for (const page of DOC_PAGES) {
      const blocks = codeBlocks(page, readFileSync(join(ROOT, page), 'utf8')).filter((b) => b.language === 'ts' || b.language === 'typescript');
      for (const b of blocks) {
        const dest = join(project, 'pages', `${page.replace(/[^A-Za-z0-9]+/g, '-')}-line-${b.line}`, 'main.ts');
        mkdirSync(dirname(dest), { recursive: true });
        writeFileSync(dest, b.text);
        programs.push(dest);
      }
    }
    writeFileSync(join(project, 'tsconfig.json'), `${JSON.stringify(CDKTF_INIT_TSCONFIG, null, 2)}\n`);
    const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
    if (!existsSync(tsc)) throw new Error('the README\'s install lines do not install TypeScript');
    const tscVersion = run(process.execPath, [tsc, '--version'], project).trim();
    run(process.execPath, [tsc, '-p', 'tsconfig.json'], project);
    log(`tsc (${tscVersion}, cdktf init's strict settings, module CommonJS): ${programs.length} programs compile`);
    writeFileSync(join(project, 'tsconfig.nodenext.json'), `${JSON.stringify({
      extends: './tsconfig.json',
      compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', noEmit: true, incremental: false },
    }, null, 2)}\n`);
    run(process.execPath, [tsc, '-p', 'tsconfig.nodenext.json'], project);
    log(`tsc (module nodenext, through the package's exports): ${programs.length} programs compile`);

    // 4. Each program synthesizes.
    for (const program of programs) {
      const dir = dirname(program);
      const name = relative(project, dir);
      // A program of the tiers layer reads its description from ERP_APP_DESCRIPTION: the built-in example.
      const readsDescription = readFileSync(program, 'utf8').includes('loadAppDescriptionFile');
      if (readsDescription) writeBuiltInDescription(join(work, 'erp.json'));
      const env = synthEnv(readsDescription ? { ERP_APP_DESCRIPTION: join(work, 'erp.json') } : {});
      run(process.execPath, ['main.js'], dir, env);
      const stacks = join(dir, 'cdktf.out', 'stacks');
      const written = existsSync(stacks) ? readdirSync(stacks).filter((s) => existsSync(join(stacks, s, 'cdk.tf.json'))) : [];
      if (written.length === 0) throw new Error(`${name}/main.ts wrote no stack`);
      log(`synth ${name}: ${written.join(', ')}`);
    }

    // 5. The tiers layer against this repository's own app.
    const repoOut = join(work, 'repo-synth');
    run(process.execPath, [join(ROOT, 'dist', 'main.js')], ROOT, synthEnv({ CDKTF_OUTDIR: repoOut }));
    const consumerStacks = join(project, 'examples', 'tiers', 'cdktf.out', 'stacks');
    const repoStacks = join(repoOut, 'stacks');
    const a = filesUnder(repoStacks);
    const b = filesUnder(consumerStacks);
    if (a.join('\n') !== b.join('\n')) throw new Error(`the tiers consumer wrote other files than npm run synth:\n  repo: ${a.join(' ')}\n  consumer: ${b.join(' ')}`);
    for (const f of a) {
      if (!readFileSync(join(repoStacks, f)).equals(readFileSync(join(consumerStacks, f)))) {
        throw new Error(`examples/tiers (from the tarball) and npm run synth differ in stacks/${f}`);
      }
    }
    log(`examples/tiers from the tarball = npm run synth, byte for byte: ${a.join(', ')}`);
    ok = true;
  } finally {
    if (process.env.ERP_CONSUMER_KEEP === '1' || !ok) log(`project kept at ${project}`);
    else rmSync(work, { recursive: true, force: true });
  }
  log(`consumer check passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** The built-in example description, as the file a user would write. */
function writeBuiltInDescription(file: string): void {
  const { LARAVEL_INVOICING_EXAMPLE } = require(join(ROOT, 'dist', 'stacks', 'description', 'laravel-example.js'));
  writeFileSync(file, `${JSON.stringify(LARAVEL_INVOICING_EXAMPLE, null, 2)}\n`);
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    process.stderr.write(`consumer check FAILED: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
