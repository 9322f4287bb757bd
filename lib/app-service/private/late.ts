import { Aspects, IAspect } from 'cdktf';
import { IConstruct } from 'constructs';

/**
 * Runs `fn` once, when synthesis visits `scope` (cdktf invokes aspects before
 * it resolves the stack, and visits children a visit creates). Runtimes that
 * create one resource per process use it to see every process the intents
 * added after construction.
 */
export function atSynthesis(scope: IConstruct, fn: () => void): void {
  let done = false;
  const aspect: IAspect = {
    visit(node: IConstruct) {
      if (node !== scope || done) return;
      done = true;
      fn();
    },
  };
  Aspects.of(scope).add(aspect);
}
