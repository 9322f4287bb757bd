/**
 * Repository tooling, not part of the published package: the repository's own app
 * (main.ts) and the bench turn it on.
 *
 * cdktf 0.21 records, for every token it creates (each attribute reference, each
 * `Lazy`, each list of blocks), the whole call stack at that point: it raises
 * `Error.stackTraceLimit` to `Number.MAX_SAFE_INTEGER` and formats every frame to
 * text, only to print it should that token later fail to resolve. For the four
 * tier stacks that is about a sixth of the synthesis. `skipTokenCreationStacks()`
 * makes those stacks empty; nothing written changes (the stacks and the manifest
 * are byte-identical, annotations keep their traces: constructs records those).
 *
 * cdktf's modules call `stack_trace_1.captureStackTrace()` through the module's
 * exports object at every call, so replacing the export reaches every caller;
 * cdktf is pinned to 0.21.0, its last release. Set `ERP_TOKEN_STACK_TRACES=1` to
 * keep the stacks, when a "Resolution error" should say where a token was made.
 */

/** The module of cdktf that captures token creation stacks. */
export const CDKTF_STACK_TRACE_MODULE = 'cdktf/lib/tokens/private/stack-trace';

/** Turns token creation stacks off (unless `ERP_TOKEN_STACK_TRACES=1`); says whether it did. */
export function skipTokenCreationStacks(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.ERP_TOKEN_STACK_TRACES === '1') return false;
  const mod = require(CDKTF_STACK_TRACE_MODULE) as { captureStackTrace?: unknown };
  if (typeof mod.captureStackTrace !== 'function') return false;
  mod.captureStackTrace = (): string[] => [];
  return true;
}
