import { TerraformStack, Testing } from 'cdktf';
import { DockerRuntime, ErpAppService } from '../lib/app-service';
import { S3BackupVault } from '../lib/backup';
import { addressChangeMessage, compareAddresses, synthesizedAddresses, terraformAddresses } from '../tools/addresses';
// The same sources and synthesis as `npm run addresses:update` (tools/address-manifest.ts).
import * as script from '../tools/address-manifest';

type Synthesized = script.SynthesizedAddresses;

const manifest = script.readManifest();

describe('stable Terraform addresses', () => {
  let current: Synthesized;
  beforeAll(() => {
    current = script.currentAddresses();
  });

  test('the manifest records exactly the sources of stacks that are built', () => {
    expect(Object.keys(manifest).sort()).toEqual(Object.keys(script.sources()).sort());
  });

  for (const [source, recorded] of Object.entries(manifest)) {
    describe(source, () => {
      test('builds every stack the manifest records, and records every stack it builds', () => {
        const built = current[source] ?? {};
        const missing = Object.keys(recorded).filter((s) => !(s in built));
        if (missing.length > 0) {
          throw new Error(missing.map((s) => addressChangeMessage(`${source}/${s}`, { removed: recorded[s], added: [], moved: [] })).join('\n\n'));
        }
        const unrecorded = Object.keys(built).filter((s) => !(s in recorded));
        if (unrecorded.length > 0) {
          throw new Error(`stacks ${unrecorded.join(', ')} of ${source} are not in ${script.MANIFEST_FILE}: record them with \`npm run addresses:update\``);
        }
      });

      for (const stackName of Object.keys(recorded)) {
        test(`keeps every address of stack ${stackName}`, () => {
          const now = current[source]?.[stackName] ?? { addresses: [], moves: {} };
          const changes = compareAddresses(recorded[stackName], now.addresses, now.moves);
          if (changes.moved.length > 0) {
            process.stdout.write(`${source}/${stackName}: ${changes.moved.length} addresses moved with \`moved\` blocks (kept, not replaced; `
              + `record them with \`npm run addresses:update\`):\n${changes.moved.map((m) => `  ${m.from} -> ${m.to}`).join('\n')}\n`);
          }
          if (changes.added.length > 0) {
            // Additions create resources and destroy nothing; they still belong in the manifest.
            process.stdout.write(`${source}/${stackName}: ${changes.added.length} new addresses not in the manifest yet `
              + `(record them with \`npm run addresses:update\`):\n${changes.added.map((a) => `  + ${a}`).join('\n')}\n`);
          }
          if (changes.removed.length > 0) throw new Error(addressChangeMessage(`${source}/${stackName}`, changes));
        });
      }
    });
  }
});

describe('address comparison', () => {
  test('reports a renamed construct as one removed and one added address, with the explanation', () => {
    const build = (id: string) => {
      const stack = new TerraformStack(Testing.app(), 'vaults');
      new S3BackupVault(stack, id, {});
      return terraformAddresses(stack);
    };
    const changes = compareAddresses(build('Backups'), build('BackupVault'));
    expect(changes.removed).toContain('aws_s3_bucket.Backups_9A29A52D');
    expect(changes.added.some((a) => a.startsWith('aws_s3_bucket.BackupVault_'))).toBe(true);
    const message = addressChangeMessage('x/vaults', changes);
    expect(message).toContain('DESTROYS the resource at the old address and CREATES a new one');
    expect(message).toContain('moveFromId');
    expect(message).toContain('npm run addresses:update');
  });

  test('treats additions as no removal', () => {
    expect(compareAddresses(['a.b'], ['a.b', 'c.d'])).toEqual({ removed: [], added: ['c.d'], moved: [] });
  });

  test('accepts a renamed resource that declares its move with moveFromId', () => {
    const build = (id: string, from?: string) => {
      const stack = new TerraformStack(Testing.app(), 'vaults');
      const vault = new S3BackupVault(stack, id, {});
      if (from) vault.bucket.moveFromId(from);
      return synthesizedAddresses(stack);
    };
    const before = build('Backups').addresses;
    const after = build('BackupVault', 'aws_s3_bucket.Backups_9A29A52D');
    const changes = compareAddresses(before, after.addresses, after.moves);
    expect(changes.moved).toEqual([{ from: 'aws_s3_bucket.Backups_9A29A52D', to: 'aws_s3_bucket.BackupVault_3A9C5852' }]);
    // The bucket is kept; its companions (not moved here) still count as removed.
    expect(changes.removed).not.toContain('aws_s3_bucket.Backups_9A29A52D');
    expect(changes.removed).toContain('aws_kms_key.Backups_Key_1CF89EA6');
  });

  test('lists the containers a runtime creates at synthesis', () => {
    const stack = new TerraformStack(Testing.app(), 'late');
    const runtime = new DockerRuntime(stack, 'Runtime');
    new ErpAppService(stack, 'App', { name: 'erp', runtime, processes: { web: { image: 'nginx:1.27', port: 8080 } } });
    // The containers do not exist before synthesis: the runtime makes them when aspects run.
    expect(runtime.node.findAll().some((c) => c.node.id.startsWith('Container-'))).toBe(false);
    expect(terraformAddresses(stack).filter((a) => a.startsWith('docker_container.'))).toEqual([
      expect.stringMatching(/^docker_container\.Runtime_Container-redis_/),
      expect.stringMatching(/^docker_container\.Runtime_Container-web_/),
    ]);
  });
});
