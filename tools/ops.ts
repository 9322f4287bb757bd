/**
 * Repository tooling: the droplet agent's commands, run on a tier's droplets
 * over SSH (`npm run ops -- <stack> <command> ...`).
 *
 *   npm run ops -- prod status                      every droplet: the release it runs, the last rollout
 *   npm run ops -- prod rollback                    back to the previous release (first droplet; --all: every one)
 *   npm run ops -- prod retry                       try the published release again after a failed rollout
 *   npm run ops -- prod logs web --tail 100 -f      a process's logs
 *   npm run ops -- prod exec web php artisan tinker a one-off container with the app's image and environment
 *   npm run ops -- prod run backup                  a job of the current release now (its stages in order)
 *   npm run ops -- prod run backup-restore RESTORE_AT=2026-12-01   restore the newest daily dump of that day
 *
 * Options before the command: `--droplet N` (1-based) picks a droplet, `--all` runs on every one.
 * The droplets' addresses come from the stack's `droplet_addresses` output (`terraform output -json`
 * in cdktf.out/stacks/<stack>, or ERP_OPS_DIR); SSH reaches them from `adminCidrs` as root.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './root';

const COMMANDS = ['status', 'rollback', 'retry', 'logs', 'exec', 'run'] as const;
type Command = (typeof COMMANDS)[number];

export interface OpsPlan {
  readonly dir: string;
  readonly command: Command;
  readonly args: string[];
  /** Droplet indexes (0-based) to run on; undefined = decided once the addresses are known. */
  readonly droplets: number[] | 'all';
  readonly interactive: boolean;
}

/** Reads the command line; throws an Error with the usage on bad input. */
export function parseOps(argv: string[], env: NodeJS.ProcessEnv = process.env): OpsPlan {
  const usage = 'usage: npm run ops -- <stack> [--droplet N | --all] <status|rollback|retry|logs <process> [options]|exec <process> <command...>|run <job> [VAR=value...]>';
  const [stack, ...rest] = argv;
  if (!stack || stack.startsWith('-')) throw new Error(usage);
  let droplets: number[] | 'all' | undefined;
  while (rest[0] === '--droplet' || rest[0] === '--all') {
    if (rest[0] === '--all') {
      droplets = 'all';
      rest.shift();
    } else {
      const n = Number(rest[1]);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--droplet: "${rest[1]}" is not a droplet number (1, 2, ...)\n${usage}`);
      droplets = [n - 1];
      rest.splice(0, 2);
    }
  }
  const command = rest.shift() as Command;
  if (!COMMANDS.includes(command)) throw new Error(`"${command ?? ''}" is not a command\n${usage}`);
  if ((command === 'logs' || command === 'exec' || command === 'run') && rest.length < (command === 'exec' ? 2 : 1)) throw new Error(usage);
  return {
    dir: env.ERP_OPS_DIR ?? join(ROOT, 'cdktf.out', 'stacks', stack),
    command,
    args: rest,
    droplets: droplets ?? (command === 'status' ? 'all' : [0]),
    interactive: command === 'exec' || command === 'logs' || command === 'run',
  };
}

/** The droplets' addresses from the stack's outputs. */
export function dropletAddresses(dir: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const r = spawnSync('terraform', ['output', '-json'], { cwd: dir, encoding: 'utf8', env: { ...env, CHECKPOINT_DISABLE: '1' } });
  if (r.error || r.status !== 0) {
    throw new Error(`cannot read the outputs in ${dir}: ${(r.stderr || r.error?.message || '').trim()}\n(deploy the stack first: npx cdktf deploy <stack>)`);
  }
  const value = (JSON.parse(r.stdout) as Record<string, { value?: unknown }>).droplet_addresses?.value;
  if (!Array.isArray(value) || value.length === 0) throw new Error(`the stack in ${dir} has no droplet_addresses output: ops runs on the droplet tiers (dev, prod)`);
  return value.map(String);
}

/** Single-quotes an argument for the remote shell. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Runs the command on the droplets; returns the exit code (2 for bad input, else the first failing ssh's). */
export function ops(argv: string[], env: NodeJS.ProcessEnv = process.env): number {
  let plan: OpsPlan;
  let addresses: string[];
  try {
    plan = parseOps(argv, env);
    addresses = dropletAddresses(plan.dir, env);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  const targets = plan.droplets === 'all' ? addresses.map((_, i) => i) : plan.droplets;
  let code = 0;
  for (const i of targets) {
    const ip = addresses[i];
    if (ip === undefined) {
      process.stderr.write(`there is no droplet ${i + 1} (the stack has ${addresses.length})\n`);
      return 2;
    }
    if (targets.length > 1) process.stdout.write(`== droplet ${i + 1} (${ip})\n`);
    const remote = ['erp-agent', plan.command, ...plan.args].map(shellQuote).join(' ');
    const r = spawnSync('ssh', [...(plan.interactive ? ['-t'] : []), `root@${ip}`, remote], { stdio: 'inherit', env });
    code = code || (r.status ?? 1);
  }
  return code;
}

if (require.main === module) process.exitCode = ops(process.argv.slice(2));
