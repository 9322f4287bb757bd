/**
 * A restore of a dump that the vault moved to Glacier: the fetch stage of the shipped script asks
 * S3 to bring it back and says when, instead of failing on the download. s3rver has no storage
 * classes, so here `aws` is a stand-in that answers head-object as S3 does for such an object.
 */
import { execFileSync } from 'child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const SCRIPT = join(__dirname, '..', 'lib', 'backup', 'scripts', 'erp-backup.sh');

function fetchWith(headObject: string): { code: number; output: string; calls: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'erp-glacier-'));
  try {
    mkdirSync(join(dir, 'bin'));
    // list-objects-v2: one monthly dump; head-object: what the test says; anything else is recorded
    writeFileSync(join(dir, 'bin', 'aws'), [
      '#!/bin/sh',
      'echo "$*" >> "$CALLS"',
      'case "$*" in',
      '  *list-objects-v2*) printf \'erp/monthly/backup-2026-10.sql.gz\\t2026-10-01T07:00:12+00:00\\n\' ;;',
      `  *head-object*) printf '%s\\n' '${headObject}' ;;`,
      'esac',
    ].join('\n'));
    chmodSync(join(dir, 'bin', 'aws'), 0o755);
    let code = 0;
    let output = '';
    try {
      output = execFileSync('bash', [SCRIPT, 'fetch'], {
        env: {
          PATH: `${join(dir, 'bin')}:${process.env.PATH}`, CALLS: join(dir, 'calls'), BACKUP_SCRATCH: join(dir, 'scratch'), BACKUP_STAGED: '0',
          BACKUP_BUCKET: 'vault', BACKUP_ENDPOINT: 'https://s3.eu-central-1.amazonaws.com', BACKUP_NAME: 'backup',
          BACKUP_DAILY_PREFIX: 'erp/daily/', BACKUP_MONTHLY_PREFIX: 'erp/monthly/', RESTORE_FROM: 'monthly',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      }).toString();
    } catch (e) {
      const err = e as { status: number; stderr: Buffer };
      code = err.status;
      output = err.stderr.toString();
    }
    return { code, output, calls: readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('a restore from Glacier', () => {
  test('fails the first time, after asking S3 to bring the dump back, and says when it will be ready', () => {
    const r = fetchWith('GLACIER\tNone\tabc');
    expect(r.code).toBe(1);
    expect(r.calls.some((c) => c.includes('restore-object --bucket vault --key erp/monthly/backup-2026-10.sql.gz'))).toBe(true);
    expect(r.calls.some((c) => c.includes(' s3 cp '))).toBe(false);
    expect(r.output).toMatch(/is in GLACIER: a retrieval was requested \(Standard tier, ready in 3 to 5 hours, kept 7 days\); run the restore again then/);
  });

  test('fails while the retrieval is in progress, without asking again', () => {
    const r = fetchWith('GLACIER\tongoing-request="true"\tabc');
    expect(r.code).toBe(1);
    expect(r.calls.some((c) => c.includes('restore-object'))).toBe(false);
    expect(r.output).toMatch(/retrieval is still in progress/);
  });

  test('downloads it once the retrieval is done', () => {
    const r = fetchWith('GLACIER\tongoing-request="false", expiry-date="Fri, 11 Dec 2026 00:00:00 GMT"\tabc');
    expect(r.calls.some((c) => c.includes('restore-object'))).toBe(false);
    expect(r.calls.some((c) => c.includes('s3 cp s3://vault/erp/monthly/backup-2026-10.sql.gz'))).toBe(true);
  });
});
