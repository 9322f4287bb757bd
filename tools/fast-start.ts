/**
 * Repository tooling, not part of the published package: what the repository's
 * own app (main.ts) and the bench turn on before cdktf and the providers load.
 * None of it changes what is written; each module says what it saves.
 */
import { enableCompileCache } from './compile-cache';
import { deferUnusedModules } from './deferred-modules';
import { skipTokenCreationStacks } from './token-stacks';

/** Compile cache on, unused cdktf dependencies deferred, token creation stacks off. */
export function fastStart(): void {
  enableCompileCache();
  deferUnusedModules();
  skipTokenCreationStacks();
}
