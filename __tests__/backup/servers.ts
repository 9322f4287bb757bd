/**
 * Real servers for the end-to-end tests of the backup and restore scripts: PostgreSQL
 * (Debian's `postgresql`), MariaDB (Debian's `mariadb-server`), a local S3-compatible
 * server (`s3rver` from npm, driven by Debian's AWS CLI v2 at /usr/bin/aws) and a
 * heartbeat receiver.
 *
 * Every server runs in its own temporary directory on a random free port on 127.0.0.1.
 * `stop()` halts a server and keeps its data, so `start()` brings it back on the same port
 * with the same data ("database down", "bucket unreachable" cases); `destroy()` stops it
 * and removes its directory. Whatever a test forgets is killed and removed when the jest
 * worker exits. Servers run as child processes, never inside the jest process, so a test
 * may also run the scripts with the synchronous `execFileSync`/`spawnSync`.
 *
 * Tools come from the machine, not from npm (except s3rver): `e2eTools()` says what is
 * missing, and `describeE2E()` skips a suite with a warning, or fails it when
 * `ERP_E2E_REQUIRED=1` (set by `.ci/run`), so CI never skips silently.
 */
import { ChildProcess, execFile, spawn, spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

const aws4 = require('aws4') as {
  sign(req: Record<string, unknown>, creds: { accessKeyId: string; secretAccessKey: string }): { headers: Record<string, string> };
};

const HOST = '127.0.0.1';
/** Debian's AWS CLI v2; `aws` earlier on a developer's PATH (pyenv) is often v1. */
export const DEBIAN_AWS = '/usr/bin/aws';
const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/local/bin', '/usr/bin', '/bin'];

// ---------------------------------------------------------------------------------------
// Tools
// ---------------------------------------------------------------------------------------

export interface E2eTools {
  /** True when every tool below was found. */
  readonly available: boolean;
  /** One entry per missing tool: `<tool> (<how to install it>)`. */
  readonly missing: string[];
}

interface ToolPaths {
  pgBinDir?: string;
  mariadbd?: string;
  mariadbInstallDb?: string;
  mariadbClient?: string;
  mariadbDump?: string;
  aws?: string;
  s3rver?: string;
  runuser?: string;
  gzip?: string;
  curl?: string;
}

let toolCache: { paths: ToolPaths; report: E2eTools } | undefined;

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The first of `names` found on PATH or in the sbin/bin directories. */
function findExecutable(names: readonly string[]): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...SBIN_DIRS];
  for (const name of names) {
    for (const dir of dirs) {
      const file = path.join(dir, name);
      if (isExecutable(file)) return file;
    }
  }
  return undefined;
}

/** Debian keeps the server binaries in /usr/lib/postgresql/<major>/bin; take the newest. */
function findPgBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  let majors: string[] = [];
  try {
    majors = fs.readdirSync(root).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a));
  } catch {
    // not Debian's layout
  }
  for (const major of majors) {
    const bin = path.join(root, major, 'bin');
    if (['initdb', 'pg_ctl', 'postgres', 'psql', 'pg_dump'].every((t) => isExecutable(path.join(bin, t)))) return bin;
  }
  const initdb = findExecutable(['initdb']);
  return initdb ? path.dirname(initdb) : undefined;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function systemUser(name: string): { uid: number; gid: number } | undefined {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function resolveS3rver(): string | undefined {
  try {
    return require.resolve('s3rver/bin/s3rver.js');
  } catch {
    return undefined;
  }
}

function tools(): { paths: ToolPaths; report: E2eTools } {
  if (toolCache) return toolCache;
  const missing: string[] = [];
  const paths: ToolPaths = {
    pgBinDir: findPgBinDir(),
    mariadbd: findExecutable(['mariadbd', 'mysqld']),
    mariadbInstallDb: findExecutable(['mariadb-install-db', 'mysql_install_db']),
    mariadbClient: findExecutable(['mariadb', 'mysql']),
    mariadbDump: findExecutable(['mariadb-dump', 'mysqldump']),
    aws: isExecutable(DEBIAN_AWS) ? DEBIAN_AWS : undefined,
    s3rver: resolveS3rver(),
    runuser: findExecutable(['runuser']),
    gzip: findExecutable(['gzip']),
    curl: findExecutable(['curl']),
  };
  if (!paths.pgBinDir) missing.push('initdb, pg_ctl, postgres, psql, pg_dump (apt-get install postgresql)');
  if (!paths.mariadbd) missing.push('mariadbd (apt-get install mariadb-server)');
  if (!paths.mariadbInstallDb) missing.push('mariadb-install-db (apt-get install mariadb-server)');
  if (!paths.mariadbClient) missing.push('mariadb (apt-get install mariadb-client)');
  if (!paths.mariadbDump) missing.push('mariadb-dump (apt-get install mariadb-client)');
  if (!paths.aws) missing.push(`${DEBIAN_AWS}, the AWS CLI v2 (apt-get install awscli)`);
  if (!paths.s3rver) missing.push('s3rver (npm ci: it is a devDependency)');
  if (!paths.gzip) missing.push('gzip (apt-get install gzip)');
  if (!paths.curl) missing.push('curl (apt-get install curl)');
  if (isRoot()) {
    // PostgreSQL refuses to run as root: it runs as the `postgres` user the package creates.
    if (!paths.runuser) missing.push('runuser, to run PostgreSQL as its own user when root (apt-get install util-linux)');
    if (!systemUser('postgres')) missing.push('the postgres system user, to run PostgreSQL when root (apt-get install postgresql)');
  }
  toolCache = { paths, report: { available: missing.length === 0, missing } };
  return toolCache;
}

/** Which of the tools the end-to-end backup tests need are missing on this machine. */
export function e2eTools(): E2eTools {
  const { report } = tools();
  return { available: report.available, missing: [...report.missing] };
}

/** True when `ERP_E2E_REQUIRED=1`: missing tools then fail the tests instead of skipping them. */
export function e2eRequired(): boolean {
  return process.env.ERP_E2E_REQUIRED === '1';
}

/** The message naming what is missing and how to install it. */
export function e2eMissingMessage(): string {
  const { missing } = e2eTools();
  return (
    `The backup end-to-end tests need tools that are missing on this machine:\n  - ${missing.join('\n  - ')}\n` +
    'Install them with: apt-get install -y --no-install-recommends postgresql mariadb-server mariadb-client awscli gzip curl util-linux; npm ci\n' +
    '(.ci/run installs them and sets ERP_E2E_REQUIRED=1, which turns this skip into a failure.)'
  );
}

/**
 * `describe` for suites that need the real servers. With every tool present it is plain
 * `describe`. Otherwise, with `ERP_E2E_REQUIRED=1` the suite is one failing test naming
 * the packages to install; without it the suite is skipped and a warning says why.
 */
export function describeE2E(title: string, body: () => void): void {
  const { available } = e2eTools();
  if (available) {
    describe(title, body);
  } else if (e2eRequired()) {
    describe(title, () => {
      it('fails because the tools it needs are missing and ERP_E2E_REQUIRED=1', () => {
        throw new Error(e2eMissingMessage());
      });
    });
  } else {
    console.warn(`Skipping "${title}": ${e2eMissingMessage()}`);
    describe.skip(title, body);
  }
}

function requireTools(): ToolPaths {
  const { paths, report } = tools();
  if (!report.available) throw new Error(e2eMissingMessage());
  return paths;
}

// ---------------------------------------------------------------------------------------
// Processes, ports, temporary directories, cleanup at exit
// ---------------------------------------------------------------------------------------

/**
 * Cleanup when the test process is gone. Inside jest, `process` is a sandbox copy whose
 * 'exit' event never fires, and a worker may also be killed; so a small detached watchdog
 * process polls for the test process and, once it is gone, stops whatever was not
 * destroyed: `pg_ctl stop -m immediate` for PostgreSQL, SIGKILL for the recorded child
 * pids (only while their command line still names the server's directory), then removes
 * the directories. It reads a journal file that this module appends to.
 */
const WATCHDOG = `
const fs = require('fs'); const { spawnSync } = require('child_process');
const [, parent, journal] = process.argv;
// Our parent is the test process until it dies and we are re-parented (process.ppid is not live).
function alive() {
  try { const st = fs.readFileSync('/proc/self/stat', 'utf8'); return st.slice(st.lastIndexOf(')') + 2).split(' ')[1] === parent; } catch {}
  try { process.kill(Number(parent), 0); return true; } catch { return false; }
}
function cleanup() {
  const live = new Map();
  let lines = [];
  try { lines = fs.readFileSync(journal, 'utf8').split('\\n').filter(Boolean); } catch {}
  for (const line of lines) {
    let e; try { e = JSON.parse(line); } catch { continue; }
    if (e.op === 'add') live.set(e.id, { ...e, pids: [] });
    else if (e.op === 'pid' && live.has(e.id)) live.get(e.id).pids.push(e.pid);
    else if (e.op === 'done') live.delete(e.id);
  }
  for (const e of live.values()) {
    try { if (e.stop && fs.existsSync(e.stop.pidFile)) spawnSync(e.stop.cmd, e.stop.args, { stdio: 'ignore', timeout: 20000, cwd: '/' }); } catch {}
    for (const pid of e.pids) {
      try { if (fs.readFileSync('/proc/' + pid + '/cmdline', 'utf8').includes(e.dir)) process.kill(pid, 'SIGKILL'); } catch {}
    }
    try { fs.rmSync(e.dir, { recursive: true, force: true }); } catch {}
  }
  try { fs.rmSync(journal, { force: true }); } catch {}
}
const timer = setInterval(() => { if (!alive()) { clearInterval(timer); cleanup(); } }, 250);
`;

let journal: string | undefined;
let nextWatchId = 1;

interface Watch {
  /** Records a child pid that belongs to this entry. */
  pid(pid: number): void;
  /** The entry was cleaned up normally. */
  done(): void;
}

/** Registers `dir` (and how to stop what runs in it) with the watchdog, starting it once. */
function watch(dir: string, stop?: { cmd: string; args: string[]; pidFile: string }): Watch {
  if (!journal || !fs.existsSync(journal)) {
    const file = path.join(path.dirname(dir), `erp-e2e-journal-${process.pid}-${randomBytes(4).toString('hex')}.jsonl`);
    fs.writeFileSync(file, '');
    const dog = spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), file], { detached: true, stdio: 'ignore', cwd: '/' });
    dog.unref();
    journal = file;
  }
  const file = journal;
  const id = nextWatchId++;
  const write = (entry: Record<string, unknown>) => fs.appendFileSync(file, `${JSON.stringify({ ...entry, id })}\n`);
  write({ op: 'add', dir, ...(stop ? { stop } : {}) });
  return { pid: (pid) => write({ op: 'pid', pid }), done: () => write({ op: 'done' }) };
}

const destroyers = new Set<() => Promise<void>>();

/** Stops every server this module started in this process and removes their directories. */
export async function destroyAll(): Promise<void> {
  await Promise.all([...destroyers].map((d) => d()));
}

/** A temporary directory other users can reach (PostgreSQL runs as `postgres` when root). */
function makeTempDir(prefix: string): string {
  let base = os.tmpdir();
  try {
    if ((fs.statSync(base).mode & 0o001) === 0) base = '/tmp';
  } catch {
    base = '/tmp';
  }
  return fs.mkdtempSync(path.join(base, `erp-e2e-${prefix}-`));
}

function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** A TCP port on 127.0.0.1 that was free a moment ago (bind port 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface CommandResult {
  /** Exit code; null when a signal ended the process. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CommandOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Written to stdin, which is then closed. */
  readonly input?: string | Buffer;
  /** @default 120000 */
  readonly timeoutMs?: number;
}

/** Runs a command to completion; never rejects on a non-zero exit (read `code`). */
export function runCommand(cmd: string, args: readonly string[], opts: CommandOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      [...args],
      {
        env: opts.env ?? process.env,
        cwd: opts.cwd,
        timeout: opts.timeoutMs ?? 120_000,
        maxBuffer: 512 * 1024 * 1024,
        encoding: 'utf8',
      },
      (err, stdout, stderr) => {
        if (err && typeof (err as NodeJS.ErrnoException).code === 'string') {
          reject(new Error(`${cmd}: ${err.message}`)); // could not start (ENOENT, EACCES)
          return;
        }
        const e = err as (Error & { code?: number | null; signal?: NodeJS.Signals | null }) | null;
        resolve({ code: e ? (e.code ?? null) : 0, signal: e ? (e.signal ?? null) : null, stdout, stderr });
      },
    );
    child.stdin?.on('error', () => undefined); // the command may exit without reading stdin
    child.stdin?.end(opts.input ?? '');
  });
}

/** Runs a command and rejects, with its output, unless it exits 0. */
async function mustRun(cmd: string, args: readonly string[], opts: CommandOptions = {}): Promise<string> {
  const r = await runCommand(cmd, args, opts);
  if (r.code !== 0) {
    throw new Error(
      `${path.basename(cmd)} ${args.join(' ')} exited ${r.code ?? r.signal}\n${r.stderr.trim()}\n${r.stdout.trim()}`.trim(),
    );
  }
  return r.stdout;
}

function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A long-running child process whose output goes to a log file. */
class Daemon {
  private child?: ChildProcess;
  private exit?: Promise<void>;
  private exited = true;
  constructor(
    private readonly name: string,
    private readonly watched?: Watch,
  ) {}

  get running(): boolean {
    return !this.exited;
  }

  spawn(cmd: string, args: readonly string[], logFile: string, env: NodeJS.ProcessEnv = process.env): void {
    const fd = fs.openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(cmd, [...args], { stdio: ['ignore', fd, fd], env, cwd: path.dirname(logFile) });
    } finally {
      fs.closeSync(fd);
    }
    this.child = child;
    this.exited = false;
    this.exit = new Promise<void>((resolve) => {
      const done = () => {
        this.exited = true;
        resolve();
      };
      child.once('exit', done);
      child.once('error', (err) => {
        fs.appendFileSync(logFile, `\n${this.name}: ${err.message}\n`);
        done();
      });
    });
    // Never keep jest alive; the watchdog kills it if nobody stops it.
    child.unref();
    if (child.pid) this.watched?.pid(child.pid);
  }

  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves once the process is gone. */
  async stop(timeoutMs = 30_000): Promise<void> {
    if (!this.child || this.exited) return;
    const child = this.child;
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.exit,
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    await this.exit;
  }
}

/** Polls `check` until it returns true; fails early when `daemon` has exited. */
async function waitFor(what: string, check: () => Promise<boolean>, opts: { timeoutMs?: number; daemon?: Daemon; log?: string } = {}): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let delay = 25;
  let lastError = '';
  for (;;) {
    try {
      if (await check()) return;
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e);
    }
    if (opts.daemon && !opts.daemon.running) {
      throw new Error(`${what}: the process exited before it was ready.\n${opts.log ? tail(opts.log) : ''}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not ready after ${opts.timeoutMs ?? 30_000} ms. ${lastError}\n${opts.log ? tail(opts.log) : ''}`);
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 250);
  }
}

const secret = () => randomBytes(12).toString('hex');

/** process.env without the variables that would point a client somewhere else. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(PG|MYSQL_|MARIADB_|AWS_)/.test(k)) continue;
    env[k] = v;
  }
  return env;
}

// ---------------------------------------------------------------------------------------
// toolEnv: the environment for the scripts under test
// ---------------------------------------------------------------------------------------

let toolDir: string | undefined;

function sharedToolDir(): string {
  if (toolDir && fs.existsSync(toolDir)) return toolDir;
  const dir = makeTempDir('tools');
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.mkdirSync(path.join(dir, 'home'));
  fs.symlinkSync(DEBIAN_AWS, path.join(dir, 'bin', 'aws'));
  toolDir = dir;
  watch(dir);
  return dir;
}

/**
 * The environment for child processes (the scripts under test): PATH starts with a
 * directory holding `aws -> /usr/bin/aws` (Debian's CLI v2, ahead of any pyenv shim),
 * then PostgreSQL's bin dir (pg_dump, psql of the server's major version); HOME is a
 * temporary directory; the AWS variables point at s3rver's fixed credentials. Variables
 * starting with PG, MYSQL_, MARIADB_ or AWS_ from the jest process are dropped; `extra`
 * (for example `pg.env()`) is applied last.
 */
export function toolEnv(extra: Record<string, string> = {}): Record<string, string> {
  const paths = requireTools();
  const dir = sharedToolDir();
  const home = path.join(dir, 'home');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(cleanEnv())) if (v !== undefined) env[k] = v;
  Object.assign(env, {
    PATH: [path.join(dir, 'bin'), paths.pgBinDir!, process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', '/usr/sbin', '/sbin'].join(':'),
    HOME: home,
    AWS_ACCESS_KEY_ID: S3_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: S3_SECRET_ACCESS_KEY,
    AWS_DEFAULT_REGION: S3_REGION,
    AWS_REGION: S3_REGION,
    AWS_CONFIG_FILE: path.join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, '.aws', 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    // Node hands a child its stdin as a socket; Debian's bash then takes `bash -c` for a command run by sshd
    // and reads /etc/bash.bashrc (which fails under `set -u`) unless it is a nested shell (SHLVL of 1 or more)
    SHLVL: '1',
  });
  return Object.assign(env, extra);
}

// ---------------------------------------------------------------------------------------
// PostgreSQL
// ---------------------------------------------------------------------------------------

export interface DbServer {
  readonly host: string;
  readonly port: number;
  /** The application's login: not a superuser, owns `database`. */
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** Superuser login, over TCP with a password. */
  readonly adminUser: string;
  readonly adminPassword: string;
  /** Server version string as the server reports it. */
  readonly version: string;
  /** The temporary directory holding data, socket and logs. */
  readonly dir: string;
  /** Runs SQL as the superuser (in `database` unless told); resolves to the output rows, trimmed; rejects on an SQL error. */
  adminQuery(sql: string, database?: string): Promise<string>;
  /** Runs SQL as the application user in `database`. */
  appQuery(sql: string): Promise<string>;
  /** Stops the server and keeps its data. */
  stop(): Promise<void>;
  /** Starts it again after `stop()`, on the same port with the same data. */
  start(): Promise<void>;
  /** Stops the server and removes its directory. Idempotent. */
  destroy(): Promise<void>;
  readonly running: boolean;
}

export interface PgServer extends DbServer {
  /** /usr/lib/postgresql/<major>/bin */
  readonly binDir: string;
  /** libpq variables for the app user: PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE. */
  env(): Record<string, string>;
  /** The same for the superuser (PGDATABASE is still the app database). */
  adminEnv(): Record<string, string>;
}

/** Starts a fresh PostgreSQL cluster (initdb) on a free port with scram password auth over TCP. */
export async function startPostgres(): Promise<PgServer> {
  const paths = requireTools();
  const bin = paths.pgBinDir!;
  const root = isRoot();
  const owner = root ? systemUser('postgres')! : undefined;
  const dir = makeTempDir('pg');
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'server.log');
  const asPg = (cmd: string, args: string[]): [string, string[]] =>
    root ? [paths.runuser!, ['-u', 'postgres', '--', path.join(bin, cmd), ...args]] : [path.join(bin, cmd), args];
  const [stopCmd, stopArgs] = asPg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
  const watched = watch(dir, { cmd: stopCmd, args: stopArgs, pidFile: path.join(data, 'postmaster.pid') });
  const user = 'app';
  const database = 'appdb';
  const adminUser = 'admin';
  const password = secret();
  const adminPassword = secret();
  let port = 0;
  let version = '';
  let running = false;
  let destroyed = false;
  const pgCtl = (args: string[], timeoutMs = 60_000) => {
    const [cmd, a] = asPg('pg_ctl', ['-D', data, ...args]);
    return runCommand(cmd, a, { cwd: dir, env: cleanEnv(), timeoutMs });
  };
  const query = (login: string, pw: string, db: string, sql: string) =>
    mustRun(path.join(bin, 'psql'), ['-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-h', HOST, '-p', String(port), '-U', login, '-d', db, '-f', '-'], {
      env: { ...cleanEnv(), PGPASSWORD: pw, PGCONNECT_TIMEOUT: '5' },
      input: sql,
      cwd: dir,
    }).then((out) => out.trim());

  try {
    if (owner) fs.chownSync(dir, owner.uid, owner.gid);
    const pwFile = path.join(dir, 'pwfile');
    fs.writeFileSync(pwFile, `${adminPassword}\n`, { mode: 0o600 });
    if (owner) fs.chownSync(pwFile, owner.uid, owner.gid);
    const [initCmd, initArgs] = asPg('initdb', [
      '-D', data, '-U', adminUser, `--pwfile=${pwFile}`, '--auth-local=trust', '--auth-host=scram-sha-256',
      '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync', '--no-instructions',
    ]);
    const init = await runCommand(initCmd, initArgs, { cwd: dir, env: cleanEnv() });
    fs.rmSync(pwFile, { force: true });
    if (init.code !== 0) throw new Error(`initdb failed:\n${init.stderr}\n${init.stdout}`);
    fs.appendFileSync(path.join(data, 'postgresql.conf'), "\ninclude = 'harness.conf'\n");
  } catch (e) {
    removeDir(dir);
    watched.done();
    throw e;
  }

  const start = async () => {
    if (destroyed) throw new Error('startPostgres: start() after destroy()');
    if (running) return;
    const r = await pgCtl(['-l', log, '-w', '-t', '60', 'start'], 90_000);
    if (r.code !== 0) throw new Error(`pg_ctl start failed (port ${port}):\n${r.stdout}${r.stderr}\n${tail(log)}`);
    running = true;
    const pid = Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (pid > 0) watched.pid(pid);
  };
  const stop = async () => {
    if (!running) return;
    const r = await pgCtl(['-w', '-t', '60', '-m', 'fast', 'stop']);
    if (r.code !== 0 && fs.existsSync(path.join(data, 'postmaster.pid'))) throw new Error(`pg_ctl stop failed:\n${r.stdout}${r.stderr}`);
    running = false;
  };
  const destroy = async () => {
    if (destroyed) return;
    destroyed = true;
    try {
      await stop();
    } finally {
      destroyers.delete(destroy);
      removeDir(dir);
      watched.done();
    }
  };
  destroyers.add(destroy);

  try {
    // The port was free a moment ago; another process may take it first: try another.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const conf = [`listen_addresses = '${HOST}'`, `port = ${port}`, `unix_socket_directories = '${dir}'`, 'fsync = off', 'synchronous_commit = off', 'full_page_writes = off', ''];
      fs.writeFileSync(path.join(data, 'harness.conf'), conf.join('\n'));
      if (owner) fs.chownSync(path.join(data, 'harness.conf'), owner.uid, owner.gid);
      try {
        await start();
        break;
      } catch (e) {
        if (attempt >= 3 || !/already in use/i.test(tail(log))) throw e;
      }
    }
    await query(adminUser, adminPassword, 'postgres', `CREATE ROLE ${user} LOGIN PASSWORD '${password}';\nCREATE DATABASE ${database} OWNER ${user};\n`);
    version = await query(adminUser, adminPassword, database, 'SHOW server_version');
  } catch (e) {
    await destroy().catch(() => undefined);
    throw e;
  }

  const libpq = (login: string, pw: string) => ({ PGHOST: HOST, PGPORT: String(port), PGUSER: login, PGPASSWORD: pw, PGDATABASE: database });
  return {
    host: HOST,
    port,
    user,
    password,
    database,
    adminUser,
    adminPassword,
    version,
    dir,
    binDir: bin,
    get running() {
      return running;
    },
    adminQuery: (sql, db) => query(adminUser, adminPassword, db ?? database, sql),
    appQuery: (sql) => query(user, password, database, sql),
    env: () => libpq(user, password),
    adminEnv: () => libpq(adminUser, adminPassword),
    stop,
    start,
    destroy,
  };
}

// ---------------------------------------------------------------------------------------
// MariaDB
// ---------------------------------------------------------------------------------------

export interface MariaServer extends DbServer {
  /** The server's own unix socket, in its temporary directory. */
  readonly socket: string;
  /**
   * Client variables for the app user: MYSQL_HOST, MYSQL_TCP_PORT, MYSQL_PWD. Measured with
   * Debian's 10.11 clients: `mariadb` reads all three, but `mariadb-dump` ignores MYSQL_HOST
   * (it falls back to /run/mysqld/mysqld.sock), so pass `-h`; no variable sets the user:
   * pass `-u`.
   */
  env(): Record<string, string>;
}

/** Starts a fresh MariaDB (mariadb-install-db, then mariadbd) on a free port, grant tables on. */
export async function startMariadb(): Promise<MariaServer> {
  const paths = requireTools();
  const root = isRoot();
  const dir = makeTempDir('mariadb');
  const watched = watch(dir);
  const data = path.join(dir, 'data');
  const socket = path.join(dir, 'mysqld.sock');
  const log = path.join(dir, 'error.log');
  const user = 'app';
  const database = 'appdb';
  const adminUser = 'root';
  const password = secret();
  const adminPassword = secret();
  const daemon = new Daemon('mariadbd', watched);
  let port = 0;
  let version = '';
  let destroyed = false;

  const client = (login: string, pw: string | undefined, sql: string, db?: string, viaSocket = false) =>
    mustRun(
      paths.mariadbClient!,
      [
        '--no-defaults',
        ...(viaSocket ? ['--protocol=SOCKET', `--socket=${socket}`] : ['--protocol=TCP', `--host=${HOST}`, `--port=${port}`]),
        `--user=${login}`,
        '--connect-timeout=5',
        '--batch',
        '--skip-column-names',
        ...(db ? [db] : []),
      ],
      { env: { ...cleanEnv(), ...(pw ? { MYSQL_PWD: pw } : {}) }, input: sql, cwd: dir },
    ).then((out) => out.trim());

  const serverArgs = () => [
    '--no-defaults',
    `--datadir=${data}`,
    `--socket=${socket}`,
    `--port=${port}`,
    `--bind-address=${HOST}`,
    `--pid-file=${path.join(dir, 'mysqld.pid')}`,
    `--log-error=${log}`,
    `--tmpdir=${dir}`,
    '--skip-name-resolve',
    '--innodb-buffer-pool-size=64M',
    '--innodb-flush-log-at-trx-commit=2',
    ...(root ? ['--user=root'] : []),
  ];
  let setupDone = false;
  const ready = () =>
    setupDone
      ? client(adminUser, adminPassword, 'SELECT 1').then((o) => o === '1')
      : fs.existsSync(socket)
        ? client(adminUser, undefined, 'SELECT 1', undefined, true).then((o) => o === '1')
        : Promise.resolve(false);

  const start = async () => {
    if (destroyed) throw new Error('startMariadb: start() after destroy()');
    if (daemon.running) return;
    daemon.spawn(paths.mariadbd!, serverArgs(), log);
    await waitFor(`mariadbd on port ${port}`, ready, { daemon, log, timeoutMs: 60_000 });
  };
  const stop = () => daemon.stop(60_000);
  const destroy = async () => {
    if (destroyed) return;
    destroyed = true;
    try {
      await stop();
    } finally {
      destroyers.delete(destroy);
      removeDir(dir);
      watched.done();
    }
  };
  destroyers.add(destroy);

  try {
    await mustRun(
      paths.mariadbInstallDb!,
      [
        '--no-defaults',
        `--datadir=${data}`,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
        '--skip-name-resolve',
        ...(root ? ['--user=root'] : []),
      ],
      { cwd: dir, env: cleanEnv() },
    );
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await start();
        break;
      } catch (e) {
        if (attempt >= 3 || !/already in use|Can't start server: Bind/i.test(tail(log))) throw e;
        await daemon.stop();
      }
    }
    // mariadb-install-db made root@{localhost,127.0.0.1,::1,<hostname>} without a password.
    const roots = (await client(adminUser, undefined, "SELECT Host FROM mysql.global_priv WHERE User = 'root'", undefined, true)).split('\n');
    const setup = [
      ...roots.map((h) => (h === 'localhost' || h === HOST ? `ALTER USER 'root'@'${h}' IDENTIFIED BY '${adminPassword}';` : `DROP USER 'root'@'${h}';`)),
      ...(roots.includes(HOST) ? [] : [`CREATE USER 'root'@'${HOST}' IDENTIFIED BY '${adminPassword}';`, `GRANT ALL PRIVILEGES ON *.* TO 'root'@'${HOST}' WITH GRANT OPTION;`]),
      "DELETE FROM mysql.global_priv WHERE User = '';",
      `CREATE DATABASE ${database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;`,
      ...['%', HOST, 'localhost'].flatMap((h) => [
        `CREATE USER '${user}'@'${h}' IDENTIFIED BY '${password}';`,
        `GRANT ALL PRIVILEGES ON ${database}.* TO '${user}'@'${h}';`,
      ]),
      'FLUSH PRIVILEGES;',
    ];
    await client(adminUser, undefined, setup.join('\n'), undefined, true);
    setupDone = true;
    version = await client(adminUser, adminPassword, 'SELECT VERSION()');
  } catch (e) {
    await destroy().catch(() => undefined);
    throw e;
  }

  return {
    host: HOST,
    port,
    user,
    password,
    database,
    adminUser,
    adminPassword,
    version,
    dir,
    socket,
    get running() {
      return daemon.running;
    },
    adminQuery: (sql, db) => client(adminUser, adminPassword, sql, db ?? database),
    appQuery: (sql) => client(user, password, sql, database),
    env: () => ({ MYSQL_HOST: HOST, MYSQL_TCP_PORT: String(port), MYSQL_PWD: password }),
    stop,
    start,
    destroy,
  };
}

// ---------------------------------------------------------------------------------------
// S3 (s3rver)
// ---------------------------------------------------------------------------------------

/** s3rver's built-in account; it checks the key id, and (3.7.1) does not verify SigV4 signatures. */
export const S3_ACCESS_KEY_ID = 'S3RVER';
export const S3_SECRET_ACCESS_KEY = 'S3RVER';
export const S3_REGION = 'us-east-1';

export interface S3Server {
  /** http://127.0.0.1:<port>, for `aws --endpoint-url`. The CLI uses path-style requests here. */
  readonly endpoint: string;
  readonly port: number;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
  /** s3rver's storage directory. */
  readonly dir: string;
  readonly running: boolean;
  createBucket(name: string): Promise<void>;
  /** Every key under `prefix`, in S3's order (follows continuation tokens). */
  listKeys(bucket: string, prefix?: string): Promise<string[]>;
  /** The object's bytes; rejects when it does not exist. */
  getObject(bucket: string, key: string): Promise<Buffer>;
  /** Size and user metadata (x-amz-meta-*), or undefined when the object does not exist. */
  headObject(bucket: string, key: string): Promise<{ size: number; metadata: Record<string, string>; headers: http.IncomingHttpHeaders } | undefined>;
  /** `{ endpoint }` plus the AWS variables, to merge into `toolEnv()`. */
  env(): Record<string, string>;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

function s3Request(port: number, method: string, urlPath: string, body?: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const host = `${HOST}:${port}`;
  const signed = aws4.sign(
    { host, method, path: urlPath, service: 's3', region: S3_REGION, headers: {}, body: body ?? '' },
    { accessKeyId: S3_ACCESS_KEY_ID, secretAccessKey: S3_SECRET_ACCESS_KEY },
  );
  return new Promise((resolve, reject) => {
    const req = http.request({ host: HOST, port, method, path: urlPath, headers: signed.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`S3 ${method} ${urlPath}: timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

const keyPath = (bucket: string, key: string) => `/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;

function xmlText(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Starts s3rver (as a child process) on a free port with a fresh storage directory. */
export async function startS3(): Promise<S3Server> {
  const paths = requireTools();
  const dir = makeTempDir('s3');
  const watched = watch(dir);
  const data = path.join(dir, 'data');
  fs.mkdirSync(data);
  const daemon = new Daemon('s3rver', watched);
  let port = 0;
  let runs = 0;
  let destroyed = false;
  let log = '';

  const ready = () =>
    new Promise<boolean>((resolve) => {
      const req = http.get({ host: HOST, port, path: '/', agent: false }, (res) => {
        res.resume();
        resolve(true);
      });
      req.on('error', () => resolve(false));
      req.setTimeout(2000, () => req.destroy());
    });
  const start = async () => {
    if (destroyed) throw new Error('startS3: start() after destroy()');
    if (daemon.running) return;
    log = path.join(dir, `s3rver-${++runs}.log`);
    daemon.spawn(process.execPath, [paths.s3rver!, '--directory', data, '--address', HOST, '--port', String(port)], log, { ...cleanEnv(), NO_COLOR: '1', FORCE_COLOR: '0' });
    await waitFor(`s3rver on port ${port}`, ready, { daemon, log, timeoutMs: 30_000 });
  };
  const stop = () => daemon.stop(10_000);
  const destroy = async () => {
    if (destroyed) return;
    destroyed = true;
    try {
      await stop();
    } finally {
      destroyers.delete(destroy);
      removeDir(dir);
      watched.done();
    }
  };
  destroyers.add(destroy);
  try {
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await start();
        break;
      } catch (e) {
        if (attempt >= 3 || !/EADDRINUSE/.test(tail(log))) throw e;
      }
    }
  } catch (e) {
    await destroy().catch(() => undefined);
    throw e;
  }

  const endpoint = `http://${HOST}:${port}`;
  const ok = (what: string, r: { status: number; body: Buffer }) => {
    if (r.status < 200 || r.status >= 300) throw new Error(`S3 ${what}: HTTP ${r.status} ${r.body.toString('utf8').slice(0, 500)}`);
  };
  return {
    endpoint,
    port,
    accessKeyId: S3_ACCESS_KEY_ID,
    secretAccessKey: S3_SECRET_ACCESS_KEY,
    region: S3_REGION,
    dir: data,
    get running() {
      return daemon.running;
    },
    async createBucket(name) {
      ok(`create bucket ${name}`, await s3Request(port, 'PUT', `/${encodeURIComponent(name)}`));
    },
    async listKeys(bucket, prefix = '') {
      const keys: string[] = [];
      let token: string | undefined;
      for (;;) {
        const q = new URLSearchParams({ 'list-type': '2', prefix, ...(token ? { 'continuation-token': token } : {}) });
        const r = await s3Request(port, 'GET', `/${encodeURIComponent(bucket)}?${q.toString().replace(/\+/g, '%20')}`);
        ok(`list ${bucket}/${prefix}`, r);
        const xml = r.body.toString('utf8');
        for (const m of xml.matchAll(/<Contents>[\s\S]*?<Key>([\s\S]*?)<\/Key>[\s\S]*?<\/Contents>/g)) keys.push(xmlText(m[1]));
        const next = /<NextContinuationToken>([\s\S]*?)<\/NextContinuationToken>/.exec(xml);
        if (!/<IsTruncated>true<\/IsTruncated>/.test(xml) || !next) return keys;
        token = xmlText(next[1]);
      }
    },
    async getObject(bucket, key) {
      const r = await s3Request(port, 'GET', keyPath(bucket, key));
      ok(`get ${bucket}/${key}`, r);
      return r.body;
    },
    async headObject(bucket, key) {
      const r = await s3Request(port, 'HEAD', keyPath(bucket, key));
      if (r.status === 404) return undefined;
      ok(`head ${bucket}/${key}`, r);
      const metadata: Record<string, string> = {};
      for (const [k, v] of Object.entries(r.headers)) if (k.startsWith('x-amz-meta-') && typeof v === 'string') metadata[k.slice('x-amz-meta-'.length)] = v;
      return { size: Number(r.headers['content-length'] ?? 0), metadata, headers: r.headers };
    },
    env: () => ({
      S3_ENDPOINT: endpoint,
      AWS_ACCESS_KEY_ID: S3_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: S3_SECRET_ACCESS_KEY,
      AWS_DEFAULT_REGION: S3_REGION,
    }),
    stop,
    start,
    destroy,
  };
}

// ---------------------------------------------------------------------------------------
// Heartbeat receiver
// ---------------------------------------------------------------------------------------

export interface HeartbeatRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly path: string;
  /** Request body (utf8, first 64 KiB). */
  readonly body: string;
}

export interface HeartbeatServer {
  /** http://127.0.0.1:<port>/ping: a success ping hits `/ping`, a failure ping `<url>/fail` hits `/ping/fail`. */
  readonly url: string;
  /** Request paths (with any query) in the order they arrived; read fresh on each access. */
  readonly hits: string[];
  /** The same requests with method and body. */
  readonly requests: HeartbeatRequest[];
  stop(): Promise<void>;
}

const HEARTBEAT_SERVER = `
const http = require('http'); const fs = require('fs');
const [, file, portFile] = process.argv;
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).subarray(0, 65536).toString('utf8');
    fs.appendFileSync(file, JSON.stringify({ method: req.method, path: req.url, body }) + '\\n');
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('OK');
  });
});
server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(portFile + '.tmp', String(server.address().port));
  fs.renameSync(portFile + '.tmp', portFile);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

/**
 * A tiny HTTP server on 127.0.0.1 that records every request, answering 200. It runs as a
 * child process and records to a file, so it also answers while a test blocks in spawnSync.
 */
export async function heartbeatServer(): Promise<HeartbeatServer> {
  const dir = makeTempDir('heartbeat');
  const watched = watch(dir);
  const file = path.join(dir, 'requests.jsonl');
  const portFile = path.join(dir, 'port');
  const log = path.join(dir, 'server.log');
  fs.writeFileSync(file, '');
  const daemon = new Daemon('heartbeat', watched);
  daemon.spawn(process.execPath, ['-e', HEARTBEAT_SERVER, file, portFile], log);
  let stopped = false;
  let last: HeartbeatRequest[] = [];
  const read = (): HeartbeatRequest[] =>
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as HeartbeatRequest);
  const requests = (): HeartbeatRequest[] => (stopped ? last : (last = read()));
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= halt());
  const halt = async () => {
    try {
      await daemon.stop(5000);
    } finally {
      try {
        last = read(); // keep what arrived, for assertions after stop()
      } catch {
        // nothing recorded
      }
      stopped = true;
      destroyers.delete(stop);
      removeDir(dir);
      watched.done();
    }
  };
  destroyers.add(stop);
  try {
    await waitFor('heartbeat server', async () => fs.existsSync(portFile), { daemon, log, timeoutMs: 15_000 });
  } catch (e) {
    await stop();
    throw e;
  }
  const port = Number(fs.readFileSync(portFile, 'utf8'));
  return {
    url: `http://${HOST}:${port}/ping`,
    get hits() {
      return requests().map((r) => r.path);
    },
    get requests() {
      return requests();
    },
    stop,
  };
}
