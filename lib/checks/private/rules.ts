import { IConstruct } from 'constructs';
import { CheckRuleInfo, CheckSeverity } from '../rule';
import { Element, StackModel } from './model';

/** A finding before suppressions: the element and what is wrong with it. */
export interface RawFinding {
  readonly construct: IConstruct;
  readonly address: string;
  readonly message: string;
}

/** A rule with its check. */
export interface CheckRule extends CheckRuleInfo {
  check(model: StackModel): RawFinding[];
}

const WORLD = ['0.0.0.0/0', '::/0'];
const DATABASE_PORTS = [3306, 5432, 6379, 25060, 25061];
/** The "nobody" entry a ManagedDatabase firewall holds while no client is admitted (TEST-NET-1, never routed). */
const NOBODY_SOURCES = new Set(['192.0.2.1', '192.0.2.1/32']);
const ADMIN_WORDS = [
  'admin', 'administrator', 'phpmyadmin', 'pma', 'adminer', 'pgadmin', 'grafana', 'beholder', 'flower', 'horizon',
  'kibana', 'prometheus', 'portainer', 'traefik', 'telescope', 'rabbitmq', 'netdata', 'webmin', 'cpanel', 'mailhog',
];
const SECRET_NAME_RE = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_KEY|ACCESS_KEY|(^|_)KEY$)/i;
/** Literal values that are switches, not secrets (`MYSQL_RANDOM_ROOT_PASSWORD=yes`). */
const SWITCH_VALUE_RE = /^(yes|no|true|false|on|off|0|1)$/i;
const NOT_A_SECRET_NAME_RE = /(_FILE|_PATH|_DIR)$/i;

function refLabel(r: { address: string; attribute: string }): string {
  return r.attribute ? `${r.address}.${r.attribute}` : r.address;
}

function finding(el: Element, message: string): RawFinding {
  return { construct: el.construct, address: el.address, message };
}

function list<T = any>(v: unknown): T[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v as T[] : [v as T];
}

function isRef(v: unknown): boolean {
  return typeof v === 'string' && v.includes('${');
}

function preventsDestroy(el: Element): boolean {
  return el.config.lifecycle?.prevent_destroy === true;
}

// ---------------------------------------------------------------- S3

/** The bucket each S3 companion resource configures, through its `bucket` attribute. */
function companions(m: StackModel, bucket: Element, type: string): Element[] {
  return m.pointingAt(bucket, type, 'bucket', 'bucket');
}

/** The statements of a bucket policy: parsed JSON, or the `statement` blocks of an `aws_iam_policy_document` it references. */
function policyStatements(m: StackModel, policy: unknown): Array<{ effect: string; bool: Record<string, unknown> }> | undefined {
  if (typeof policy !== 'string') return undefined;
  const doc = m.target(policy, 'aws_iam_policy_document');
  if (doc) {
    return list<any>(doc.config.statement).map((s) => ({
      effect: String(s.effect ?? 'Allow'),
      bool: Object.fromEntries(list<any>(s.condition).filter((c) => c.test === 'Bool').map((c) => [String(c.variable), list(c.values).map(String)])),
    }));
  }
  try {
    const parsed = JSON.parse(policy);
    return list<any>(parsed.Statement).map((s) => ({ effect: String(s.Effect), bool: (s.Condition?.Bool ?? {}) as Record<string, unknown> }));
  } catch {
    return undefined;
  }
}

function deniesPlainHttp(m: StackModel, policy: unknown): boolean | undefined {
  const statements = policyStatements(m, policy);
  if (!statements) return undefined;
  return statements.some((s) => s.effect === 'Deny' && list(s.bool['aws:SecureTransport']).map(String).includes('false'));
}

const s3PublicAccess: CheckRule = {
  id: 'ERP-S3-1',
  severity: CheckSeverity.ERROR,
  description: 'Every S3 bucket has a public access block with all four settings on.',
  fix: 'add an aws_s3_bucket_public_access_block for the bucket with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets all true (S3BackupVault does this)',
  check(m) {
    const out: RawFinding[] = [];
    for (const b of m.ofType('aws_s3_bucket')) {
      const blocks = companions(m, b, 'aws_s3_bucket_public_access_block');
      if (blocks.length === 0) {
        out.push(finding(b, 'the bucket has no public access block: a policy or ACL could make its objects public'));
        continue;
      }
      for (const pab of blocks) {
        const off = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'].filter((k) => pab.config[k] !== true);
        if (off.length > 0) out.push(finding(pab, `the public access block of ${b.address} leaves ${off.join(', ')} off`));
      }
    }
    return out;
  },
};

const s3Tls: CheckRule = {
  id: 'ERP-S3-2',
  severity: CheckSeverity.ERROR,
  description: 'Every S3 bucket policy denies requests made without TLS.',
  fix: 'add to the bucket policy a Deny statement for s3:* on the bucket and its objects with the condition Bool aws:SecureTransport = "false"',
  check(m) {
    const out: RawFinding[] = [];
    for (const b of m.ofType('aws_s3_bucket')) {
      const policies = companions(m, b, 'aws_s3_bucket_policy');
      if (policies.length === 0) {
        out.push(finding(b, 'the bucket has no policy, so plain-HTTP requests are accepted'));
        continue;
      }
      const verdicts = policies.map((p) => deniesPlainHttp(m, p.config.policy));
      if (verdicts.some((v) => v === true)) continue;
      out.push(finding(policies[0], verdicts.some((v) => v === undefined)
        ? `the policy of ${b.address} cannot be read at synthesis, so it cannot be shown to deny plain-HTTP requests`
        : `the policy of ${b.address} has no Deny on aws:SecureTransport = false`));
    }
    return out;
  },
};

const s3Encryption: CheckRule = {
  id: 'ERP-S3-3',
  severity: CheckSeverity.ERROR,
  description: 'Every S3 bucket has a default server-side encryption configuration.',
  fix: 'add an aws_s3_bucket_server_side_encryption_configuration with apply_server_side_encryption_by_default (sse_algorithm "aws:kms" and your key)',
  check(m) {
    return m.ofType('aws_s3_bucket')
      .filter((b) => companions(m, b, 'aws_s3_bucket_server_side_encryption_configuration').length === 0 && list(b.config.server_side_encryption_configuration).length === 0)
      .map((b) => finding(b, 'the bucket has no default encryption configuration'));
  },
};

const s3Kms: CheckRule = {
  id: 'ERP-S3-4',
  severity: CheckSeverity.WARNING,
  description: 'S3 default encryption uses a KMS key (aws:kms), so key use is audited and access to data needs the key too.',
  fix: 'set sse_algorithm "aws:kms" with kms_master_key_id of a customer-managed key (S3BackupVault: encryption BackupEncryption.KMS, the default)',
  check(m) {
    const out: RawFinding[] = [];
    for (const enc of m.ofType('aws_s3_bucket_server_side_encryption_configuration')) {
      for (const rule of list<any>(enc.config.rule)) {
        const by = list<any>(rule.apply_server_side_encryption_by_default)[0] ?? {};
        const alg = by.sse_algorithm;
        if (alg !== 'aws:kms' && alg !== 'aws:kms:dsse' && !isRef(alg)) {
          out.push(finding(enc, `default encryption is ${JSON.stringify(alg)} (S3-managed keys), not a KMS key`));
        }
      }
    }
    return out;
  },
};

const s3Versioning: CheckRule = {
  id: 'ERP-S3-5',
  severity: CheckSeverity.ERROR,
  description: 'Every S3 bucket is versioned, so an overwrite or delete can be undone.',
  fix: 'add an aws_s3_bucket_versioning with versioning_configuration { status = "Enabled" }',
  check(m) {
    const out: RawFinding[] = [];
    for (const b of m.ofType('aws_s3_bucket')) {
      const v = companions(m, b, 'aws_s3_bucket_versioning');
      const enabled = v.some((x) => list<any>(x.config.versioning_configuration).some((c) => c.status === 'Enabled'))
        || list<any>(b.config.versioning).some((c) => c.enabled === true);
      if (!enabled) {
        out.push(finding(v[0] ?? b, v.length === 0 ? 'the bucket is not versioned' : `versioning of ${b.address} is not "Enabled"`));
      }
    }
    return out;
  },
};

const s3Lifecycle: CheckRule = {
  id: 'ERP-S3-6',
  severity: CheckSeverity.ERROR,
  description: 'Every S3 bucket has an enabled lifecycle rule that removes old versions and aborts unfinished uploads.',
  fix: 'add an aws_s3_bucket_lifecycle_configuration with an enabled rule holding noncurrent_version_expiration and abort_incomplete_multipart_upload',
  check(m) {
    const out: RawFinding[] = [];
    for (const b of m.ofType('aws_s3_bucket')) {
      const confs = companions(m, b, 'aws_s3_bucket_lifecycle_configuration');
      const rules = confs.flatMap((c) => list<any>(c.config.rule)).filter((r) => r.status === 'Enabled');
      const noncurrent = rules.some((r) => list(r.noncurrent_version_expiration).length > 0);
      const uploads = rules.some((r) => list(r.abort_incomplete_multipart_upload).length > 0);
      if (confs.length === 0) {
        out.push(finding(b, 'the bucket has no lifecycle configuration: old versions and unfinished uploads are kept (and billed) forever'));
      } else if (!noncurrent || !uploads) {
        const missing = [!noncurrent ? 'noncurrent_version_expiration' : '', !uploads ? 'abort_incomplete_multipart_upload' : ''].filter(Boolean);
        out.push(finding(confs[0], `the lifecycle of ${b.address} has no enabled rule with ${missing.join(' or ')}`));
      }
    }
    return out;
  },
};

const s3ObjectLock: CheckRule = {
  id: 'ERP-S3-7',
  severity: CheckSeverity.WARNING,
  description: 'Backup buckets use S3 Object Lock, so a stolen credential cannot delete backups.',
  fix: 'create the bucket with object lock (S3BackupVault: objectLock { mode: ObjectLockMode.COMPLIANCE, days }); object lock can only be turned on when the bucket is created',
  check(m) {
    return m.ofType('aws_s3_bucket')
      .filter((b) => b.config.object_lock_enabled !== true && list<any>(b.config.object_lock_configuration).every((c) => c.object_lock_enabled !== 'Enabled'))
      .map((b) => finding(b, 'the bucket has no object lock: whoever holds a key with delete rights can remove every backup version'));
  },
};

// ---------------------------------------------------------------- stateful data

const STATEFUL = [
  'aws_s3_bucket', 'aws_kms_key', 'aws_db_instance', 'aws_rds_cluster',
  'digitalocean_database_cluster', 'digitalocean_database_replica', 'digitalocean_database_db', 'digitalocean_spaces_bucket', 'digitalocean_volume',
];

const preventDestroy: CheckRule = {
  id: 'ERP-DATA-1',
  severity: CheckSeverity.ERROR,
  description: 'Databases, backup buckets and their keys are protected with prevent_destroy and are never force-destroyed.',
  fix: 'keep the constructs\' default (preventDestroy / protectFromDestroy true); for a throwaway environment suppress this rule on it with the reason',
  check(m) {
    const out: RawFinding[] = [];
    for (const el of m.elements.filter((e) => !e.isData && STATEFUL.includes(e.type))) {
      if (!preventsDestroy(el)) out.push(finding(el, `${el.type} is not protected with lifecycle.prevent_destroy: a destroy or a replacement deletes its data`));
      if (el.config.force_destroy === true) out.push(finding(el, `${el.type} has force_destroy: destroying it deletes every object in it`));
    }
    return out;
  },
};

const rdsSafe: CheckRule = {
  id: 'ERP-RDS-1',
  severity: CheckSeverity.ERROR,
  description: 'RDS instances are private, encrypted at rest and keep automated backups.',
  fix: 'set publicly_accessible false, storage_encrypted true and backup_retention_period 1 or more (RdsDatabase does this)',
  check(m) {
    const out: RawFinding[] = [];
    for (const db of m.ofType('aws_db_instance')) {
      if (db.config.publicly_accessible === true) out.push(finding(db, 'the instance is publicly accessible'));
      if (db.config.storage_encrypted !== true && db.config.replicate_source_db === undefined) out.push(finding(db, 'storage is not encrypted'));
      if (db.config.backup_retention_period === 0) out.push(finding(db, 'automated backups are off (backup_retention_period 0)'));
    }
    return out;
  },
};

// ---------------------------------------------------------------- DigitalOcean

const dropletSshKeys: CheckRule = {
  id: 'ERP-DO-1',
  severity: CheckSeverity.ERROR,
  description: 'Droplets are created with SSH keys (no root password sent by email).',
  fix: 'give ssh_keys (DropletRuntime: sshKeys) with the ids or fingerprints of your team\'s keys',
  check(m) {
    return m.ofType('digitalocean_droplet')
      .filter((d) => !isRef(d.config.ssh_keys) && list(d.config.ssh_keys).length === 0)
      .map((d) => finding(d, 'the droplet has no SSH key: DigitalOcean sets a root password and emails it'));
  },
};

function portsOf(range: unknown): [number, number] | undefined {
  if (range === undefined || range === null || range === '' || range === 'all' || range === '0') return [1, 65535];
  const text = String(range);
  const mm = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!mm) return undefined;
  return [Number(mm[1]), Number(mm[2] ?? mm[1])];
}

function worldOpen(checkPorts: number[], label: string): (m: StackModel) => RawFinding[] {
  return (m) => {
    const out: RawFinding[] = [];
    for (const fw of m.ofType('digitalocean_firewall')) {
      for (const rule of list<any>(fw.config.inbound_rule)) {
        if (rule.protocol === 'icmp') continue;
        const world = list<string>(rule.source_addresses).filter((a) => WORLD.includes(a));
        if (world.length === 0) continue;
        const range = portsOf(rule.port_range);
        if (!range) continue;
        const hit = checkPorts.filter((p) => p >= range[0] && p <= range[1]);
        if (hit.length > 0) {
          out.push(finding(fw, `inbound ${rule.protocol} ${rule.port_range ?? 'all'} is open to ${world.join(' and ')}: ${label} ${hit.join(', ')} reachable from the whole internet`));
        }
      }
    }
    return out;
  };
}

const firewallSsh: CheckRule = {
  id: 'ERP-DO-2',
  severity: CheckSeverity.ERROR,
  description: 'No DigitalOcean firewall opens SSH (22) to 0.0.0.0/0 or ::/0.',
  fix: 'admit SSH only from your admin addresses (DropletRuntime: adminCidrs), or reach the droplets through the tunnel',
  check: worldOpen([22], 'SSH port'),
};

const firewallDbPorts: CheckRule = {
  id: 'ERP-DO-3',
  severity: CheckSeverity.ERROR,
  description: 'No DigitalOcean firewall opens database ports (3306, 5432, 6379, 25060, 25061) to 0.0.0.0/0 or ::/0.',
  fix: 'remove the rule: apps reach databases over the private network; admit admins by their address only',
  check: worldOpen(DATABASE_PORTS, 'database port'),
};

/** The firewalls of a cluster or replica. */
function databaseFirewalls(m: StackModel, db: Element): Element[] {
  return m.ofType('digitalocean_database_firewall').filter((fw) => {
    const t = m.target(fw.config.cluster_id, db.type);
    return t === db;
  });
}

const databaseFirewallOpen: CheckRule = {
  id: 'ERP-DO-4',
  severity: CheckSeverity.ERROR,
  description: 'Every DigitalOcean database cluster and replica has a firewall, and no firewall rule admits 0.0.0.0/0 or ::/0.',
  fix: 'add a digitalocean_database_firewall (ManagedDatabase makes one) and admit clients by droplet, tag or Kubernetes cluster (db.allowFrom(app))',
  check(m) {
    const out: RawFinding[] = [];
    for (const db of [...m.ofType('digitalocean_database_cluster'), ...m.ofType('digitalocean_database_replica')]) {
      if (databaseFirewalls(m, db).length === 0) {
        out.push(finding(db, 'the database has no firewall: DigitalOcean then accepts connections from any source'));
      }
    }
    for (const fw of m.ofType('digitalocean_database_firewall')) {
      const open = list<any>(fw.config.rule).filter((r) => r.type === 'ip_addr' && (WORLD.includes(r.value) || /\/0$/.test(String(r.value))));
      if (open.length > 0) out.push(finding(fw, `the firewall admits ${open.map((r) => r.value).join(', ')}: the whole internet`));
    }
    return out;
  },
};

/** The elements that connect to a database: anything outside the database's own resources that reads its host, URI, password or a user of it. */
function databaseUsers(m: StackModel, db: Element): Element[] {
  const related = new Set<string>([db.address]);
  for (const type of ['digitalocean_database_user', 'digitalocean_database_connection_pool', 'digitalocean_database_db', 'digitalocean_database_replica']) {
    for (const el of m.ofType(type)) if (m.target(el.config.cluster_id, db.type) === db) related.add(el.address);
  }
  const connecting = ['host', 'private_host', 'uri', 'private_uri', 'password', 'port', 'user', 'name', 'database'];
  return m.elements.filter((e) => !e.type.startsWith('digitalocean_database_') && e.type !== 'digitalocean_project_resources'
    && e.refs.some((r) => related.has(r.address) && connecting.includes(r.attribute)));
}

const databaseFirewallEmpty: CheckRule = {
  id: 'ERP-DO-5',
  severity: CheckSeverity.ERROR,
  description: 'A database an app connects to admits that app: its firewall is not empty.',
  fix: 'call db.allowFrom(app) (ErpAppService.connectTo does it) so the firewall admits the app\'s droplets, tag or cluster',
  check(m) {
    const out: RawFinding[] = [];
    for (const db of m.ofType('digitalocean_database_cluster')) {
      const users = databaseUsers(m, db);
      if (users.length === 0) continue;
      for (const fw of databaseFirewalls(m, db)) {
        const real = list<any>(fw.config.rule).filter((r) => !(r.type === 'ip_addr' && NOBODY_SOURCES.has(String(r.value))));
        if (real.length === 0) {
          out.push(finding(fw, `the firewall admits nobody, yet ${users.map((u) => u.address).slice(0, 3).join(', ')} connect to ${db.address}: the app cannot reach its database`));
        }
      }
    }
    return out;
  },
};

const databasePrivate: CheckRule = {
  id: 'ERP-DO-6',
  severity: CheckSeverity.ERROR,
  description: 'DigitalOcean database clusters are in a private network (private_network_uuid set).',
  fix: 'give the cluster a VPC (ManagedDatabase creates one, or pass vpc) and connect apps on the private host',
  check(m) {
    return m.ofType('digitalocean_database_cluster')
      .filter((db) => db.config.private_network_uuid === undefined || db.config.private_network_uuid === '')
      .map((db) => finding(db, 'the cluster has no private_network_uuid: it joins the region\'s default VPC, shared with every other droplet of the account'));
  },
};

const kubernetesUpgrades: CheckRule = {
  id: 'ERP-DO-7',
  severity: CheckSeverity.ERROR,
  description: 'DigitalOcean Kubernetes clusters upgrade patch releases automatically, with surge upgrades.',
  fix: 'set auto_upgrade true with a maintenance_policy window, and leave surge_upgrade true (its default)',
  check(m) {
    const out: RawFinding[] = [];
    for (const k of m.ofType('digitalocean_kubernetes_cluster')) {
      if (k.config.auto_upgrade !== true) out.push(finding(k, 'auto_upgrade is off: security patches of Kubernetes wait for someone to apply them'));
      if (k.config.surge_upgrade === false) out.push(finding(k, 'surge_upgrade is off: upgrades drain nodes without replacement capacity, so pods go down'));
    }
    return out;
  },
};

function allowsEveryone(policy: unknown): boolean {
  if (typeof policy !== 'string') return false;
  try {
    const doc = JSON.parse(policy);
    return list<any>(doc.Statement).some((s) => s.Effect === 'Allow' && (s.Principal === '*' || list(s.Principal?.AWS).includes('*')));
  } catch {
    return false;
  }
}

const spacesPrivate: CheckRule = {
  id: 'ERP-DO-8',
  severity: CheckSeverity.ERROR,
  description: 'Spaces buckets are private: ACL private and no policy that allows everyone.',
  fix: 'set acl "private" (the default; SpacesBackupVault sets it) and remove Allow statements for Principal "*"',
  check(m) {
    const out: RawFinding[] = [];
    for (const b of m.ofType('digitalocean_spaces_bucket')) {
      if (b.config.acl !== undefined && b.config.acl !== 'private') out.push(finding(b, `the Space's ACL is ${JSON.stringify(b.config.acl)}: anyone can list or read it`));
    }
    for (const pol of m.ofType('digitalocean_spaces_bucket_policy')) {
      if (allowsEveryone(pol.config.policy)) out.push(finding(pol, 'the Space\'s policy allows Principal "*"'));
    }
    return out;
  },
};

const spacesVersioned: CheckRule = {
  id: 'ERP-DO-9',
  severity: CheckSeverity.ERROR,
  description: 'Spaces buckets are versioned.',
  fix: 'set versioning { enabled = true } on the Space (SpacesBackupVault does this)',
  check(m) {
    return m.ofType('digitalocean_spaces_bucket')
      .filter((b) => !list<any>(b.config.versioning).some((v) => v.enabled === true))
      .map((b) => finding(b, 'the Space is not versioned: an overwrite or delete cannot be undone'));
  },
};

// ---------------------------------------------------------------- Cloudflare

/** The Access application domains of the stack, as host and path prefix. */
function accessDomains(m: StackModel): Array<{ host: string; path: string }> {
  const out: Array<{ host: string; path: string }> = [];
  for (const app of m.ofType('cloudflare_zero_trust_access_application')) {
    const domains = [app.config.domain, ...list<any>(app.config.destinations).map((d) => d.uri), ...list<string>(app.config.self_hosted_domains)];
    for (const d of domains) {
      if (typeof d !== 'string' || d === '') continue;
      const slash = d.indexOf('/');
      out.push(slash < 0 ? { host: d, path: '' } : { host: d.slice(0, slash), path: d.slice(slash).replace(/\/+$/, '') });
    }
  }
  return out;
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
  return false;
}

/** The plain path prefix of an ingress path (`^/admin(/|$)` -> `/admin`), or the path as written. */
function plainPath(path: unknown): string {
  if (typeof path !== 'string') return '';
  const mm = /^\^?((?:\/[A-Za-z0-9._~-]*)*?)\/?(?:\(\/\|\$\))?$/.exec(path.replace(/\\(.)/g, '$1'));
  return mm ? mm[1] : path;
}

function adminWord(hostname: string, path: string): string | undefined {
  const words = `${hostname} ${path}`.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 0);
  return words.find((w) => ADMIN_WORDS.includes(w) || /^(php|pg|db|my|sys|site|web)?admin$/.test(w));
}

/** Routes a TunnelIngress was told are public on purpose (`allowPublicAdmin`), as `host path`. */
function publicOnPurpose(config: Element): Set<string> {
  const scope = config.construct.node.scope as any;
  const routes: unknown = scope?.routes;
  const out = new Set<string>();
  if (Array.isArray(routes)) {
    for (const r of routes) if (r && r.allowPublicAdmin === true) out.add(`${r.hostname} ${plainPath(r.path)}`);
  }
  return out;
}

const cloudflareAdminAccess: CheckRule = {
  id: 'ERP-CF-1',
  severity: CheckSeverity.ERROR,
  description: 'Tunnel routes whose hostname or path looks like an admin tool (phpMyAdmin, Grafana, /admin...) are behind Cloudflare Access.',
  fix: 'give the route access (TunnelRoute.access: AccessPolicy.emails / emailDomains / groups); if it is public on purpose set allowPublicAdmin: true',
  check(m) {
    const out: RawFinding[] = [];
    const domains = accessDomains(m);
    for (const cfg of m.ofType('cloudflare_zero_trust_tunnel_cloudflared_config')) {
      const purposely = publicOnPurpose(cfg);
      for (const rule of list<any>(list<any>(cfg.config.config)[0]?.ingress)) {
        const host = rule.hostname;
        if (typeof host !== 'string' || host === '' || isRef(host)) continue;
        const path = plainPath(rule.path);
        const word = adminWord(host, path);
        if (!word || purposely.has(`${host} ${path}`)) continue;
        const covered = domains.some((d) => hostMatches(d.host, host) && (d.path === '' || path === d.path || path.startsWith(`${d.path}/`)));
        if (!covered) out.push(finding(cfg, `route ${host}${path} -> ${rule.service} looks like an admin tool ("${word}") and no Access application covers it`));
      }
    }
    return out;
  },
};

const cloudflareCatchAll: CheckRule = {
  id: 'ERP-CF-2',
  severity: CheckSeverity.ERROR,
  description: 'Every Cloudflare Tunnel managed by Cloudflare has an ingress configuration that ends with a catch-all rule (no hostname, no path).',
  fix: 'end the ingress list with { service = "http_status:404" } (TunnelIngress adds it)',
  check(m) {
    const out: RawFinding[] = [];
    const configs = m.ofType('cloudflare_zero_trust_tunnel_cloudflared_config');
    for (const cfg of configs) {
      const ingress = list<any>(list<any>(cfg.config.config)[0]?.ingress);
      const last = ingress[ingress.length - 1];
      if (!last || (last.hostname !== undefined && last.hostname !== '') || (last.path !== undefined && last.path !== '')) {
        out.push(finding(cfg, ingress.length === 0 ? 'the tunnel configuration has no ingress rules'
          : `the last ingress rule matches ${last.hostname ?? ''}${last.path ?? ''} only: requests for other hostnames have no rule`));
      }
    }
    for (const t of m.ofType('cloudflare_zero_trust_tunnel_cloudflared')) {
      if (t.config.config_src !== 'cloudflare') continue;
      if (!configs.some((c) => m.target(c.config.tunnel_id, t.type) === t)) {
        out.push(finding(t, 'the tunnel\'s configuration is managed by Cloudflare but the stack gives it none'));
      }
    }
    return out;
  },
};

const cloudflareProxied: CheckRule = {
  id: 'ERP-CF-3',
  severity: CheckSeverity.WARNING,
  description: 'DNS records that point at a tunnel (*.cfargotunnel.com) are proxied.',
  fix: 'set proxied true on the record (TunnelIngress does this)',
  check(m) {
    return m.ofType('cloudflare_dns_record')
      .filter((r) => typeof r.config.content === 'string' && r.config.content.includes('cfargotunnel.com') && r.config.proxied !== true)
      .map((r) => finding(r, `the record ${r.config.name} points at the tunnel but is not proxied: it does not resolve for browsers and reveals the tunnel id`));
  },
};

// ---------------------------------------------------------------- secrets

/** Plain environment values of a resource: `[name, value]`, or `[undefined, text]` for a whole document such as user data. */
function plainEnvironment(el: Element): Array<[string | undefined, unknown]> {
  const out: Array<[string | undefined, unknown]> = [];
  if (el.type === 'docker_container') {
    for (const e of list<unknown>(el.config.env)) {
      if (typeof e !== 'string') continue;
      const i = e.indexOf('=');
      out.push(i < 0 ? [e, ''] : [e.slice(0, i), e.slice(i + 1)]);
    }
  } else if (el.type === 'digitalocean_droplet') {
    if (el.config.user_data !== undefined) out.push([undefined, el.config.user_data]);
  } else if (/^kubernetes_config_map(_v1)?$/.test(el.type)) {
    for (const [k, v] of Object.entries(el.config.data ?? {})) out.push([k, v]);
  } else if (el.type.startsWith('kubernetes_')) {
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) {
        v.forEach(walk);
      } else if (v && typeof v === 'object') {
        for (const [k, child] of Object.entries(v)) {
          if (k === 'env') {
            for (const e of list<any>(child)) if (e && typeof e === 'object' && 'value' in e) out.push([String(e.name), e.value]);
          } else {
            walk(child);
          }
        }
      }
    };
    walk(el.config);
  }
  return out;
}

function secretFindings(m: StackModel, types: (t: string) => boolean): RawFinding[] {
  const out: RawFinding[] = [];
  for (const el of m.elements.filter((e) => !e.isData && types(e.type))) {
    for (const [name, value] of plainEnvironment(el)) {
      const refs = m.secretReferences(value);
      const where = name === undefined ? 'user_data' : `environment variable ${name}`;
      if (refs.length > 0) {
        out.push(finding(el, `${where} holds ${refs.map(refLabel).join(', ')} in plain text`));
      } else if (name !== undefined && SECRET_NAME_RE.test(name) && !NOT_A_SECRET_NAME_RE.test(name)
        && typeof value === 'string' && value !== '' && !value.includes('${') && !SWITCH_VALUE_RE.test(value)) {
        out.push(finding(el, `${where} holds a literal secret value`));
      }
    }
  }
  return out;
}

const plainSecrets: CheckRule = {
  id: 'ERP-SEC-1',
  severity: CheckSeverity.ERROR,
  description: 'Secrets (passwords, URIs with credentials, tokens, keys) are never in droplet user data or in plain Kubernetes environment values or config maps.',
  fix: 'pass secrets through the app\'s secrets (ErpAppService secrets / connectTo): files written over SSH on droplets, Kubernetes Secrets read with value_from',
  check: (m) => secretFindings(m, (t) => t === 'digitalocean_droplet' || (t.startsWith('kubernetes_') && !/^kubernetes_secret/.test(t))),
};

const dockerSecrets: CheckRule = {
  id: 'ERP-SEC-2',
  severity: CheckSeverity.WARNING,
  description: 'Secrets in the environment of local Docker containers are development values only (they show in docker inspect and in the state).',
  fix: 'use development credentials in a local environment; never point it at production secrets',
  check: (m) => secretFindings(m, (t) => t === 'docker_container'),
};

const sensitiveOutputs: CheckRule = {
  id: 'ERP-SEC-3',
  severity: CheckSeverity.ERROR,
  description: 'Outputs that carry a secret are marked sensitive.',
  fix: 'make the TerraformOutput with sensitive: true',
  check(m) {
    const out: RawFinding[] = [];
    for (const o of m.outputs) {
      if (o.sensitive) continue;
      const refs = o.refs.filter((r) => m.isSecretReference(r));
      if (refs.length > 0) {
        out.push({ construct: o.construct, address: `output.${(o.construct as any).friendlyUniqueId}`, message: `the output shows ${refs.map(refLabel).join(', ')} in plan and apply logs` });
      }
    }
    return out;
  },
};

/** Every rule, in report order. */
export const ALL_RULES: readonly CheckRule[] = [
  s3PublicAccess, s3Tls, s3Encryption, s3Kms, s3Versioning, s3Lifecycle, s3ObjectLock,
  preventDestroy, rdsSafe,
  dropletSshKeys, firewallSsh, firewallDbPorts, databaseFirewallOpen, databaseFirewallEmpty, databasePrivate,
  kubernetesUpgrades, spacesPrivate, spacesVersioned,
  cloudflareAdminAccess, cloudflareCatchAll, cloudflareProxied,
  plainSecrets, dockerSecrets, sensitiveOutputs,
];
