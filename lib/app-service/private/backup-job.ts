import { BackupJobEnvironment, DatabaseConnection, DatabaseEngineFamily } from '../../common/contracts';

/** Quotes one word for a POSIX shell (single quotes; tokens stay inside the quotes). */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_./:=@+-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Variables and script of a dump-compress-upload job. */
export interface BackupJobParts {
  readonly plain: Record<string, string>;
  readonly secret: Record<string, string>;
  readonly script: string;
}

/**
 * The backup job: dumps the database (pg_dump or mysqldump), gzips it and
 * uploads it to the daily prefix on every run, to the weekly prefix on
 * Sundays and to the monthly prefix on the 1st (UTC). The script avoids
 * `${` so that it can pass through Terraform strings untouched.
 *
 * TLS: with `requireTls` the dump refuses a connection without TLS; when the
 * job container also finds the database's CA certificate at `caFile`, it
 * verifies the server with it: `PGSSLMODE=verify-full` with `PGSSLROOTCERT`
 * (PostgreSQL); for MySQL, MariaDB's mysqldump (what `mariadb-client`, the
 * package the job installs on Alpine, provides) takes
 * `--ssl --ssl-ca=<file> --ssl-verify-server-cert`, and Oracle's (an image
 * that brings its own client) `--ssl-mode=VERIFY_CA --ssl-ca=<file>`: the
 * script asks `mysqldump --version` which one it runs.
 */
export function backupJob(
  jobName: string, db: DatabaseConnection, vault: BackupJobEnvironment, requireTls: boolean, caFile?: string,
): BackupJobParts {
  const plain: Record<string, string> = {
    ...vault.environment.plain,
    BACKUP_NAME: jobName,
    BACKUP_BUCKET: vault.bucket,
    BACKUP_ENDPOINT: vault.endpoint,
    BACKUP_DAILY_PREFIX: vault.dailyPrefix,
    BACKUP_WEEKLY_PREFIX: vault.weeklyPrefix,
    BACKUP_MONTHLY_PREFIX: vault.monthlyPrefix,
    AWS_DEFAULT_REGION: vault.region,
    DB_HOST: db.host,
    DB_PORT: db.port,
    DB_USER: db.user,
    DB_NAME: db.database,
  };
  const secret: Record<string, string> = { ...vault.environment.secret };
  const verify = requireTls && caFile !== undefined;
  let install: string;
  /** Lines that run before the dump (choosing the client's TLS flags). */
  let prepare: string[] = [];
  let dump: string;
  if (db.engine === DatabaseEngineFamily.MYSQL) {
    secret.MYSQL_PWD = db.password;
    install = 'command -v mysqldump >/dev/null && command -v aws >/dev/null || apk add --no-cache mariadb-client aws-cli >/dev/null';
    if (requireTls) {
      if (verify) plain.DB_SSL_CA = caFile;
      // the TLS flags of the client at hand, as positional parameters
      const [mariadb, oracle] = verify
        ? ['set -- --ssl --ssl-ca="$DB_SSL_CA" --ssl-verify-server-cert', 'set -- --ssl-mode=VERIFY_CA --ssl-ca="$DB_SSL_CA"']
        : ['set -- --ssl', 'set -- --ssl-mode=REQUIRED'];
      prepare = [`case "$(mysqldump --version)" in *MariaDB*) ${mariadb} ;; *) ${oracle} ;; esac`];
    }
    dump = `mysqldump --host="$DB_HOST" --port="$DB_PORT" --user="$DB_USER"${requireTls ? ' "$@"' : ''} --single-transaction --quick --routines --triggers --events "$DB_NAME"`;
  } else if (db.engine === DatabaseEngineFamily.POSTGRES) {
    secret.PGPASSWORD = db.password;
    plain.PGSSLMODE = verify ? 'verify-full' : requireTls ? 'require' : 'prefer';
    if (verify) plain.PGSSLROOTCERT = caFile;
    install = 'command -v pg_dump >/dev/null && command -v aws >/dev/null || apk add --no-cache postgresql17-client aws-cli >/dev/null';
    dump = 'pg_dump --host="$DB_HOST" --port="$DB_PORT" --username="$DB_USER" --no-owner --no-privileges "$DB_NAME"';
  } else {
    throw new Error(`cannot dump a ${db.engine} database`);
  }
  const upload = (prefixVar: string) =>
    ['aws', 's3', 'cp', '"$file"', `"s3://$BACKUP_BUCKET/$(strip "$${prefixVar}")$BACKUP_NAME-$stamp.sql.gz"`, '--endpoint-url', '"$BACKUP_ENDPOINT"', '--only-show-errors',
      ...vault.uploadArgs.map(shellQuote)].join(' ');
  const script = [
    'set -eu',
    'set -o pipefail',
    install,
    // a prefix with exactly one trailing slash, or nothing
    "strip() { p=$(printf '%s' \"$1\" | sed 's:/*$::'); [ -n \"$p\" ] && printf '%s/' \"$p\" || true; }",
    'stamp=$(date -u +%Y%m%dT%H%M%SZ)',
    'file=/tmp/$BACKUP_NAME-$stamp.sql.gz',
    ...prepare,
    `${dump} | gzip -9 > "$file"`,
    upload('BACKUP_DAILY_PREFIX'),
    `if [ "$(date -u +%u)" = 7 ]; then ${upload('BACKUP_WEEKLY_PREFIX')}; fi`,
    `if [ "$(date -u +%d)" = 01 ]; then ${upload('BACKUP_MONTHLY_PREFIX')}; fi`,
    'rm -f "$file"',
    'echo "backup $BACKUP_NAME-$stamp uploaded"',
  ].join('\n');
  return { plain, secret, script };
}
