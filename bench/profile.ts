/**
 * Reads a V8 `.cpuprofile` (from `node --cpu-prof`) and sums self time per
 * function and per source (package or project file), to say where a synth's
 * time goes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: number[];
}

interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: number[];
  readonly timeDeltas: number[];
}

/** Self time of one function or source. */
export interface SelfTime {
  readonly name: string;
  readonly selfMs: number;
  readonly percent: number;
}

/** What a profile says. */
export interface ProfileSummary {
  readonly totalMs: number;
  readonly topFunctions: SelfTime[];
  readonly topSources: SelfTime[];
  /** For the functions with the most self time: who calls them (the nearest frames outside Node.js core), with the time of each path. */
  readonly callers: SelfTime[];
}

/** `node_modules/@cdktf/provider-aws/...` -> `@cdktf/provider-aws`; project files relative to the root. */
export function sourceOf(url: string, root: string): string {
  if (url === '') return '(native / V8)';
  const path = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  if (path.startsWith('node:')) return 'node core';
  const nm = path.lastIndexOf(`node_modules${sep}`);
  if (nm >= 0) {
    const parts = path.slice(nm + 'node_modules'.length + 1).split(sep);
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  return path.startsWith('/') ? relative(root, path) : path;
}

function top(map: Map<string, number>, totalMs: number, n: number): SelfTime[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, ms]) => ({ name, selfMs: Math.round(ms * 10) / 10, percent: Math.round((ms / totalMs) * 1000) / 10 }));
}

/** Sums self time of the one `.cpuprofile` in `dir`. */
export function summarizeProfile(dir: string, root: string, n = 12): ProfileSummary {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  // The time of sample i runs until sample i + 1 (how Chrome DevTools counts it).
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = i + 1 < profile.timeDeltas.length ? profile.timeDeltas[i + 1] : 0;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + dt);
  }
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byFunction = new Map<string, number>();
  const bySource = new Map<string, number>();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    totalUs += us;
    const src = sourceOf(frame.url, root);
    const fn = frame.url === ''
      ? frame.functionName || '(anonymous)'
      : `${frame.functionName || '(anonymous)'} ${src === 'node core' ? frame.url : relativeUrl(frame.url, root)}:${frame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us / 1000);
    bySource.set(src, (bySource.get(src) ?? 0) + us / 1000);
  }
  const totalMs = totalUs / 1000;
  const topFunctions = top(byFunction, totalMs, n);
  // Caller paths of the top five functions: the first three frames above each sample that are not Node.js core.
  const wanted = new Set(topFunctions.slice(0, 5).map((f) => f.name));
  const byPath = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    const src = sourceOf(frame.url, root);
    const fn = frame.url === ''
      ? frame.functionName || '(anonymous)'
      : `${frame.functionName || '(anonymous)'} ${src === 'node core' ? frame.url : relativeUrl(frame.url, root)}:${frame.lineNumber + 1}`;
    if (!wanted.has(fn)) continue;
    const chain: string[] = [];
    for (let cur = parent.get(id); cur !== undefined && chain.length < 3; cur = parent.get(cur)) {
      const c = byId.get(cur)!.callFrame;
      if (c.url === '' || c.url.startsWith('node:')) continue;
      chain.push(`${c.functionName || '(anonymous)'} ${relativeUrl(c.url, root)}:${c.lineNumber + 1}`);
    }
    const head = frame.url === '' ? fn : frame.functionName || '(anonymous)';
    const key = chain.length > 0 ? `${head} <- ${chain.join(' <- ')}` : head;
    byPath.set(key, (byPath.get(key) ?? 0) + us / 1000);
  }
  return { totalMs: Math.round(totalMs), topFunctions, topSources: top(bySource, totalMs, n), callers: top(byPath, totalMs, 6) };
}

function relativeUrl(url: string, root: string): string {
  const path = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  return path.startsWith('/') ? relative(root, path) : path;
}
