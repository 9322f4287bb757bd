import { Aspects, IAspect } from 'cdktf';
import { IConstruct } from 'constructs';

/** Options of {@link atSynthesis}. */
export interface AtSynthesisOptions {
  /**
   * Run `fn` at every synthesis of the tree, not only the first: for idempotent work
   * (setting provisioners, checks). Work that creates constructs runs once, since a
   * later synthesis of the same tree finds them already created.
   * @default false
   */
  readonly everyTime?: boolean;
}

/**
 * Runs `fn` when synthesis visits `scope`: cdktf invokes the aspects of a
 * stack before it resolves any value, and visits the children a visit adds,
 * so resources created in `fn` are synthesized like any other. Constructs
 * whose output depends on intents that may be called after construction
 * (`connectTo`, `backupTo`, `serveThrough`) use it to see the final model.
 */
export function atSynthesis(scope: IConstruct, options: AtSynthesisOptions, fn: () => void): void {
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
