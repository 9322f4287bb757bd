import { ResolvedApp, ResolvedHealthCheck } from '../runtime';

/** The exec-form health check test (`CMD`/`CMD-SHELL`, as Docker takes it). */
export function healthTest(h: ResolvedHealthCheck): string[] {
  if (h.command !== undefined) return ['CMD', ...h.command];
  const url = `http://127.0.0.1:${h.port}${h.httpPath}`;
  return ['CMD-SHELL', `curl -fsS -o /dev/null ${url} || wget -q -O /dev/null ${url} || exit 1`];
}

/** Redis/Valkey variables app code reads when the runtime runs the cache container. */
export function cacheEnvironment(host: string, port = 6379): Record<string, string> {
  return { REDIS_URL: `redis://${host}:${port}/0`, REDIS_HOST: host, REDIS_PORT: String(port) };
}

/** Merges the runtime's cache variables under the app's own (the app's win). */
export function withCache(env: Readonly<Record<string, string>>, cache: Record<string, string> | undefined): Record<string, string> {
  return { ...(cache ?? {}), ...env };
}

/** Every secret group a process, job or the release reads, in first-seen order. */
export function groupsInUse(app: ResolvedApp): string[] {
  const seen = new Set<string>();
  for (const x of [...app.processes, ...app.jobs, ...(app.release ? [app.release] : [])]) {
    for (const g of x.secretGroups) seen.add(g);
  }
  return [...seen];
}

/**
 * Terraform reads `${` and `%{` in strings as template syntax. Escapes them
 * in rendered text, leaving cdktf's own token markers (`${TfToken[...]}`)
 * alone so that references still resolve.
 */
export function escapeTerraformTemplate(text: string): string {
  // in a replacement string "$$" stands for one "$": '$$$${' writes "$${"
  return text.replace(/\$\{(?!TfToken\[)/g, '$$$${').replace(/%\{/g, '%%{');
}
