/**
 * The output validator (support/output-validator.ts) the property tests judge synthesized stacks with:
 * each rule catches a Terraform JSON that breaks it, leaves expressions alone, and finds nothing to
 * refuse in what the library writes today for the built-in example's tier stacks and the example apps.
 */
import { skipTokenCreationStacks } from '../tools/token-stacks';
import { App, TerraformStack, Testing } from 'cdktf';
import { FastApiIspPlatformStack, FastApiIspStack } from '../examples/fastapi-isp/main';
import { LaravelInvoicingStack } from '../examples/laravel-invoicing/main';
import { LenderDevStack, LenderLocalStack } from '../examples/nextjs-lender/main';
import { NodeErpStack } from '../examples/node-erp/main';
import { buildStacks } from '../stacks';
import { LARAVEL_INVOICING_EXAMPLE } from '../stacks/description/laravel-example';
import * as regions from '../lib/common/region';
import {
  AWS_REGIONS, DO_REGIONS, RULES, Violation, duplicateAddresses, formatViolations, referencesIn, s3BucketNameProblems, validateOutput,
  validateStackSet,
} from './support/output-validator';

skipTokenCreationStacks();

type Json = Record<string, any>;

const CLUSTER_ID = '${digitalocean_database_cluster.Db.id}';

/** A stack JSON of the given resources (by type, then name), with the providers a tier stack has. */
function stack(resources: Json, extra: Json = {}): Json {
  return {
    provider: { aws: [{ region: 'eu-central-1' }, { alias: 'replica', region: 'eu-west-1' }], digitalocean: [{}] },
    resource: resources,
    ...extra,
  };
}

function rules(json: Json | string): string[] {
  return [...new Set(validateOutput(json).map((v) => v.rule))];
}

/** For each rule: a stack that breaks it. */
const BREAKS: Array<[string, string, Json | string]> = [
  ['tf.duplicate-address', 'a resource name written twice (JSON.parse keeps the last)',
    '{"resource":{"aws_iam_user":{"Agent":{"name":"erp-agent"},"Agent":{"name":"erp-agent-2"}}}}'],
  ['tf.identifier', 'a resource name starting with a digit', stack({ aws_iam_user: { '1Agent': { name: 'erp' } } })],
  ['tf.identifier', 'a variable name with a space', stack({}, { variable: { 'mail password': { type: 'string' } } })],
  ['tf.variable-reserved', 'a variable named count', stack({}, { variable: { count: { type: 'number' } } })],
  ['tf.undeclared-reference', 'a reference to a bucket the stack does not declare',
    stack({ aws_iam_user_policy: { P: { user: 'erp', policy: '{"Resource":"${aws_s3_bucket.Missing.arn}/*"}' } } })],
  ['tf.undeclared-reference', 'a reference to an undeclared variable', stack({ digitalocean_droplet: { D: { name: 'erp-1', user_data: '${var.nope}' } } })],
  ['tf.undeclared-reference', 'a shell-style ${HOME} in a literal', stack({ digitalocean_droplet: { D: { name: 'erp-1', user_data: 'cd ${HOME}' } } })],
  ['tf.undeclared-provider', 'a provider alias the stack does not declare', stack({ aws_s3_bucket: { B: { bucket: 'erp-replica', provider: 'aws.backup' } } })],
  ['tf.lifecycle', 'prevent_destroy given as a string', stack({ digitalocean_volume: { V: { name: 'data', region: 'fra1', lifecycle: { prevent_destroy: 'yes' } } } })],
  ['tf.backend', 'an S3 state bucket with an underscore', stack({}, { terraform: { backend: { s3: { bucket: 'acme_state', key: 'erp/dev.tfstate', region: 'eu-central-1' } } } })],
  ['tf.backend', 'an HCP Terraform workspace name with a dot', stack({}, { terraform: { cloud: { organization: 'acme', workspaces: { name: 'erp.dev' } } } })],
  ['do.region', 'a region slug outside the catalogue', stack({ digitalocean_vpc: { V: { name: 'erp', region: 'fra9' } } })],
  ['do.tag', 'a droplet tag with a dot', stack({ digitalocean_droplet: { D: { name: 'erp-1', tags: ['erp.prod'] } } })],
  ['do.tag', 'a database firewall rule admitting a tag with a space', stack({ digitalocean_database_firewall: { F: { cluster_id: 'x', rule: [{ type: 'tag', value: 'erp web' }] } } })],
  ['do.tag', 'a node pool tag of 256 characters', stack({ digitalocean_kubernetes_cluster: { K: { name: 'erp-ha', node_pool: { name: 'system', tags: ['t'.repeat(256)] } } } })],
  ['do.droplet.name', 'a droplet name with an underscore', stack({ digitalocean_droplet: { D: { name: 'erp_prod-1' } } })],
  ['do.droplet.user-data', 'literal user data over 64 KiB', stack({ digitalocean_droplet: { D: { name: 'erp-1', user_data: `#cloud-config\n${'x'.repeat(64 * 1024)}` } } })],
  ['do.vpc.name', 'a VPC name with a space', stack({ digitalocean_vpc: { V: { name: 'erp vpc', region: 'fra1' } } })],
  ['do.vpc.description', 'a VPC description of 256 characters', stack({ digitalocean_vpc: { V: { name: 'erp', region: 'fra1', description: 'd'.repeat(256) } } })],
  ['do.vpc.ip-range', 'a VPC range of /28', stack({ digitalocean_vpc: { V: { name: 'erp', region: 'fra1', ip_range: '10.10.0.0/28' } } })],
  ['do.vpc.ip-range', 'a public VPC range', stack({ digitalocean_vpc: { V: { name: 'erp', region: 'fra1', ip_range: '8.8.0.0/16' } } })],
  ['do.volume.name', 'a volume name starting with a digit', stack({ digitalocean_volume: { V: { name: '1-data', region: 'fra1', size: 10 } } })],
  ['do.volume.name', 'a volume name of 65 characters', stack({ digitalocean_volume: { V: { name: `d${'a'.repeat(64)}`, region: 'fra1', size: 10 } } })],
  ['do.volume.description', 'a volume description over 1024 bytes', stack({ digitalocean_volume: { V: { name: 'data', region: 'fra1', size: 10, description: 'ñ'.repeat(513) } } })],
  ['do.database.cluster-name', 'a cluster name with an underscore', stack({ digitalocean_database_cluster: { Db: { name: 'erp_db', engine: 'pg', region: 'fra1' } } })],
  ['do.database.cluster-name', 'a replica name of 64 characters', stack({ digitalocean_database_replica: { R: { name: `r${'o'.repeat(63)}`, cluster_id: 'x' } } })],
  ['do.database.backup-restore', 'a restore from a backup taken on February 30', stack({ digitalocean_database_cluster: { Db: {
    name: 'erp-db', engine: 'pg', backup_restore: { database_name: 'erp-db-old', backup_created_at: '2026-02-30T00:00:00Z' },
  } } })],
  ['do.database.user-reserved', 'a user named doadmin', stack({
    digitalocean_database_cluster: { Db: { name: 'erp-db', engine: 'pg' } }, digitalocean_database_user: { U: { cluster_id: CLUSTER_ID, name: 'doadmin' } },
  })],
  ['do.database.user-length', 'a MySQL user of 33 characters', stack({
    digitalocean_database_cluster: { Db: { name: 'erp-db', engine: 'mysql' } }, digitalocean_database_user: { U: { cluster_id: CLUSTER_ID, name: 'u'.repeat(33) } },
  })],
  ['do.database.user-length', 'a PostgreSQL user of 64 bytes', stack({
    digitalocean_database_cluster: { Db: { name: 'erp-db', engine: 'pg' } }, digitalocean_database_user: { U: { cluster_id: CLUSTER_ID, name: 'u'.repeat(64) } },
  })],
  ['do.database.user-name', 'an empty user name', stack({ digitalocean_database_user: { U: { cluster_id: 'x', name: '' } } })],
  ['do.database.db-reserved', 'a database named defaultdb', stack({
    digitalocean_database_cluster: { Db: { name: 'erp-db', engine: 'mysql' } }, digitalocean_database_db: { D: { cluster_id: CLUSTER_ID, name: 'defaultdb' } },
  })],
  ['do.database.db-reserved', 'a PostgreSQL database named template1', stack({
    digitalocean_database_cluster: { Db: { name: 'erp-db', engine: 'pg' } }, digitalocean_database_db: { D: { cluster_id: CLUSTER_ID, name: 'template1' } },
  })],
  ['do.database.db-length', 'a PostgreSQL database name of 64 bytes', stack({
    digitalocean_database_cluster: { Db: { name: 'erp-db', engine: 'pg' } }, digitalocean_database_db: { D: { cluster_id: CLUSTER_ID, name: 'd'.repeat(64) } },
  })],
  ['do.database.duplicate', 'two users of one name in one cluster', stack({
    digitalocean_database_cluster: { Db: { name: 'erp-db', engine: 'pg' } },
    digitalocean_database_user: { U1: { cluster_id: CLUSTER_ID, name: 'erp' }, U2: { cluster_id: CLUSTER_ID, name: 'erp' } },
  })],
  ['do.kubernetes.name', 'a cluster name with uppercase letters', stack({ digitalocean_kubernetes_cluster: { K: { name: 'Erp-HA', region: 'fra1' } } })],
  ['do.kubernetes.name', 'a node pool name of 64 characters', stack({ digitalocean_kubernetes_node_pool: { P: { name: `p${'a'.repeat(55)}-s-4vcpu`, cluster_id: 'x' } } })],
  ['do.unique-name', 'two VPCs of one name', stack({ digitalocean_vpc: { A: { name: 'erp-vpc', region: 'fra1' }, B: { name: 'erp-vpc', region: 'fra1' } } })],
  ['do.unique-name', 'two droplets of one name in a stack', stack({ digitalocean_droplet: { A: { name: 'erp-1' }, B: { name: 'ERP-1' } } })],
  ['do.unique-name', 'two volumes of one name in a region', stack({ digitalocean_volume: { A: { name: 'data', region: 'fra1' }, B: { name: 'data', region: 'fra1' } } })],
  ['do.spaces.bucket-name', 'a Spaces bucket with uppercase letters', stack({ digitalocean_spaces_bucket: { S: { name: 'Erp-Backups', region: 'fra1' } } })],
  ['aws.region', 'a provider region that does not exist', { provider: { aws: [{ region: 'eu-mars-1' }] }, resource: {} }],
  ['aws.s3.bucket-name', 'a bucket starting xn--', stack({ aws_s3_bucket: { B: { bucket: 'xn--erp-backups' } } })],
  ['aws.s3.bucket-name', 'a bucket with two adjacent periods', stack({ aws_s3_bucket: { B: { bucket: 'erp..backups' } } })],
  ['aws.s3.bucket-name', 'a bucket shaped like an IP address', stack({ aws_s3_bucket: { B: { bucket: '192.168.5.4' } } })],
  ['aws.s3.bucket-name', 'a bucket ending -s3alias', stack({ aws_s3_bucket: { B: { bucket: 'erp-backups-s3alias' } } })],
  ['aws.s3.bucket-name', 'a bucket ending --ol-s3', stack({ aws_s3_bucket: { B: { bucket: 'erp-backups--ol-s3' } } })],
  ['aws.s3.bucket-name', 'two buckets of one name', stack({ aws_s3_bucket: { A: { bucket: 'erp-backups' }, B: { bucket: 'erp-backups' } } })],
  ['aws.s3.bucket-prefix', 'a bucket prefix of 38 characters', stack({ aws_s3_bucket: { B: { bucket_prefix: `${'a'.repeat(22)}-backups-replica-` } } })],
  ['aws.s3.bucket-prefix', 'a bucket prefix starting xn--', stack({ aws_s3_bucket: { B: { bucket_prefix: 'xn--erp-backups-' } } })],
  ['aws.s3.bucket-prefix', 'a bucket prefix with uppercase letters', stack({ aws_s3_bucket: { B: { bucket_prefix: 'Erp-backups-' } } })],
  ['aws.iam.name', 'a user name of 65 characters', stack({ aws_iam_user: { U: { name: 'u'.repeat(65) } } })],
  ['aws.iam.name', 'a role name with a space', stack({ aws_iam_role: { R: { name: 'erp replication', assume_role_policy: '{}' } } })],
  ['aws.iam.path', 'a path without slashes', stack({ aws_iam_user: { U: { name: 'erp-agent', path: 'erp-agent' } } })],
  ['aws.iam.policy-name', 'an inline policy name with a slash', stack({ aws_iam_user_policy: { P: { name: 'erp/agent', user: 'erp', policy: '{}' } } })],
  ['aws.iam.policy-size', 'inline policies of one user over 2,048 characters in all', stack({
    aws_iam_user: { U: { name: 'erp' } },
    aws_iam_user_policy: {
      P1: { user: '${aws_iam_user.U.name}', policy: JSON.stringify({ Statement: [{ Resource: 'r'.repeat(1100) }] }) },
      P2: { user: '${aws_iam_user.U.name}', policy: JSON.stringify({ Statement: [{ Resource: 's'.repeat(1100) }] }) },
    },
  })],
  ['aws.iam.policy-size', 'a role trust policy over 2,048 characters', stack({ aws_iam_role: { R: { name: 'erp', assume_role_policy: JSON.stringify({ Sid: 'x'.repeat(2100) }) } } })],
  ['aws.iam.unique-name', 'two users whose names differ only in case', stack({ aws_iam_user: { A: { name: 'Erp-Agent' }, B: { name: 'erp-agent' } } })],
  ['aws.rds.identifier', 'an identifier with two hyphens in a row', stack({ aws_db_instance: { D: { identifier: 'erp--db', engine: 'postgres' } } })],
  ['aws.rds.identifier', 'an identifier ending with a hyphen', stack({ aws_db_instance: { D: { identifier: 'erp-db-', engine: 'postgres' } } })],
  ['aws.rds.identifier', 'an identifier of 64 characters', stack({ aws_db_instance: { D: { identifier: `e${'r'.repeat(63)}`, engine: 'postgres' } } })],
  ['aws.rds.parameter-group-name', 'a parameter group name with two hyphens in a row', stack({ aws_db_parameter_group: { P: { name: 'erp--tls', family: 'postgres16' } } })],
  ['aws.rds.subnet-group-name', 'a subnet group named default', stack({ aws_db_subnet_group: { S: { name: 'default', subnet_ids: [] } } })],
  ['aws.rds.db-name', 'an initial database name starting with a digit', stack({ aws_db_instance: { D: { identifier: 'erp-db', engine: 'postgres', db_name: '1erp' } } })],
  ['aws.rds.username', 'a MySQL master user of 17 characters', stack({ aws_db_instance: { D: { identifier: 'erp-db', engine: 'mysql', username: 'u'.repeat(17) } } })],
  ['aws.ec2.security-group-name', 'a security group named sg-...', stack({ aws_security_group: { S: { name: 'sg-erp-db', vpc_id: 'vpc-1' } } })],
  ['aws.tag', 'a tag key starting aws:', stack({ aws_s3_bucket: { B: { bucket: 'erp-backups', tags: { 'aws:owner': 'erp' } } } })],
  ['aws.tag', 'a default tag value of 257 characters', { provider: { aws: [{ region: 'eu-central-1', default_tags: [{ tags: { app: 'v'.repeat(257) } }] }] }, resource: {} }],
  ['cf.dns.name', 'a record with a label of 64 characters', stack({ cloudflare_dns_record: { R: { name: `${'a'.repeat(64)}.example.com`, type: 'CNAME', zone_id: 'z' } } })],
  ['cf.dns.name', 'a record name over 253 characters', stack({ cloudflare_dns_record: { R: { name: `${'a.'.repeat(125)}example.com`, type: 'CNAME', zone_id: 'z' } } })],
  ['cf.dns.name', 'a wildcard that is not the first label', stack({ cloudflare_dns_record: { R: { name: 'app.*.example.com', type: 'CNAME', zone_id: 'z' } } })],
  ['cf.dns.duplicate', 'two CNAME records of one name in a zone', stack({ cloudflare_dns_record: {
    A: { name: 'app.example.com', type: 'CNAME', zone_id: 'z' }, B: { name: 'APP.example.com', type: 'CNAME', zone_id: 'z' },
  } })],
  ['cf.tunnel.service', 'an ingress service with an unsupported scheme', tunnel([{ hostname: 'app.example.com', service: 'ftp://files:21' }, { service: 'http_status:404' }])],
  ['cf.tunnel.service', 'an ingress service without a scheme', tunnel([{ hostname: 'app.example.com', service: 'web:8080' }, { service: 'http_status:404' }])],
  ['cf.tunnel.catch-all', 'ingress rules without a catch-all last', tunnel([{ hostname: 'app.example.com', service: 'http://web:8080' }])],
  ['cf.tunnel.catch-all', 'a catch-all before other rules', tunnel([{ service: 'http_status:404' }, { hostname: 'app.example.com', service: 'http://web:8080' }, { service: 'http_status:404' }])],
  ['cf.tunnel.hostname', 'an ingress hostname with an underscore', tunnel([{ hostname: 'my_app.example.com', service: 'http://web:8080' }, { service: 'http_status:404' }])],
  ['cf.tunnel.unreachable', 'a rule after a wildcard that covers it', tunnel([
    { hostname: '*.example.com', service: 'http://web:8080' }, { hostname: 'pma.example.com', service: 'http://pma:80' }, { service: 'http_status:404' },
  ])],
  ['cf.tunnel.unreachable', 'a path rule after the same hostname without a path', tunnel([
    { hostname: 'app.example.com', service: 'http://web:8080' }, { hostname: 'app.example.com', path: '/api', service: 'http://api:8000' }, { service: 'http_status:404' },
  ])],
  ['cf.unique-name', 'two tunnels of one name in an account', stack({ cloudflare_zero_trust_tunnel_cloudflared: {
    A: { account_id: 'a', name: 'erp-prod' }, B: { account_id: 'a', name: 'erp-prod' },
  } })],
  ['k8s.name', 'a CronJob name of 53 characters', k8s('kubernetes_cron_job_v1', { name: `c${'r'.repeat(52)}`, namespace: 'erp' })],
  ['k8s.name', 'a Service name starting with a digit', k8s('kubernetes_service_v1', { name: '1web', namespace: 'erp' })],
  ['k8s.name', 'a Namespace name with a dot', k8s('kubernetes_namespace_v1', { name: 'erp.prod' })],
  ['k8s.name', 'a Job name of 64 characters', k8s('kubernetes_job_v1', { name: `j${'o'.repeat(63)}`, namespace: 'erp' })],
  ['k8s.name', 'a ConfigMap name with uppercase letters', k8s('kubernetes_config_map_v1', { name: 'Erp-Config', namespace: 'erp' })],
  ['k8s.label', 'a label value of 64 characters', k8s('kubernetes_deployment_v1', { name: 'web', namespace: 'erp', labels: { 'app.kubernetes.io/component': 'v'.repeat(64) } })],
  ['k8s.label', 'a label key with a space', k8s('kubernetes_secret_v1', { name: 'erp-app', namespace: 'erp', labels: { 'my label': 'x' } })],
  ['k8s.label', 'a selector value ending with a hyphen', stack({ kubernetes_service_v1: { S: { metadata: { name: 'web', namespace: 'erp' }, spec: { selector: { app: 'web-' }, port: [{ port: 80 }] } } } })],
  ['k8s.container-name', 'a container name with uppercase letters', pod([{ name: 'Web', image: 'nginx' }])],
  ['k8s.container-name', 'two containers of one name', pod([{ name: 'web', image: 'nginx' }, { name: 'web', image: 'nginx' }])],
  ['k8s.port-name', 'a container port name of 16 characters', pod([{ name: 'web', image: 'nginx', port: [{ name: 'http-metrics-web', container_port: 8080 }] }])],
  ['k8s.volume-name', 'a volume name with an underscore', pod([{ name: 'web', image: 'nginx' }], [{ name: 'app_data', empty_dir: {} }])],
  ['k8s.unique-name', 'two Deployments of one name in a namespace', stack({ kubernetes_deployment_v1: {
    A: { metadata: { name: 'web', namespace: 'erp' } }, B: { metadata: { name: 'web', namespace: 'erp' } },
  } })],
  ['docker.container-name', 'a container name starting with a hyphen', stack({ docker_container: { C: { name: '-web', image: 'nginx' } } })],
  ['docker.container-name', 'a one-character container name', stack({ docker_container: { C: { name: 'w', image: 'nginx' } } })],
  ['docker.volume-name', 'a volume name with a space', stack({ docker_volume: { V: { name: 'erp data' } } })],
  ['docker.host-port', 'a host port over 65535', stack({ docker_container: { C: { name: 'web', image: 'nginx', ports: [{ internal: 80, external: 70000 }] } } })],
  ['docker.host-port', 'one host port published twice', stack({ docker_container: {
    A: { name: 'web', image: 'nginx', ports: [{ internal: 80, external: 8080 }] }, B: { name: 'api', image: 'nginx', ports: [{ internal: 80, external: 8080 }] },
  } })],
  ['docker.unique-name', 'two containers of one name', stack({ docker_container: { A: { name: 'web', image: 'nginx' }, B: { name: 'web', image: 'nginx' } } })],
];

function tunnel(ingress: Json[]): Json {
  return stack({ cloudflare_zero_trust_tunnel_cloudflared_config: { C: { account_id: 'a', tunnel_id: 't', config: { ingress } } } });
}

function k8s(type: string, metadata: Json): Json {
  return stack({ [type]: { O: { metadata } } });
}

function pod(container: Json[], volume?: Json[]): Json {
  return stack({ kubernetes_deployment_v1: { D: { metadata: { name: 'web', namespace: 'erp' }, spec: { template: { spec: { container, volume } } } } } });
}

describe('the output validator', () => {
  test.each(BREAKS)('%s: catches %s', (rule, _what, json) => {
    expect(rules(json)).toContain(rule);
  });

  test('every rule has a case above, a description and the source of its limit', () => {
    const covered = new Set([...BREAKS.map(([rule]) => rule), 'tf.shared-state']);
    expect(Object.keys(RULES).filter((r) => !covered.has(r))).toEqual([]);
    for (const info of Object.values(RULES)) {
      expect(info.description.length).toBeGreaterThan(10);
      expect(info.source.length).toBeGreaterThan(10);
    }
  });

  test('a violation names the address, the attribute, the value and the rule', () => {
    const [v] = validateOutput(stack({ digitalocean_droplet: { Runtime: { name: 'erp-1', tags: ['erp', 'erp.prod'] } } }));
    expect(v).toEqual<Violation>({ address: 'digitalocean_droplet.Runtime', attribute: 'tags[1]', value: 'erp.prod', rule: 'do.tag' });
    expect(formatViolations([v])).toMatch(/digitalocean_droplet\.Runtime tags\[1\] = "erp\.prod": do\.tag/);
  });

  test('values that are Terraform expressions are skipped', () => {
    expect(validateOutput(stack({
      digitalocean_volume: { V: { name: '${digitalocean_droplet.D.name}-data', region: 'fra1' } },
      digitalocean_droplet: { D: { name: '${var.droplet_name}', region: '${var.region}', tags: ['${var.tag}'] } },
      aws_s3_bucket: { B: { bucket: '${var.bucket}' } },
    }, { variable: { droplet_name: {}, region: {}, tag: {}, bucket: {} } }))).toEqual([]);
  });

  test('an escaped `$${` is a literal, not a reference', () => {
    expect(referencesIn('"echo $${HOME} ${aws_s3_bucket.B.arn} ${data.aws_region.R.name} ${var.x} ${each.value}"'))
      .toEqual(['aws_s3_bucket.B', 'data.aws_region.R', 'var.x']);
    const v = validateOutput(stack({ digitalocean_droplet: { D: { name: 'erp-1', user_data: '#!/bin/sh\necho $${HOME}' } } }));
    expect(v).toEqual([]);
  });

  test('what the rules allow passes: edge lengths, wildcards, catch-alls, a 32-character MySQL user', () => {
    expect(validateOutput(stack({
      digitalocean_database_cluster: { Db: { name: 'erp-db', engine: 'mysql', region: 'fra1', tags: ['a:b_c-d'] } },
      digitalocean_database_user: { U: { cluster_id: CLUSTER_ID, name: 'u'.repeat(32) } },
      digitalocean_droplet: { D: { name: 'erp-prod-1.example.com', region: 'fra1', user_data: 'x'.repeat(64 * 1024) } },
      digitalocean_volume: { V: { name: `d${'a'.repeat(63)}`, region: 'fra1' } },
      aws_s3_bucket: { A: { bucket: 'a'.repeat(63) }, B: { bucket_prefix: 'a'.repeat(37) } },
      aws_iam_user: { U: { name: 'u'.repeat(64), path: '/erp-agent/' } },
      cloudflare_dns_record: { R: { name: '*.fact.example.com', type: 'CNAME', zone_id: 'z' }, S: { name: `${'a'.repeat(63)}.example.com`, type: 'CNAME', zone_id: 'z' } },
      cloudflare_zero_trust_tunnel_cloudflared_config: { C: { config: { ingress: [
        { hostname: 'app.example.com', path: '/api', service: 'http://api:8000' }, { hostname: 'app.example.com', service: 'http://web:8080' },
        { hostname: 'sock.example.com', service: 'unix:/run/app.sock' }, { hostname: '*.example.com', service: 'https://web:8443' }, { service: 'http_status:404' },
      ] } } },
      kubernetes_cron_job_v1: { J: { metadata: { name: `c${'r'.repeat(51)}`, namespace: 'erp', labels: { 'app.kubernetes.io/name': 'v'.repeat(63) } } } },
      docker_container: { C: { name: 'erp-web', ports: [{ internal: 80, external: 65535 }] } },
    }))).toEqual([]);
  });

  test('its region lists are the project\'s catalogue (lib/common/region.ts), written out so that a change to one shows here', () => {
    expect([...DO_REGIONS].sort()).toEqual(regions.DoRegion.ALL.map((r) => r.slug).sort());
    const awsCatalogue = (regions as { AWS_REGIONS?: readonly string[] }).AWS_REGIONS;
    if (awsCatalogue) expect([...AWS_REGIONS].sort()).toEqual([...awsCatalogue].sort());
  });

  test('S3 bucket names: each naming rule is named', () => {
    expect(s3BucketNameProblems('erp-backups')).toEqual([]);
    expect(s3BucketNameProblems('xn--a..b-s3alias')).toEqual(expect.arrayContaining(['no two adjacent periods', 'does not start with xn--', 'does not end with -s3alias']));
  });

  test('duplicate addresses are found in the text, where JSON.parse would drop one', () => {
    expect(duplicateAddresses('{"resource":{"a_b":{"X":{"k":"\\"}{"},"X":{}}},"data":{"a_b":{"X":{}}}}')).toEqual(['a_b.X']);
  });
});

describe('what the library writes today', () => {
  test('the tier stacks of the built-in example have no violations, alone or together', () => {
    const stacks = buildStacks(Testing.app() as App, LARAVEL_INVOICING_EXAMPLE, {});
    const texts = Object.fromEntries(stacks.map((s) => [s.stackName, Testing.synth(s, true)]));
    expect(Object.keys(texts)).toEqual(['dev', 'prod', 'ha-platform', 'ha', 'local']);
    for (const [name, text] of Object.entries(texts)) {
      const v = validateOutput(text);
      if (v.length > 0) throw new Error(`${name}:\n${formatViolations(v)}`);
    }
    expect(validateStackSet(Object.fromEntries(Object.entries(texts).map(([k, t]) => [k, JSON.parse(t)])))).toEqual([]);
  });

  test.each<[string, (app: App) => TerraformStack]>([
    ['the Node ERP', (app) => new NodeErpStack(app, 'prod')],
    ['the Next.js lender (dev)', (app) => new LenderDevStack(app, 'dev')],
    ['the Next.js lender (local)', (app) => new LenderLocalStack(app, 'local')],
    ['the Laravel invoicing app', (app) => new LaravelInvoicingStack(app, 'prod')],
    ['the FastAPI ISP manager', (app) => new FastApiIspStack(app, 'ha')],
    ['the FastAPI ISP manager platform', (app) => new FastApiIspPlatformStack(app, 'ha-platform')],
  ])('the example app %s has no violations', (_name, make) => {
    const v = validateOutput(Testing.synth(make(Testing.app() as App)));
    if (v.length > 0) throw new Error(formatViolations(v));
  });

  test('stacks that keep their state in one place are caught (tf.shared-state)', () => {
    const state = { terraform: { backend: { s3: { bucket: 'acme-state', key: 'erp/dev.tfstate', region: 'eu-central-1' } } } };
    expect(validateStackSet({ dev: stack({}, state), prod: stack({}, state) }).map((v) => v.rule)).toEqual(['tf.shared-state']);
  });

  test('stacks of one app that share an account name their VPCs, clusters, users and records apart', () => {
    const a = stack({ digitalocean_vpc: { V: { name: 'erp-vpc', region: 'fra1' } }, aws_iam_user: { U: { name: 'erp-agent' } } });
    const b = stack({ digitalocean_vpc: { V: { name: 'erp-vpc', region: 'fra1' } }, aws_iam_user: { U: { name: 'ERP-agent' } } });
    expect(validateStackSet({ dev: a, prod: b })).toEqual([
      { address: 'prod:digitalocean_vpc.V', attribute: 'name', value: 'erp-vpc (also dev:digitalocean_vpc.V)', rule: 'do.unique-name' },
      { address: 'prod:aws_iam_user.U', attribute: 'name', value: 'ERP-agent (also dev:aws_iam_user.U)', rule: 'aws.iam.unique-name' },
    ]);
  });
});
