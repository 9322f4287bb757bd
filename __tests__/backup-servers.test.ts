/**
 * Smoke test of the end-to-end harness in ./backup/servers.ts: each real server starts,
 * accepts the credentials it hands out, refuses wrong ones, survives stop()/start() with
 * its data, and works with the very tools the backup scripts use (pg_dump, mariadb-dump,
 * Debian's aws CLI v2, curl) through toolEnv().
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import {
  describeE2E,
  destroyAll,
  heartbeatServer,
  HeartbeatServer,
  MariaServer,
  PgServer,
  runCommand,
  S3Server,
  startMariadb,
  startPostgres,
  startS3,
  toolEnv,
} from './backup/servers';

jest.setTimeout(120_000);

/** Runs a bash snippet with the tools' environment, like a backup script would. */
function sh(script: string, env: Record<string, string>) {
  return runCommand('bash', ['-euo', 'pipefail', '-c', script], { env });
}

describeE2E('the backup end-to-end servers', () => {
  let pg: PgServer;
  let maria: MariaServer;
  let s3: S3Server;
  let hb: HeartbeatServer;

  beforeAll(async () => {
    const started = Date.now();
    [pg, maria, s3, hb] = await Promise.all([startPostgres(), startMariadb(), startS3(), heartbeatServer()]);
    console.log(`servers ready in ${Date.now() - started} ms: PostgreSQL ${pg.version}, MariaDB ${maria.version}, s3rver at ${s3.endpoint}`);
  });

  afterAll(async () => {
    await destroyAll();
  });

  describe('the tool environment', () => {
    it('puts Debian\'s AWS CLI v2 and the PostgreSQL server\'s own client tools first on the PATH', async () => {
      const r = await sh('command -v aws; readlink -f "$(command -v aws)"; aws --version; command -v pg_dump; echo "HOME=$HOME"', toolEnv());
      expect(r.code).toBe(0);
      const [awsPath, awsTarget, awsVersion, pgDump, home] = r.stdout.trim().split('\n');
      expect(awsPath).toMatch(/\/bin\/aws$/);
      expect(awsTarget).toBe('/usr/bin/aws');
      expect(awsVersion).toMatch(/^aws-cli\/2\./);
      expect(pgDump).toBe(`${pg.binDir}/pg_dump`);
      expect(home).not.toBe(`HOME=${process.env.HOME}`);
    });
  });

  describe('PostgreSQL', () => {
    it('lets the app role log in over TCP with its password and own its database', async () => {
      await pg.appQuery('CREATE TABLE invoices (id int PRIMARY KEY, total numeric(10,2)); INSERT INTO invoices VALUES (1, 12.50), (2, 99.99);');
      expect(await pg.appQuery('SELECT count(*), sum(total) FROM invoices')).toBe('2|112.49');
      expect(await pg.appQuery('SELECT rolsuper FROM pg_roles WHERE rolname = current_user')).toBe('f');
      expect(await pg.adminQuery('SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()')).toBe(pg.user);
      expect(await pg.adminQuery('SELECT rolsuper FROM pg_roles WHERE rolname = current_user')).toBe('t');
    });

    it('fails a login with a wrong password (scram over TCP, no trust)', async () => {
      const r = await sh('psql -X -At -c "SELECT 1"', toolEnv({ ...pg.env(), PGPASSWORD: 'wrong' }));
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/password authentication failed/);
    });

    it('dumps the app database with pg_dump and gzip, and restores it with psql', async () => {
      const env = toolEnv(pg.env());
      const r = await sh(
        'pg_dump --no-owner --clean --if-exists | gzip > "$HOME/pg.sql.gz"; psql -X -q -c "DROP TABLE invoices"; gunzip -c "$HOME/pg.sql.gz" | psql -X -q -v ON_ERROR_STOP=1; rm "$HOME/pg.sql.gz"',
        env,
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(await pg.appQuery("SELECT string_agg(id || ':' || total, ',' ORDER BY id) FROM invoices")).toBe('1:12.50,2:99.99');
    });

    it('refuses connections while stopped and comes back with the same data after start', async () => {
      await pg.stop();
      expect(pg.running).toBe(false);
      await expect(pg.appQuery('SELECT 1')).rejects.toThrow(/Connection refused|could not connect/i);
      await pg.start();
      expect(await pg.appQuery('SELECT count(*) FROM invoices')).toBe('2');
    });
  });

  describe('MariaDB', () => {
    it('lets the app user log in over TCP with its password, with rights on its database only', async () => {
      await maria.appQuery("CREATE TABLE invoices (id INT PRIMARY KEY, customer VARCHAR(40)); INSERT INTO invoices VALUES (1, 'Müller'), (2, 'O''Brien');");
      expect(await maria.appQuery('SELECT COUNT(*) FROM invoices')).toBe('2');
      expect(await maria.appQuery('SELECT CURRENT_USER()')).toBe(`${maria.user}@127.0.0.1`);
      await expect(maria.appQuery('SELECT COUNT(*) FROM mysql.user')).rejects.toThrow(/denied/i);
      await expect(maria.appQuery('CREATE DATABASE other')).rejects.toThrow(/denied/i);
      expect(await maria.adminQuery("SELECT COUNT(*) FROM mysql.global_priv WHERE User = 'app'")).toBe('3');
    });

    it('fails a login with a wrong password (grant tables are on)', async () => {
      const r = await sh(`mariadb --protocol=TCP -h ${maria.host} -P ${maria.port} -u ${maria.user} -pwrong -e "SELECT 1"`, toolEnv());
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/Access denied/);
    });

    it('dumps the app database with mariadb-dump and gzip, and restores it with the mariadb client', async () => {
      const env = toolEnv(maria.env());
      // Port and password come from maria.env(); mariadb-dump ignores MYSQL_HOST, so -h.
      const login = `-h ${maria.host} -u ${maria.user}`;
      const r = await sh(
        `mariadb-dump ${login} --single-transaction --routines --triggers ${maria.database} | gzip > "$HOME/m.sql.gz"; ` +
          `mariadb ${login} ${maria.database} -e "DROP TABLE invoices"; gunzip -c "$HOME/m.sql.gz" | mariadb ${login} ${maria.database}; rm "$HOME/m.sql.gz"`,
        env,
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(await maria.appQuery("SELECT GROUP_CONCAT(customer ORDER BY id SEPARATOR ',') FROM invoices")).toBe("Müller,O'Brien");
    });

    it('refuses connections while stopped and comes back with the same data after start', async () => {
      await maria.stop();
      expect(maria.running).toBe(false);
      await expect(maria.appQuery('SELECT 1')).rejects.toThrow(/Can't connect/i);
      await maria.start();
      expect(await maria.appQuery('SELECT COUNT(*) FROM invoices')).toBe('2');
    });
  });

  describe('s3rver with the AWS CLI', () => {
    const bucket = 'erp-backups';

    it('accepts uploads from aws s3 cp with --sse AES256, --sse aws:kms and --metadata, and lists them with s3api', async () => {
      await s3.createBucket(bucket);
      const env = toolEnv();
      const e = `--endpoint-url ${s3.endpoint}`;
      const r = await sh(
        [
          'printf "plain" | aws ' + e + ` s3 cp --only-show-errors - s3://${bucket}/db/plain.txt`,
          'printf "aes" | aws ' + e + ` s3 cp --only-show-errors - s3://${bucket}/db/aes.txt --sse AES256`,
          'printf "kms" | aws ' + e + ` s3 cp --only-show-errors - s3://${bucket}/db/kms.txt --sse aws:kms --sse-kms-key-id arn:aws:kms:us-east-1:111111111111:key/x`,
          'printf "meta" | aws ' + e + ` s3 cp --only-show-errors - s3://${bucket}/db/meta.txt --metadata a=b`,
          `aws ${e} s3api list-objects-v2 --bucket ${bucket} --prefix db/ --query "Contents[].Key" --output text`,
          `aws ${e} s3api head-object --bucket ${bucket} --key db/meta.txt --query Metadata.a --output text`,
        ].join('\n'),
        env,
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const [listed, meta] = r.stdout.trim().split('\n');
      expect(listed.split(/\s+/)).toEqual(['db/aes.txt', 'db/kms.txt', 'db/meta.txt', 'db/plain.txt']);
      expect(meta).toBe('b');

      expect(await s3.listKeys(bucket, 'db/')).toEqual(['db/aes.txt', 'db/kms.txt', 'db/meta.txt', 'db/plain.txt']);
      expect((await s3.getObject(bucket, 'db/kms.txt')).toString()).toBe('kms');
      expect(await s3.headObject(bucket, 'db/meta.txt')).toMatchObject({ size: 4, metadata: { a: 'b' } });
      expect(await s3.headObject(bucket, 'db/missing.txt')).toBeUndefined();
    });

    it('fails head-object on a missing key with the exit code 254', async () => {
      const r = await sh(`aws --endpoint-url ${s3.endpoint} s3api head-object --bucket ${bucket} --key db/missing.txt`, toolEnv());
      expect(r.code).toBe(254);
      expect(r.stderr).toMatch(/Not Found/);
    });

    it('is unreachable while stopped and comes back with the same objects after start', async () => {
      await s3.stop();
      expect(s3.running).toBe(false);
      const r = await sh(`aws --endpoint-url ${s3.endpoint} s3 ls s3://${bucket}/db/`, toolEnv());
      expect(r.code).toBe(255);
      expect(r.stderr).toMatch(/Could not connect to the endpoint URL/);
      await s3.start();
      expect(await s3.listKeys(bucket)).toHaveLength(4);
    });
  });

  describe('the heartbeat server', () => {
    it('records the success and failure pings in order, also while the jest process is blocked', async () => {
      await sh(`curl -fsS -m 10 -o /dev/null "${hb.url}"; curl -fsS -m 10 -o /dev/null --data-raw "dump failed" "${hb.url}/fail"`, toolEnv());
      // A test may run a script with execFileSync: the server is a child process and still answers.
      execFileSync('curl', ['-fsS', '-m', '10', '-o', '/dev/null', `${hb.url}?rid=3`]);
      expect(hb.hits).toEqual(['/ping', '/ping/fail', '/ping?rid=3']);
      expect(hb.requests[1]).toEqual({ method: 'POST', path: '/ping/fail', body: 'dump failed' });
    });
  });

  it('leaves no server running and no directory behind after destroyAll', async () => {
    const dirs = [pg.dir, maria.dir, s3.dir];
    await destroyAll();
    for (const d of dirs) expect(fs.existsSync(d)).toBe(false);
    expect(hb.hits).toHaveLength(3);
    await new Promise<void>((resolve) => {
      execFile('pgrep', ['-f', dirs.join('|')], (err, stdout) => {
        expect(stdout.trim()).toBe('');
        expect(err).toBeTruthy(); // pgrep exits 1 when nothing matches
        resolve();
      });
    });
  });
});
