import { createHash } from 'crypto';
import { Construct } from 'constructs';

/**
 * A construct id for a child of `scope` made from user text (`Dns-<hostname>`): `base` itself when
 * `scope` has no child of that id yet, or `base` and a short hash of `key` when two texts read the
 * same once made an id (`a-b.example.com` and `a.b.example.com` both give `Dns-a-b-example-com`).
 * The first keeps the id it always had, so the addresses of inputs that worked before never change;
 * only the later one, which used to fail with "There is already a Construct with name", gets the hash.
 */
export function uniqueChildId(scope: Construct, base: string, key: string, taken: (id: string) => boolean = (id) => scope.node.tryFindChild(id) !== undefined): string {
  if (!taken(base)) return base;
  const hash = createHash('sha256').update(key).digest('hex');
  for (let n = 8; n <= hash.length; n += 4) {
    const id = `${base}-${hash.slice(0, n)}`;
    if (!taken(id)) return id;
  }
  throw new Error(`no free construct id for ${base} in ${scope.node.path}`);
}
