import { TerraformStack, Testing } from 'cdktf';

/**
 * The Terraform address (`type.name`, `data.type.name`) of every resource and data source of a
 * stack, sorted, as `cdktf synth` writes them (aspects run first, so resources that runtimes
 * create at synthesis are included; moved resources are listed at their new address).
 */
export function terraformAddresses(stack: TerraformStack): string[] {
  return synthesizedAddresses(stack).addresses;
}

/** The addresses of a stack and the moves (`moved` blocks) it declares, from old address to new. */
export interface StackAddresses {
  readonly addresses: string[];
  readonly moves: Record<string, string>;
}

/** Synthesizes the stack (aspects first) and reads its addresses and its `moved` blocks. */
export function synthesizedAddresses(stack: TerraformStack): StackAddresses {
  const json = JSON.parse(Testing.synth(stack)) as Record<string, any>;
  const addresses: string[] = [];
  for (const [kind, prefix] of [['resource', ''], ['data', 'data.']] as const) {
    for (const [type, byName] of Object.entries(json[kind] ?? {})) {
      for (const name of Object.keys(byName as object)) addresses.push(`${prefix}${type}.${name}`);
    }
  }
  const moves: Record<string, string> = {};
  for (const m of (json.moved ?? []) as Array<{ from: string; to: string }>) moves[m.from] = m.to;
  return { addresses: addresses.sort(), moves };
}

/** How the addresses of one stack differ from the manifest. */
export interface AddressChanges {
  /** In the manifest, no longer synthesized: Terraform would destroy these. */
  readonly removed: string[];
  /** Synthesized, not in the manifest yet: Terraform would create these (or they are the targets of moves). */
  readonly added: string[];
  /** In the manifest, no longer synthesized, with a `moved` block to a synthesized address: kept, under a new name. */
  readonly moved: Array<{ readonly from: string; readonly to: string }>;
}

/** Compares the manifest's addresses of a stack with the synthesized ones (and the moves the stack declares). */
export function compareAddresses(manifest: readonly string[], current: readonly string[], moves: Record<string, string> = {}): AddressChanges {
  const now = new Set(current);
  const before = new Set(manifest);
  const gone = manifest.filter((a) => !now.has(a)).sort();
  const moved = gone.filter((a) => moves[a] !== undefined && now.has(moves[a])).map((from) => ({ from, to: moves[from] }));
  return {
    removed: gone.filter((a) => !moved.some((m) => m.from === a)),
    added: current.filter((a) => !before.has(a)).sort(),
    moved,
  };
}

/** The explanation printed when addresses of a stack changed or disappeared. */
export function addressChangeMessage(stack: string, changes: AddressChanges, updateCommand = 'npm run addresses:update'): string {
  return [
    `Terraform addresses of stack ${stack} changed or disappeared:`,
    ...changes.removed.map((a) => `  - ${a}`),
    ...(changes.added.length > 0 ? ['now synthesized instead (or in addition):', ...changes.added.map((a) => `  + ${a}`)] : []),
    '',
    'A resource\'s address is made from its construct ids. When it changes, Terraform does not rename anything:',
    'it DESTROYS the resource at the old address and CREATES a new one - real infrastructure, including database',
    'clusters, backup buckets and their KMS keys, with the data in them (resources with prevent_destroy make the',
    'plan fail instead). Construct ids are public contract.',
    '',
    'If the change is not intended: restore the construct id (or scope) that was renamed.',
    'If it is intended and the resource must be kept, tell Terraform it moved (Terraform >= 1.5):',
    '  newResource.moveFromId(\'<old type.name>\')   // cdktf 0.21 writes a `moved { from, to }` block',
    '  (or old.moveToId(\'<new type.name>\'), or moveTo()/addMoveTarget(), or keep the old name with resource.overrideLogicalId(\'<old name>\'))',
    `then record the new addresses on purpose with \`${updateCommand}\` and commit the manifest with the change.`,
    `If replacing the resource is really what you want (nothing to keep), run \`${updateCommand}\` and say so in the change.`,
  ].join('\n');
}
