import { Aspects, IAspect } from 'cdktf';
import { IConstruct } from 'constructs';

/**
 * Runs `create` once, when synthesis first visits `scope`. cdktf invokes the
 * aspects of a stack before it resolves any value, and visits the children a
 * visit adds, so resources created here are synthesized like any other. A
 * later synthesis of the same tree finds them already created.
 */
export function createAtSynthesis(scope: IConstruct, create: () => void): void {
  let created = false;
  const aspect: IAspect = {
    visit(node: IConstruct) {
      if (node !== scope || created) return;
      created = true;
      create();
    },
  };
  Aspects.of(scope).add(aspect);
}
