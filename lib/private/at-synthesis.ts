import { Aspects, IAspect } from 'cdktf';
import { IConstruct } from 'constructs';

/**
 * Runs `fn` once (or at every synthesis with `everyTime`, for idempotent work), when synthesis visits `scope` (cdktf invokes aspects before
 * it resolves the stack, and visits children a visit creates). Runtimes that
 * create one resource per process use it to see every process the intents
 * added after construction.
 */
export function atSynthesis(scope: IConstruct, options: { readonly everyTime: boolean }, fn: () => void): void {
  let done = false;
  const aspect: IAspect = {
    visit(node: IConstruct) {
      if (node !== scope || (done && !options.everyTime)) return;
      done = true;
      fn();
    },
  };
  Aspects.of(scope).add(aspect);
}
