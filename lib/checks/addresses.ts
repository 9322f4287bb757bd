import { TerraformStack, Testing } from 'cdktf';

/**
 * The Terraform address (`type.name`, `data.type.name`) of every resource and data source of a
 * stack, sorted, as `cdktf synth` writes them (aspects run first, so resources that runtimes
 * create at synthesis are included; moved resources are listed at their new address).
 */
export function terraformAddresses(stack: TerraformStack): string[] {
  const json = JSON.parse(Testing.synth(stack)) as Record<string, any>;
  const out: string[] = [];
  for (const [kind, prefix] of [['resource', ''], ['data', 'data.']] as const) {
    for (const [type, byName] of Object.entries(json[kind] ?? {})) {
      for (const name of Object.keys(byName as object)) out.push(`${prefix}${type}.${name}`);
    }
  }
  return out.sort();
}

/** How the addresses of one stack differ from the manifest. */
export interface AddressChanges {
  /** In the manifest, no longer synthesized: Terraform would destroy these. */
  readonly removed: string[];
  /** Synthesized, not in the manifest yet: Terraform would create these. */
  readonly added: string[];
}

/** Compares the manifest's addresses of a stack with the synthesized ones. */
export function compareAddresses(manifest: readonly string[], current: readonly string[]): AddressChanges {
  const now = new Set(current);
  const before = new Set(manifest);
  return {
    removed: manifest.filter((a) => !now.has(a)).sort(),
    added: current.filter((a) => !before.has(a)).sort(),
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
