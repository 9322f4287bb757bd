/**
 * What the pinned providers and their APIs will refuse, checked on a synthesized stack's Terraform
 * JSON (`cdk.tf.json`): names, tags, regions, sizes of documents, the shape of a tunnel's ingress,
 * Kubernetes object names and labels, and names that must be unique. `terraform validate` sees none
 * of this offline: these are the limits the providers check at plan time or the APIs at apply time.
 *
 * Every rule cites where its limit comes from (`RULES[id].source`). Values that are Terraform
 * expressions (`${...}`) are skipped: their value is known at apply time only.
 *
 *   validateOutput(json)        one stack: every violation, as { address, attribute, value, rule }
 *   validateStackSet(stacks)    the stacks of one app, deployed into one DigitalOcean account, one
 *                               AWS account and one Cloudflare zone: names they may not share
 *
 * Test support only: nothing in lib/ or stacks/ imports it, and it imports nothing from them (it
 * checks their output against the providers' documentation, not against the code that made it).
 */

/** One thing a provider or an API would refuse. */
export interface Violation {
  /** The Terraform address (`digitalocean_droplet.Runtime_99E3DDFA`, `data.aws_region.x`, `provider.aws[1]`, `(json)`). */
  readonly address: string;
  /** The attribute, as a path (`name`, `tags[1]`, `config.ingress[2].service`, `metadata.labels.app`). */
  readonly attribute: string;
  /** The value found. */
  readonly value: unknown;
  /** The rule broken: a key of `RULES`. */
  readonly rule: string;
}

/** A rule: what it checks and where the limit is documented. */
export interface RuleInfo {
  readonly description: string;
  readonly source: string;
}

const DO_TF = 'terraform-provider-digitalocean v2.71.0';
const AWS_TF = 'hashicorp/aws 5.100.0';
const CF_TF = 'cloudflare/terraform-provider-cloudflare v5.14.0';

/** Every rule the validator knows, by id. */
export const RULES: Readonly<Record<string, RuleInfo>> = {
  // ---------------------------------------------------------------- Terraform itself
  'tf.duplicate-address': {
    description: 'two resources (or data sources) of one type with the same name: the JSON keeps only the last one',
    source: 'Terraform language, Resource Blocks: "The name is used to refer to this resource from elsewhere in the same module ... the combination of type and name must be unique within a module"',
  },
  'tf.identifier': {
    description: 'a resource, data source, variable or output name that is not a Terraform identifier',
    source: 'Terraform language, Identifiers: letters, digits, underscores and hyphens, not starting with a digit',
  },
  'tf.variable-reserved': {
    description: 'a variable named with a word Terraform reserves',
    source: 'Terraform language, Input Variables: any valid identifier except source, version, providers, count, for_each, lifecycle, depends_on, locals',
  },
  'tf.undeclared-reference': {
    description: 'an expression refers to a resource, data source or variable the stack does not declare',
    source: 'Terraform language, References to Named Values (terraform validate: "Reference to undeclared resource")',
  },
  'tf.undeclared-provider': {
    description: 'a resource names a provider configuration (`aws.replica`) the stack does not declare',
    source: 'Terraform language, Provider Configuration: the `provider` meta-argument selects an alias declared in a provider block',
  },
  'tf.lifecycle': {
    description: 'a lifecycle argument that is not a literal boolean (prevent_destroy, create_before_destroy) or a list of attribute names (ignore_changes)',
    source: 'Terraform language, The lifecycle Meta-Argument: "The lifecycle settings all affect how Terraform constructs and traverses the dependency graph. As a result, only literal values can be used"; prevent_destroy and create_before_destroy are bool',
  },
  'tf.backend': {
    description: 'a state backend Terraform cannot use: an S3 bucket name S3 refuses or a region the provider does not know; an HCP Terraform workspace name other than 1 to 90 letters, digits, `-` and `_`',
    source: 'Terraform docs, Backend Type: s3 (bucket, region); HCP Terraform docs, Creating Workspaces: "Workspace names ... can only include letters, numbers, -, and _", at most 90 characters',
  },
  'tf.shared-state': {
    description: 'two stacks keep their state in the same place (one S3 key, one HCP Terraform workspace, one local file): each apply would overwrite the other\'s state',
    source: 'Terraform docs, State: one state per configuration and workspace; Backend Type: s3 (key), cloud (workspaces)',
  },
  // ---------------------------------------------------------------- DigitalOcean
  'do.region': {
    description: 'a DigitalOcean region slug outside the project catalogue (lib/common/region.ts: nyc1, nyc3, sfo2, sfo3, ams3, sgp1, lon1, fra1, tor1, blr1, syd1, atl1)',
    source: 'DigitalOcean API, List All Data Center Regions (/v2/regions); the catalogue in lib/common/region.ts',
  },
  'do.tag': {
    description: 'a DigitalOcean tag with other characters than letters, digits, `:`, `-`, `_`, or longer than 255',
    source: `${DO_TF} digitalocean/tag/tags.go: tagNameRe = ^[a-zA-Z0-9:\\-_]{1,255}$ ("tags may contain lowercase letters, numbers, colons, dashes, and underscores; there is a limit of 255 characters per tag"); DigitalOcean API, Create a New Tag`,
  },
  'do.droplet.name': {
    description: 'a droplet name with other characters than a-z, A-Z, 0-9, `.` and `-`, or longer than 255',
    source: 'DigitalOcean API, Create a New Droplet (422: "Only valid hostname characters are allowed. (a-z, A-Z, 0-9, . and -)"); digitalocean/openapi #865: droplet name maxLength 255',
  },
  'do.droplet.user-data': {
    description: 'literal user_data larger than 64 KiB',
    source: 'DigitalOcean docs, Droplets, "How to Provide User Data": user data is limited to 64 KiB',
  },
  'do.vpc.name': {
    description: 'a VPC name with other characters than alphanumerics, dashes and periods, or empty',
    source: `${DO_TF} docs/resources/vpc.md: name "Must be unique and contain alphanumeric characters, dashes, and periods only"`,
  },
  'do.vpc.description': {
    description: 'a VPC description longer than 255 characters',
    source: `${DO_TF} docs/resources/vpc.md: description "A free-form text field up to a limit of 255 characters"`,
  },
  'do.vpc.ip-range': {
    description: 'a VPC range outside RFC 1918, larger than /16 or smaller than /24',
    source: `${DO_TF} docs/resources/vpc.md: ip_range "must be in range of private addresses as defined in RFC1918. It may not be larger than \`/16\` or smaller than \`/24\`"`,
  },
  'do.volume.name': {
    description: 'a volume name that is not lowercase letters, digits and `-`, starting with a letter, at most 64',
    source: `${DO_TF} docs/resources/volume.md: name "Must be lowercase and be composed only of numbers, letters and \\"-\\", up to a limit of 64 characters. The name must begin with a letter."`,
  },
  'do.volume.description': {
    description: 'a volume description longer than 1024 bytes',
    source: `${DO_TF} docs/resources/volume.md: description "A free-form text field up to a limit of 1024 bytes"`,
  },
  'do.database.cluster-name': {
    description: 'a database cluster or replica name that is not 3 to 63 lowercase letters, digits and hyphens starting with a letter',
    source: 'DigitalOcean control panel and API, Create a New Database Cluster: the name is the first label of the cluster hostname (<name>-do-user-<id>-0.<...>.db.ondigitalocean.com), lowercase letters, digits and hyphens, 3 to 63; the API spec (openapi database_cluster.yml) documents no pattern',
  },
  'do.database.backup-restore': {
    description: 'a restore from backup whose source cluster is not a cluster name, or whose backup_created_at is not a real UTC time in ISO 8601 (2026-02-30 does not exist)',
    source: `${DO_TF} docs/resources/database_cluster.md: backup_restore.backup_created_at "The timestamp of an existing database cluster backup in ISO8601 combined date and time format"; DigitalOcean API, Create a New Database Cluster (backup_restore)`,
  },
  'do.database.user-reserved': {
    description: 'a database user named `doadmin`: every cluster already has it',
    source: `${DO_TF} docs/resources/database_user.md: "When creating a new database cluster, a default admin user with name \`doadmin\` will be created"`,
  },
  'do.database.user-length': {
    description: 'a database user name longer than the engine allows: MySQL 32 characters, PostgreSQL 63 bytes',
    source: 'MySQL 8.0 Reference Manual 6.2.3 "MySQL user names are up to 32 characters long"; PostgreSQL 4.1.1 Identifiers: NAMEDATALEN-1 = 63 bytes',
  },
  'do.database.user-name': {
    description: 'an empty database user name',
    source: `${DO_TF} database user resource: name is required (validation.NoZeroValues)`,
  },
  'do.database.db-reserved': {
    description: 'a database named like one the cluster already has (`defaultdb`, or the engine\'s own)',
    source: `${DO_TF} docs/resources/database_db.md: "a default database with name \`defaultdb\` will be created"; PostgreSQL: postgres, template0, template1; MySQL: mysql, sys, information_schema, performance_schema`,
  },
  'do.database.db-length': {
    description: 'a database name longer than the engine allows: MySQL 64 characters, PostgreSQL 63 bytes',
    source: 'MySQL 8.0 Reference Manual 11.2.1 Identifier Length Limits (database: 64); PostgreSQL 4.1.1 Identifiers (63 bytes)',
  },
  'do.database.duplicate': {
    description: 'two users or two databases of one name in one cluster',
    source: 'DigitalOcean API, Add a Database User / Add a New Database: 409/422 when the name exists',
  },
  'do.kubernetes.name': {
    description: 'a Kubernetes cluster or node pool name that is not lowercase letters, digits and hyphens (at most 63), starting and ending with a letter or digit',
    source: 'DigitalOcean Kubernetes: a pool\'s nodes are named <pool name>-<suffix> and register as Kubernetes Node objects, whose names are RFC 1123 DNS subdomains (kubernetes.io, Object Names and IDs); the cluster name becomes the kubeconfig context do-<region>-<name>',
  },
  'do.unique-name': {
    description: 'two resources that DigitalOcean requires to be named uniquely share a name (VPCs; droplets of one stack; database clusters; Kubernetes clusters; volumes of a region)',
    source: `${DO_TF} docs/resources/vpc.md ("Must be unique"); DigitalOcean API: database cluster name "A unique, human-readable name"; volumes: 409 "a volume with that name already exists" in the region`,
  },
  'do.spaces.bucket-name': {
    description: 'a Spaces bucket name that breaks the S3 bucket naming rules',
    source: `${DO_TF} docs/resources/spaces_bucket.md (Spaces follows S3 naming: 3 to 63 lowercase letters, digits, hyphens)`,
  },
  // ---------------------------------------------------------------- AWS
  'aws.region': {
    description: 'an AWS region the pinned provider does not know (it validates the region unless skip_region_validation is set)',
    source: `${AWS_TF} docs/index.md: skip_region_validation "Whether to skip validating the region"; AWS General Reference, Regions and Zones (as of mid 2025)`,
  },
  'aws.s3.bucket-name': {
    description: 'a bucket name that breaks the S3 general purpose bucket naming rules',
    source: 'Amazon S3 User Guide, General purpose bucket naming rules: 3 to 63 characters; lowercase letters, digits, dots, hyphens; begin and end with a letter or digit; no two adjacent periods; not an IP address; not starting xn--, sthree-, amzn-s3-demo-; not ending -s3alias, --ol-s3, .mrap, --x-s3, --table-s3',
  },
  'aws.s3.bucket-prefix': {
    description: 'a bucket_prefix longer than 37 characters, or one no bucket name can start with',
    source: `${AWS_TF} docs/resources/s3_bucket.md: bucket_prefix "Must be lowercase and less than or equal to 37 characters in length"; S3 naming rules for the start of a name`,
  },
  'aws.iam.name': {
    description: 'an IAM user or role name that is not 1 to 64 of letters, digits and + = , . @ _ - (name_prefix: at most 38)',
    source: 'IAM User Guide, IAM and AWS STS quotas: user name 64, role name 64 characters; names alphanumeric plus + = , . @ _ -',
  },
  'aws.iam.path': {
    description: 'an IAM path that does not begin and end with `/`, or longer than 512',
    source: 'IAM User Guide, IAM and AWS STS quotas: "Path names must begin and end with a forward slash (/)"; path 512 characters',
  },
  'aws.iam.policy-name': {
    description: 'an inline policy name that is not 1 to 128 of letters, digits and + = , . @ _ -',
    source: 'IAM API Reference, PutUserPolicy / PutRolePolicy: PolicyName 1-128, pattern [\\w+=,.@-]+',
  },
  'aws.iam.policy-size': {
    description: 'inline policies larger than IAM allows, counted without whitespace: 2,048 characters for all of a user\'s, 10,240 for a role\'s; a role trust policy 2,048; a managed policy 6,144',
    source: 'IAM User Guide, IAM and AWS STS quotas, "IAM object character limits" (IAM does not count white space)',
  },
  'aws.iam.unique-name': {
    description: 'two IAM users (or two roles) of one name, compared case-insensitively: names are unique in an account',
    source: 'IAM User Guide, IAM and AWS STS quotas: "Names of users, groups, roles, and instance profiles must be unique within the account. They aren\'t distinguished by case"',
  },
  'aws.rds.identifier': {
    description: 'a DB instance identifier that is not 1 to 63 letters, digits and hyphens, starting with a letter, without a trailing hyphen or two hyphens in a row',
    source: 'Amazon RDS API Reference, CreateDBInstance: DBInstanceIdentifier constraints',
  },
  'aws.rds.parameter-group-name': {
    description: 'a DB parameter group name that is not 1 to 255 letters, digits and hyphens, starting with a letter, without a trailing hyphen or two hyphens in a row',
    source: 'Amazon RDS API Reference, CreateDBParameterGroup: DBParameterGroupName constraints; RDS User Guide, Creating a DB parameter group',
  },
  'aws.rds.subnet-group-name': {
    description: 'a DB subnet group name that is not at most 255 lowercase letters, digits, periods, underscores, spaces and hyphens, or is `default`',
    source: 'Amazon RDS API Reference, CreateDBSubnetGroup: DBSubnetGroupName "Must not be default", up to 255 letters, numbers, periods, underscores, spaces, or hyphens (stored lowercase)',
  },
  'aws.rds.db-name': {
    description: 'an initial database name RDS refuses: PostgreSQL 1 to 63 letters, digits, underscores starting with a letter; MySQL 1 to 64',
    source: 'Amazon RDS API Reference, CreateDBInstance: DBName constraints per engine',
  },
  'aws.rds.username': {
    description: 'a master user name RDS refuses: letters and digits starting with a letter, MySQL 1 to 16, PostgreSQL 1 to 63',
    source: 'Amazon RDS API Reference, CreateDBInstance: MasterUsername constraints per engine',
  },
  'aws.ec2.security-group-name': {
    description: 'a security group name longer than 255 or starting with `sg-`',
    source: 'Amazon EC2 API Reference, CreateSecurityGroup: GroupName "Constraints: Up to 255 characters in length. Cannot start with sg-."',
  },
  'aws.tag': {
    description: 'an AWS tag key of more than 128 characters (or empty, or starting aws:), or a value of more than 256',
    source: 'AWS General Reference, Tagging AWS resources: key 1-128, value 0-256, the aws: prefix reserved',
  },
  // ---------------------------------------------------------------- Cloudflare
  'cf.dns.name': {
    description: 'a DNS record name with a label longer than 63, more than 253 in all, an empty label, a label starting or ending with `-`, other characters than letters, digits, `-` and `_`, or `*` other than as the whole first label',
    source: `RFC 1035 2.3.4 Size limits (labels 63 octets, names 255 octets: 253 characters in text) and RFC 4592 (wildcards); ${CF_TF} docs/resources/dns_record.md: name "DNS record name (or @ for the zone apex) in Punycode"`,
  },
  'cf.dns.duplicate': {
    description: 'two CNAME records of one name in one zone (a CNAME may not share its name with any other record)',
    source: 'RFC 1034 3.6.2 ("If a CNAME RR is present at a node, no other data should be present"); Cloudflare API, Create DNS Record: 81053 "An A, AAAA, or CNAME record with that host already exists"',
  },
  'cf.tunnel.service': {
    description: 'a tunnel ingress service that is not http://, https://, unix:, unix+tls:, tcp://, ssh://, rdp://, smb://, http_status:<code>, hello_world or bastion',
    source: 'Cloudflare API, Put Cloudflare Tunnel configuration: ingress[].service "Supported protocols: http://, https://, unix://, tcp://, ssh://, rdp://, unix+tls://, smb://. Alternatively can return a HTTP status code http_status:[code]"; cloudflared docs, Ingress rules (hello_world, bastion)',
  },
  'cf.tunnel.catch-all': {
    description: 'the last ingress rule is not a catch-all (no hostname, no path), or a catch-all is not last',
    source: 'Cloudflare docs, Tunnel configuration file: "Configuration files that contain ingress rules must always include a catch-all rule that concludes the file"; cloudflared rejects rules after it',
  },
  'cf.tunnel.hostname': {
    description: 'an ingress hostname that is not a hostname, or has `*` other than as the whole first label',
    source: 'cloudflared ingress: "hostname" is matched as a DNS name, a wildcard only as the leftmost label (cloudflared docs, Ingress rules, Wildcards)',
  },
  'cf.tunnel.unreachable': {
    description: 'an ingress rule that an earlier rule always matches first (same hostname, or a wildcard covering it, and no path)',
    source: 'Cloudflare docs, Tunnel configuration file: "cloudflared evaluates each ingress rule from top to bottom to find which rule matches the request"',
  },
  'cf.unique-name': {
    description: 'two tunnels of one name in one account',
    source: 'Cloudflare API, Create a Cloudflare Tunnel: 1013 "tunnel with name already exists"',
  },
  // ---------------------------------------------------------------- Kubernetes
  'k8s.name': {
    description: 'an object name that breaks its kind\'s rule: DNS-1123 subdomain (253), DNS-1123 label for namespaces and Jobs (63), DNS-1035 label for Services (63), at most 52 for CronJobs',
    source: 'kubernetes.io, Object Names and IDs; Services (DNS-1035 label); Jobs ("the name must be no longer than 63 characters"); CronJob ("the name must be no longer than 52 characters ... the CronJob controller will automatically append 11 characters")',
  },
  'k8s.label': {
    description: 'a label key (optional DNS-subdomain prefix and `/`, then at most 63 of alphanumerics, `-`, `_`, `.`, starting and ending alphanumeric) or a label value (at most 63, same characters, or empty) Kubernetes refuses',
    source: 'kubernetes.io, Labels and Selectors, "Syntax and character set"',
  },
  'k8s.container-name': {
    description: 'a container name that is not a DNS-1123 label, or two containers of one name in a pod',
    source: 'Kubernetes API reference, Container v1: name "Name of the container specified as a DNS_LABEL. Each container in a pod must have a unique name"',
  },
  'k8s.port-name': {
    description: 'a container or service port name that is not an IANA service name (at most 15 lowercase letters, digits and `-`, at least one letter, no `--`, not starting or ending with `-`)',
    source: 'Kubernetes API reference, ContainerPort v1: name "must be an IANA_SVC_NAME and unique within the pod"; RFC 6335 5.1',
  },
  'k8s.volume-name': {
    description: 'a pod volume name that is not a DNS-1123 label, or two volumes of one name in a pod',
    source: 'Kubernetes API reference, Volume v1: name "must be a DNS_LABEL and unique within the pod"',
  },
  'k8s.unique-name': {
    description: 'two objects of one kind with the same name in one namespace',
    source: 'kubernetes.io, Object Names and IDs: "Only one object of a given kind can have a given name at a time" (per namespace)',
  },
  // ---------------------------------------------------------------- Docker
  'docker.container-name': {
    description: 'a container name Docker refuses: [a-zA-Z0-9][a-zA-Z0-9_.-]+',
    source: 'Docker Engine API, Create a container: name must match /?[a-zA-Z0-9][a-zA-Z0-9_.-]+ (daemon: "Invalid container name ... only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed")',
  },
  'docker.volume-name': {
    description: 'a local volume name Docker refuses: [a-zA-Z0-9][a-zA-Z0-9_.-]+',
    source: 'Docker Engine, local volume driver: "includes invalid characters for a local volume name, only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"',
  },
  'docker.host-port': {
    description: 'a published host port outside 1 to 65535, or published twice on one address',
    source: 'Docker Engine: "Bind for 0.0.0.0:<port> failed: port is already allocated"',
  },
  'docker.unique-name': {
    description: 'two containers, volumes or networks of one name on one engine',
    source: 'Docker Engine API: 409 Conflict "The container name ... is already in use"',
  },
};

// ---------------------------------------------------------------- reference lists

/** lib/common/region.ts's catalogue (DoRegion.ALL), written out: this file checks lib's output, not with lib's code. */
export const DO_REGIONS: readonly string[] = ['nyc1', 'nyc3', 'sfo2', 'sfo3', 'ams3', 'sgp1', 'lon1', 'fra1', 'tor1', 'blr1', 'syd1', 'atl1'];

/** The public AWS regions of the pinned provider's SDK (hashicorp/aws 5.100.0, June 2025), GovCloud and China included. */
export const AWS_REGIONS: readonly string[] = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7',
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ca-central-1', 'ca-west-1', 'eu-central-1', 'eu-central-2',
  'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-south-1', 'eu-south-2', 'eu-north-1', 'il-central-1', 'me-south-1',
  'me-central-1', 'mx-central-1', 'sa-east-1', 'us-gov-east-1', 'us-gov-west-1', 'cn-north-1', 'cn-northwest-1',
];

// ---------------------------------------------------------------- patterns

const TF_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const TF_RESERVED_VARIABLES = ['source', 'version', 'providers', 'count', 'for_each', 'lifecycle', 'depends_on', 'locals'];
const DO_TAG = /^[a-zA-Z0-9:\-_]{1,255}$/;
const DROPLET_NAME = /^[a-zA-Z0-9.-]{1,255}$/;
const VPC_NAME = /^[a-zA-Z0-9.-]+$/;
const VOLUME_NAME = /^[a-z][a-z0-9-]{0,63}$/;
const DB_CLUSTER_NAME = /^[a-z][a-z0-9-]{1,61}[a-z0-9]$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
const IANA_SVC_NAME = /^(?=.{1,15}$)(?=.*[a-z])[a-z0-9]+(-[a-z0-9]+)*$/;
const IAM_NAME = /^[\w+=,.@-]{1,64}$/;
const IAM_NAME_PREFIX = /^[\w+=,.@-]{1,38}$/;
const IAM_POLICY_NAME = /^[\w+=,.@-]{1,128}$/;
const RDS_IDENTIFIER = /^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}$/;
const RDS_PARAMETER_GROUP = /^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,254}$/;
const RDS_SUBNET_GROUP = /^[a-z0-9._ -]{1,255}$/;
const DOCKER_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const TUNNEL_SERVICE = /^(?:(?:https?|tcp|ssh|rdp|smb):\/\/\S+|unix(?:\+tls)?:\S+|http_status:[1-5]\d\d|hello_world|bastion)$/;

/** An interpolation `${`, not the escaped `$${` that Terraform writes as a literal `${`. */
const INTERPOLATION = /(?<!\$)\$\{/;

/** True for a value Terraform computes at apply time (it holds an expression `${...}`). */
export function isExpression(v: unknown): boolean {
  return typeof v === 'string' && INTERPOLATION.test(v);
}

/** The literal string of a value, or undefined when it is not a string or holds an expression. */
function literal(v: unknown): string | undefined {
  return typeof v === 'string' && !INTERPOLATION.test(v) ? v : undefined;
}

// ---------------------------------------------------------------- S3 bucket names

/** The S3 naming rules a full bucket name breaks (empty when it is fine). */
export function s3BucketNameProblems(name: string): string[] {
  const out: string[] = [];
  if (name.length < 3 || name.length > 63) out.push('3 to 63 characters');
  if (!/^[a-z0-9.-]*$/.test(name)) out.push('lowercase letters, digits, dots and hyphens only');
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) out.push('begins and ends with a letter or digit');
  if (name.includes('..')) out.push('no two adjacent periods');
  if (IPV4.test(name)) out.push('not formatted as an IP address');
  for (const p of ['xn--', 'sthree-', 'amzn-s3-demo-']) if (name.startsWith(p)) out.push(`does not start with ${p}`);
  for (const s of ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3']) if (name.endsWith(s)) out.push(`does not end with ${s}`);
  return out;
}

/** The rules a bucket_prefix breaks: the provider appends 26 characters (a timestamp and a counter). */
export function s3BucketPrefixProblems(prefix: string): string[] {
  const out: string[] = [];
  if (prefix.length < 1 || prefix.length > 37) out.push('1 to 37 characters');
  if (!/^[a-z0-9.-]*$/.test(prefix)) out.push('lowercase letters, digits, dots and hyphens only');
  if (!/^[a-z0-9]/.test(prefix)) out.push('begins with a letter or digit');
  if (prefix.includes('..')) out.push('no two adjacent periods');
  for (const p of ['xn--', 'sthree-', 'amzn-s3-demo-']) if (prefix.startsWith(p)) out.push(`does not start with ${p}`);
  return out;
}

// ---------------------------------------------------------------- the validator

type Json = Record<string, any>;

/** Collects violations. */
class Found {
  public readonly list: Violation[] = [];
  public add(address: string, attribute: string, value: unknown, rule: string): void {
    if (!(rule in RULES)) throw new Error(`unknown rule ${rule}`);
    this.list.push({ address, attribute, value, rule });
  }
  /** Records a violation when `ok` is false. */
  public check(ok: boolean, address: string, attribute: string, value: unknown, rule: string): void {
    if (!ok) this.add(address, attribute, value, rule);
  }
}

/** One resource or data source of the JSON. */
interface Block { readonly type: string; readonly name: string; readonly address: string; readonly body: Json }

function blocksOf(json: Json, section: 'resource' | 'data'): Block[] {
  const out: Block[] = [];
  for (const [type, all] of Object.entries<Json>(json[section] ?? {})) {
    if (typeof all !== 'object' || all === null) continue;
    for (const [name, body] of Object.entries<Json>(all)) {
      out.push({ type, name, address: section === 'data' ? `data.${type}.${name}` : `${type}.${name}`, body: body ?? {} });
    }
  }
  return out;
}

/** The first element of a block that cdktf may write as an object or as a one-element list. */
function one(v: unknown): Json | undefined {
  if (Array.isArray(v)) return (v[0] ?? undefined) as Json | undefined;
  return typeof v === 'object' && v !== null ? (v as Json) : undefined;
}

function many(v: unknown): Json[] {
  if (Array.isArray(v)) return v.filter((x) => typeof x === 'object' && x !== null);
  return typeof v === 'object' && v !== null ? [v as Json] : [];
}

/**
 * Every violation in one synthesized stack: the parsed `cdk.tf.json` object, or its text (then
 * duplicate keys, which `JSON.parse` would silently merge, are found too).
 */
export function validateOutput(synth: object | string): Violation[] {
  const found = new Found();
  let json: Json;
  if (typeof synth === 'string') {
    for (const d of duplicateAddresses(synth)) found.add(d, '(address)', d, 'tf.duplicate-address');
    json = JSON.parse(synth);
  } else {
    json = synth as Json;
  }
  const resources = blocksOf(json, 'resource');
  const data = blocksOf(json, 'data');
  checkTerraform(found, json, resources, data);
  checkProviders(found, json);
  checkBackend(found, json);
  for (const b of resources) checkResource(found, b, resources);
  checkUniqueness(found, resources);
  return found.list;
}

// ---------------------------------------------------------------- Terraform

function checkTerraform(found: Found, json: Json, resources: Block[], data: Block[]): void {
  for (const b of [...resources, ...data]) found.check(TF_IDENTIFIER.test(b.name), b.address, '(name)', b.name, 'tf.identifier');
  for (const b of resources) {
    const lc = b.body.lifecycle;
    if (lc === undefined) continue;
    if (typeof lc !== 'object' || lc === null || Array.isArray(lc)) {
      found.add(b.address, 'lifecycle', lc, 'tf.lifecycle');
      continue;
    }
    for (const k of ['prevent_destroy', 'create_before_destroy']) {
      if (k in lc) found.check(typeof lc[k] === 'boolean', b.address, `lifecycle.${k}`, lc[k], 'tf.lifecycle');
    }
    if ('ignore_changes' in lc) {
      const ic = lc.ignore_changes;
      found.check(ic === 'all' || (Array.isArray(ic) && ic.every((x: unknown) => typeof x === 'string' && x.length > 0)), b.address, 'lifecycle.ignore_changes', ic, 'tf.lifecycle');
    }
  }
  for (const name of Object.keys(json.variable ?? {})) {
    found.check(TF_IDENTIFIER.test(name), `var.${name}`, '(name)', name, 'tf.identifier');
    found.check(!TF_RESERVED_VARIABLES.includes(name), `var.${name}`, '(name)', name, 'tf.variable-reserved');
  }
  for (const name of Object.keys(json.output ?? {})) found.check(TF_IDENTIFIER.test(name), `output.${name}`, '(name)', name, 'tf.identifier');

  const declared = new Set<string>([...resources.map((b) => b.address), ...data.map((b) => b.address)]);
  const variables = new Set(Object.keys(json.variable ?? {}));
  const locals = new Set(Object.keys(json.locals ?? {}));
  const where = (address: string, body: unknown): void => {
    const text = JSON.stringify(body);
    if (!INTERPOLATION.test(text)) return;
    for (const ref of referencesIn(text)) {
      if (ref.startsWith('var.')) {
        if (!variables.has(ref.slice(4))) found.add(address, '(reference)', `\${${ref}}`, 'tf.undeclared-reference');
      } else if (ref.startsWith('local.')) {
        if (!locals.has(ref.slice(6))) found.add(address, '(reference)', `\${${ref}}`, 'tf.undeclared-reference');
      } else if (!declared.has(ref)) {
        found.add(address, '(reference)', `\${${ref}}`, 'tf.undeclared-reference');
      }
    }
  };
  for (const b of [...resources, ...data]) where(b.address, { ...b.body, '//': undefined });
  for (const [name, o] of Object.entries<Json>(json.output ?? {})) where(`output.${name}`, o);
  for (const [name, p] of Object.entries<Json>(json.provider ?? {})) where(`provider.${name}`, p);
  for (const [name, l] of Object.entries<Json>(json.locals ?? {})) where(`local.${name}`, l);

  // Provider aliases a resource selects must exist.
  const aliases = new Set<string>();
  for (const [name, configs] of Object.entries<Json>(json.provider ?? {})) {
    for (const c of many(configs)) aliases.add(c.alias ? `${name}.${c.alias}` : name);
  }
  for (const b of [...resources, ...data]) {
    const p = b.body.provider;
    if (typeof p === 'string' && p.includes('.') && !isExpression(p)) found.check(aliases.has(p), b.address, 'provider', p, 'tf.undeclared-provider');
  }
}

/** The named values an expression text refers to: `type.name` (resources), `data.type.name`, `var.x`, `local.x`. */
export function referencesIn(text: string): string[] {
  const out = new Set<string>();
  // Every `${ ... }` interpolation (not nested), and every identifier chain inside it.
  for (const m of text.matchAll(/(?<!\$)\$\{([^}]*)\}/g)) {
    const expr = m[1].replace(/"(?:[^"\\]|\\.)*"/g, '""');
    // A bare name (`${HOME}`, as a shell or Compose file writes it) is no reference Terraform can resolve.
    if (/^\s*[A-Za-z_][A-Za-z0-9_]*\s*$/.test(expr) && !['true', 'false', 'null'].includes(expr.trim())) out.add(expr.trim());
    for (const r of expr.matchAll(/(?<![\w.\]-])((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*)/g)) {
      const ref = r[1];
      const head = ref.split('.')[0];
      if (['each', 'count', 'path', 'self', 'module', 'terraform', 'each_value'].includes(head)) continue;
      if (head === 'var' || head === 'local' || head === 'data' || /_/.test(head)) out.add(ref);
    }
  }
  return [...out];
}

/** Where a stack keeps its state (`s3 bucket/key`, `cloud org/workspace`, `local path`), or undefined. */
function stateLocation(json: Json): string | undefined {
  const t = json.terraform ?? {};
  const cloud = one(t.cloud);
  if (cloud) return `cloud ${String(cloud.hostname ?? 'app.terraform.io')}/${String(cloud.organization)}/${String(one(cloud.workspaces)?.name ?? one(cloud.workspaces)?.tags)}`;
  const s3 = one(one(t.backend)?.s3);
  if (s3) return `s3 ${String(s3.bucket)}/${String(s3.key)}`;
  const local = one(one(t.backend)?.local);
  if (local) return `local ${String(local.path ?? 'terraform.tfstate')}`;
  return undefined;
}

function checkBackend(found: Found, json: Json): void {
  const t = json.terraform ?? {};
  const s3 = one(one(t.backend)?.s3);
  if (s3) {
    const bucket = literal(s3.bucket);
    if (bucket !== undefined) found.check(s3BucketNameProblems(bucket).length === 0, 'terraform.backend.s3', 'bucket', bucket, 'tf.backend');
    const region = literal(s3.region);
    if (region !== undefined) found.check(AWS_REGIONS.includes(region), 'terraform.backend.s3', 'region', region, 'tf.backend');
  }
  const ws = one(one(t.cloud)?.workspaces);
  const name = literal(ws?.name);
  if (name !== undefined) found.check(/^[A-Za-z0-9_-]{1,90}$/.test(name), 'terraform.cloud', 'workspaces.name', name, 'tf.backend');
}

function checkProviders(found: Found, json: Json): void {
  many(json.provider?.aws).forEach((c, i) => {
    const region = literal(c.region);
    if (region !== undefined) found.check(AWS_REGIONS.includes(region), `provider.aws[${i}]`, 'region', region, 'aws.region');
    for (const dt of many(c.default_tags)) checkAwsTags(found, `provider.aws[${i}]`, 'default_tags.tags', dt.tags);
  });
}

// ---------------------------------------------------------------- per resource

function checkResource(found: Found, b: Block, all: Block[]): void {
  if (b.type.startsWith('digitalocean_')) checkDigitalOcean(found, b, all);
  else if (b.type.startsWith('aws_')) checkAws(found, b);
  else if (b.type.startsWith('cloudflare_')) checkCloudflare(found, b);
  else if (b.type.startsWith('kubernetes_')) checkKubernetes(found, b);
  else if (b.type.startsWith('docker_')) checkDocker(found, b);
}

function checkDoTags(found: Found, address: string, attribute: string, tags: unknown): void {
  if (!Array.isArray(tags)) return;
  tags.forEach((t, i) => {
    const s = literal(t);
    if (s !== undefined) found.check(DO_TAG.test(s), address, `${attribute}[${i}]`, s, 'do.tag');
  });
}

function checkDoRegion(found: Found, address: string, region: unknown): void {
  const s = literal(region);
  if (s !== undefined) found.check(DO_REGIONS.includes(s), address, 'region', s, 'do.region');
}

/** The engine of the cluster a `cluster_id` expression points at, when it is a cluster of this stack. */
function clusterEngine(clusterId: unknown, all: Block[]): string | undefined {
  if (typeof clusterId !== 'string') return undefined;
  const m = /^\$\{(digitalocean_database_cluster\.[A-Za-z0-9_-]+)\.id\}$/.exec(clusterId);
  if (!m) return undefined;
  return literal(all.find((x) => x.address === m[1])?.body.engine);
}

/** An ISO 8601 UTC time (`2026-03-01T12:00:00Z`) naming a moment that exists: the date does not roll over. */
function isRealUtcTime(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?Z$/.exec(text);
  if (!m) return false;
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number);
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, se));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && t.getUTCHours() === h && t.getUTCMinutes() === mi && t.getUTCSeconds() === se;
}

/** An RFC 1918 block from /16 to /24. */
function vpcRangeOk(cidr: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  const prefix = Number(m[5]);
  const private1918 = a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
  return private1918 && prefix >= 16 && prefix <= 24 && [m[1], m[2], m[3], m[4]].every((o) => Number(o) <= 255);
}

function checkDigitalOcean(found: Found, b: Block, all: Block[]): void {
  const { type, body: r, address } = b;
  checkDoTags(found, address, 'tags', r.tags);
  if ('region' in r) checkDoRegion(found, address, r.region);
  const name = literal(r.name);
  switch (type) {
    case 'digitalocean_droplet': {
      if (name !== undefined) found.check(DROPLET_NAME.test(name), address, 'name', name, 'do.droplet.name');
      const ud = literal(r.user_data);
      if (ud !== undefined) found.check(Buffer.byteLength(ud, 'utf8') <= 64 * 1024, address, 'user_data', `${Buffer.byteLength(ud, 'utf8')} bytes`, 'do.droplet.user-data');
      break;
    }
    case 'digitalocean_vpc':
      if (name !== undefined) found.check(VPC_NAME.test(name), address, 'name', name, 'do.vpc.name');
      if (literal(r.description) !== undefined) found.check(r.description.length <= 255, address, 'description', r.description, 'do.vpc.description');
      if (literal(r.ip_range) !== undefined) found.check(vpcRangeOk(r.ip_range), address, 'ip_range', r.ip_range, 'do.vpc.ip-range');
      break;
    case 'digitalocean_volume':
      if (name !== undefined) found.check(VOLUME_NAME.test(name), address, 'name', name, 'do.volume.name');
      if (literal(r.description) !== undefined) {
        found.check(Buffer.byteLength(r.description, 'utf8') <= 1024, address, 'description', r.description, 'do.volume.description');
      }
      break;
    case 'digitalocean_database_cluster':
    case 'digitalocean_database_replica':
      if (name !== undefined) found.check(DB_CLUSTER_NAME.test(name), address, 'name', name, 'do.database.cluster-name');
      for (const br of many(r.backup_restore)) {
        const source = literal(br.database_name);
        if (source !== undefined) found.check(DB_CLUSTER_NAME.test(source), address, 'backup_restore.database_name', source, 'do.database.backup-restore');
        const at = literal(br.backup_created_at);
        if (at !== undefined) found.check(isRealUtcTime(at), address, 'backup_restore.backup_created_at', at, 'do.database.backup-restore');
      }
      break;
    case 'digitalocean_database_user': {
      if (name === undefined) break;
      found.check(name.length > 0, address, 'name', name, 'do.database.user-name');
      found.check(name !== 'doadmin', address, 'name', name, 'do.database.user-reserved');
      const engine = clusterEngine(r.cluster_id, all);
      if (engine === 'mysql') found.check([...name].length <= 32, address, 'name', name, 'do.database.user-length');
      if (engine === 'pg') found.check(Buffer.byteLength(name, 'utf8') <= 63, address, 'name', name, 'do.database.user-length');
      break;
    }
    case 'digitalocean_database_db': {
      if (name === undefined) break;
      const engine = clusterEngine(r.cluster_id, all);
      const reserved = ['defaultdb', ...(engine === 'pg' ? ['postgres', 'template0', 'template1'] : []),
        ...(engine === 'mysql' ? ['mysql', 'sys', 'information_schema', 'performance_schema'] : [])];
      found.check(!reserved.includes(name), address, 'name', name, 'do.database.db-reserved');
      if (engine === 'mysql') found.check(name.length >= 1 && [...name].length <= 64, address, 'name', name, 'do.database.db-length');
      if (engine === 'pg') found.check(name.length >= 1 && Buffer.byteLength(name, 'utf8') <= 63, address, 'name', name, 'do.database.db-length');
      break;
    }
    case 'digitalocean_database_firewall':
      many(r.rule).forEach((rule, i) => {
        if (rule.type === 'tag' && literal(rule.value) !== undefined) found.check(DO_TAG.test(rule.value), address, `rule[${i}].value`, rule.value, 'do.tag');
      });
      break;
    case 'digitalocean_firewall':
      many(r.inbound_rule).forEach((x, i) => checkDoTags(found, address, `inbound_rule[${i}].source_tags`, x.source_tags));
      many(r.outbound_rule).forEach((x, i) => checkDoTags(found, address, `outbound_rule[${i}].destination_tags`, x.destination_tags));
      break;
    case 'digitalocean_kubernetes_cluster': {
      if (name !== undefined) found.check(DNS1123_LABEL.test(name), address, 'name', name, 'do.kubernetes.name');
      many(r.node_pool).forEach((pool, i) => {
        const n = literal(pool.name);
        if (n !== undefined) found.check(DNS1123_LABEL.test(n), address, `node_pool[${i}].name`, n, 'do.kubernetes.name');
        checkDoTags(found, address, `node_pool[${i}].tags`, pool.tags);
      });
      break;
    }
    case 'digitalocean_kubernetes_node_pool':
      if (name !== undefined) found.check(DNS1123_LABEL.test(name), address, 'name', name, 'do.kubernetes.name');
      break;
    case 'digitalocean_spaces_bucket':
      if (name !== undefined) found.check(s3BucketNameProblems(name).length === 0, address, 'name', name, 'do.spaces.bucket-name');
      break;
    default:
  }
}

function checkAwsTags(found: Found, address: string, attribute: string, tags: unknown): void {
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) return;
  for (const [k, v] of Object.entries(tags)) {
    found.check(k.length >= 1 && k.length <= 128 && !k.toLowerCase().startsWith('aws:'), address, `${attribute}.${k}`, k, 'aws.tag');
    const s = literal(v);
    if (s !== undefined) found.check(s.length <= 256, address, `${attribute}.${k}`, s, 'aws.tag');
  }
}

/** Characters of a policy document as IAM counts them (no white space outside strings), with expressions counted as empty: a lower bound. */
function policyLength(policy: string): number {
  let text = policy.replace(/(?<!\$)\$\{[^}]*\}/g, '');
  try {
    text = JSON.stringify(JSON.parse(text));
  } catch {
    text = text.replace(/\s+/g, '');
  }
  return text.length;
}

function checkAws(found: Found, b: Block): void {
  const { type, body: r, address } = b;
  checkAwsTags(found, address, 'tags', r.tags);
  const name = literal(r.name);
  switch (type) {
    case 'aws_s3_bucket': {
      const bucket = literal(r.bucket);
      if (bucket !== undefined) {
        const problems = s3BucketNameProblems(bucket);
        found.check(problems.length === 0, address, 'bucket', bucket, 'aws.s3.bucket-name');
      }
      const prefix = literal(r.bucket_prefix);
      if (prefix !== undefined) found.check(s3BucketPrefixProblems(prefix).length === 0, address, 'bucket_prefix', prefix, 'aws.s3.bucket-prefix');
      break;
    }
    case 'aws_iam_user':
    case 'aws_iam_role':
      if (name !== undefined) found.check(IAM_NAME.test(name), address, 'name', name, 'aws.iam.name');
      if (literal(r.name_prefix) !== undefined) found.check(IAM_NAME_PREFIX.test(r.name_prefix), address, 'name_prefix', r.name_prefix, 'aws.iam.name');
      if (literal(r.path) !== undefined) {
        found.check(/^\/([\x21-\x7e]*\/)?$/.test(r.path) && r.path.length <= 512, address, 'path', r.path, 'aws.iam.path');
      }
      if (type === 'aws_iam_role' && typeof r.assume_role_policy === 'string') {
        const n = policyLength(r.assume_role_policy);
        found.check(n <= 2048, address, 'assume_role_policy', `${n} characters`, 'aws.iam.policy-size');
      }
      break;
    case 'aws_iam_user_policy':
    case 'aws_iam_role_policy':
      if (name !== undefined) found.check(IAM_POLICY_NAME.test(name), address, 'name', name, 'aws.iam.policy-name');
      break;
    case 'aws_iam_policy':
      if (typeof r.policy === 'string') {
        const n = policyLength(r.policy);
        found.check(n <= 6144, address, 'policy', `${n} characters`, 'aws.iam.policy-size');
      }
      break;
    case 'aws_db_instance': {
      const id = literal(r.identifier);
      if (id !== undefined) found.check(RDS_IDENTIFIER.test(id) && !id.endsWith('-'), address, 'identifier', id, 'aws.rds.identifier');
      const engine = literal(r.engine) ?? '';
      const mysql = /mysql|mariadb/.test(engine);
      const dbName = literal(r.db_name);
      if (dbName !== undefined) {
        found.check(mysql ? /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(dbName) : /^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(dbName), address, 'db_name', dbName, 'aws.rds.db-name');
      }
      const user = literal(r.username);
      if (user !== undefined) {
        found.check(mysql ? /^[A-Za-z][A-Za-z0-9_]{0,15}$/.test(user) : /^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(user), address, 'username', user, 'aws.rds.username');
      }
      break;
    }
    case 'aws_db_parameter_group':
      if (name !== undefined) found.check(RDS_PARAMETER_GROUP.test(name) && !name.endsWith('-'), address, 'name', name, 'aws.rds.parameter-group-name');
      break;
    case 'aws_db_subnet_group':
      if (name !== undefined) found.check(RDS_SUBNET_GROUP.test(name) && name !== 'default', address, 'name', name, 'aws.rds.subnet-group-name');
      break;
    case 'aws_security_group':
      if (name !== undefined) found.check(name.length >= 1 && name.length <= 255 && !name.startsWith('sg-'), address, 'name', name, 'aws.ec2.security-group-name');
      break;
    default:
  }
}

/** The problems of a DNS name (for a record or a tunnel hostname); empty when fine. */
export function dnsNameProblems(name: string): string[] {
  const out: string[] = [];
  const text = name.endsWith('.') ? name.slice(0, -1) : name;
  if (text === '@') return out;
  if (text.length === 0 || text.length > 253) out.push('1 to 253 characters');
  text.split('.').forEach((label, i) => {
    if (label === '*' && i === 0) return;
    if (label.length === 0 || label.length > 63) out.push(`label "${label}" is not 1 to 63 characters`);
    if (!/^[A-Za-z0-9_-]*$/.test(label)) out.push(`label "${label}" has other characters than letters, digits, - and _`);
    if (label.startsWith('-') || label.endsWith('-')) out.push(`label "${label}" starts or ends with -`);
  });
  return out;
}

function checkCloudflare(found: Found, b: Block): void {
  const { type, body: r, address } = b;
  if (type === 'cloudflare_dns_record') {
    const name = literal(r.name);
    if (name !== undefined) found.check(dnsNameProblems(name).length === 0, address, 'name', name, 'cf.dns.name');
  }
  if (type === 'cloudflare_zero_trust_tunnel_cloudflared_config' || type === 'cloudflare_tunnel_config') {
    const ingress = Array.isArray(one(r.config)?.ingress) ? one(r.config)!.ingress as Json[] : undefined;
    if (!ingress) return;
    checkIngress(found, address, ingress);
  }
}

function checkIngress(found: Found, address: string, ingress: Json[]): void {
  const last = ingress.length - 1;
  ingress.forEach((rule, i) => {
    const at = `config.ingress[${i}]`;
    const service = literal(rule.service);
    if (service !== undefined) found.check(TUNNEL_SERVICE.test(service), address, `${at}.service`, service, 'cf.tunnel.service');
    const catchAll = (rule.hostname === undefined || rule.hostname === '') && (rule.path === undefined || rule.path === '');
    if (i === last) found.check(catchAll, address, at, rule, 'cf.tunnel.catch-all');
    else if (catchAll) found.add(address, at, rule, 'cf.tunnel.catch-all');
    const host = literal(rule.hostname);
    if (host !== undefined && host !== '') {
      found.check(dnsNameProblems(host).length === 0 && !host.includes('_'), address, `${at}.hostname`, host, 'cf.tunnel.hostname');
      // Unreachable: an earlier rule without a path whose hostname matches every request this one matches.
      const path = literal(rule.path) ?? '';
      for (let j = 0; j < i; j++) {
        const e = ingress[j];
        const eHost = literal(e.hostname);
        const ePath = literal(e.path) ?? '';
        if (eHost === undefined || eHost === '' || ePath !== '') continue;
        if (hostCovers(eHost, host)) {
          found.add(address, `${at}.hostname`, path ? `${host} ${path} (after ${eHost} at ingress[${j}])` : `${host} (after ${eHost} at ingress[${j}])`, 'cf.tunnel.unreachable');
          break;
        }
      }
    }
  });
}

/** True when every request for hostname `b` also matches hostname pattern `a` (equal, or `*.x` covering `y.x`). */
function hostCovers(a: string, b: string): boolean {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la === lb) return true;
  if (la.startsWith('*.')) {
    const suffix = la.slice(1); // ".x"
    return lb.endsWith(suffix) && lb.length > suffix.length && (!lb.startsWith('*.') || lb.slice(1).endsWith(suffix));
  }
  return false;
}

// ---------------------------------------------------------------- Kubernetes

/** The name rule of a kind: the regular expression and the longest name. */
function k8sNameRule(type: string): { re: RegExp; max: number } {
  if (/^kubernetes_namespace/.test(type)) return { re: DNS1123_LABEL, max: 63 };
  if (/^kubernetes_service(_v1)?$/.test(type)) return { re: DNS1035_LABEL, max: 63 };
  if (/^kubernetes_cron_job/.test(type)) return { re: DNS1123_SUBDOMAIN, max: 52 };
  if (/^kubernetes_job/.test(type)) return { re: DNS1123_SUBDOMAIN, max: 63 };
  return { re: DNS1123_SUBDOMAIN, max: 253 };
}

function checkLabels(found: Found, address: string, attribute: string, labels: unknown): void {
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) return;
  for (const [k, v] of Object.entries(labels)) {
    const slash = k.lastIndexOf('/');
    const prefix = slash >= 0 ? k.slice(0, slash) : undefined;
    const name = slash >= 0 ? k.slice(slash + 1) : k;
    const keyOk = LABEL_NAME.test(name) && (prefix === undefined || DNS1123_SUBDOMAIN.test(prefix));
    found.check(keyOk, address, `${attribute}.${k}`, k, 'k8s.label');
    const s = literal(v);
    if (s !== undefined) found.check(LABEL_VALUE.test(s), address, `${attribute}.${k}`, s, 'k8s.label');
  }
}

/** Walks a Kubernetes resource: labels anywhere, pod specs (containers, ports, volumes), service ports. */
function walkKubernetes(found: Found, address: string, path: string, v: unknown): void {
  if (Array.isArray(v)) {
    v.forEach((x, i) => walkKubernetes(found, address, `${path}[${i}]`, x));
    return;
  }
  if (typeof v !== 'object' || v === null) return;
  const o = v as Json;
  for (const [k, x] of Object.entries(o)) {
    const at = path ? `${path}.${k}` : k;
    if ((k === 'labels' || k === 'match_labels' || k === 'selector') && typeof x === 'object' && x !== null && !Array.isArray(x)
      && Object.values(x).every((y) => typeof y === 'string')) {
      checkLabels(found, address, at, x);
      continue;
    }
    if (k === 'container' || k === 'init_container') {
      const names = new Set<string>();
      many(x).forEach((c, i) => {
        const n = literal(c.name);
        if (n !== undefined) {
          found.check(DNS1123_LABEL.test(n) && !names.has(n), address, `${at}[${i}].name`, n, 'k8s.container-name');
          names.add(n);
        }
        many(c.port).forEach((p, j) => {
          const pn = literal(p.name);
          if (pn !== undefined) found.check(IANA_SVC_NAME.test(pn), address, `${at}[${i}].port[${j}].name`, pn, 'k8s.port-name');
        });
      });
    }
    if (k === 'volume' && Array.isArray(x)) {
      const names = new Set<string>();
      x.forEach((vol: Json, i: number) => {
        const n = literal(vol?.name);
        if (n !== undefined) {
          found.check(DNS1123_LABEL.test(n) && !names.has(n), address, `${at}[${i}].name`, n, 'k8s.volume-name');
          names.add(n);
        }
      });
    }
    walkKubernetes(found, address, at, x);
  }
}

function checkKubernetes(found: Found, b: Block): void {
  const { type, body: r, address } = b;
  const meta = one(r.metadata);
  if (meta) {
    const name = literal(meta.name);
    if (name !== undefined) {
      const rule = k8sNameRule(type);
      found.check(rule.re.test(name) && name.length <= rule.max, address, 'metadata.name', name, 'k8s.name');
    }
  }
  if (/^kubernetes_service/.test(type)) {
    many(one(r.spec)?.port).forEach((p, i) => {
      const pn = literal(p.name);
      if (pn !== undefined) found.check(IANA_SVC_NAME.test(pn), address, `spec.port[${i}].name`, pn, 'k8s.port-name');
    });
  }
  walkKubernetes(found, address, '', { metadata: r.metadata, spec: r.spec });
}

// ---------------------------------------------------------------- Docker

function checkDocker(found: Found, b: Block): void {
  const { type, body: r, address } = b;
  const name = literal(r.name);
  if (type === 'docker_container') {
    if (name !== undefined) found.check(DOCKER_NAME.test(name), address, 'name', name, 'docker.container-name');
    many(r.ports).forEach((p, i) => {
      if (typeof p.external === 'number') found.check(Number.isInteger(p.external) && p.external >= 1 && p.external <= 65535, address, `ports[${i}].external`, p.external, 'docker.host-port');
    });
  }
  if (type === 'docker_volume' && name !== undefined) found.check(DOCKER_NAME.test(name), address, 'name', name, 'docker.volume-name');
}

// ---------------------------------------------------------------- names that must be unique

/** A name some API keeps unique, with the scope it is unique in; undefined when the block has none or it is an expression. */
function uniqueKey(b: Block): { rule: string; attribute: string; key: string; value: string } | undefined {
  const r = b.body;
  const name = literal(r.name);
  switch (b.type) {
    case 'digitalocean_vpc':
      return name === undefined ? undefined : { rule: 'do.unique-name', attribute: 'name', key: `do-vpc ${name}`, value: name };
    case 'digitalocean_database_cluster':
    case 'digitalocean_database_replica':
      return name === undefined ? undefined : { rule: 'do.unique-name', attribute: 'name', key: `do-database ${name}`, value: name };
    case 'digitalocean_kubernetes_cluster':
      return name === undefined ? undefined : { rule: 'do.unique-name', attribute: 'name', key: `do-kubernetes ${name}`, value: name };
    case 'digitalocean_volume':
      return name === undefined ? undefined : { rule: 'do.unique-name', attribute: 'name', key: `do-volume ${String(r.region)} ${name}`, value: name };
    case 'digitalocean_spaces_bucket':
      return name === undefined ? undefined : { rule: 'do.unique-name', attribute: 'name', key: `do-spaces ${name}`, value: name };
    case 'aws_iam_user':
    case 'aws_iam_role':
      return name === undefined ? undefined : { rule: 'aws.iam.unique-name', attribute: 'name', key: `${b.type} ${name.toLowerCase()}`, value: name };
    case 'aws_s3_bucket': {
      const bucket = literal(r.bucket);
      return bucket === undefined ? undefined : { rule: 'aws.s3.bucket-name', attribute: 'bucket', key: `s3 ${bucket}`, value: bucket };
    }
    case 'cloudflare_dns_record': {
      if (name === undefined || r.type !== 'CNAME') return undefined;
      return { rule: 'cf.dns.duplicate', attribute: 'name', key: `cf-dns ${String(r.zone_id)} ${name.toLowerCase()}`, value: name };
    }
    case 'cloudflare_zero_trust_tunnel_cloudflared':
      return name === undefined ? undefined : { rule: 'cf.unique-name', attribute: 'name', key: `cf-tunnel ${String(r.account_id)} ${name}`, value: name };
    default:
  }
  if (b.type.startsWith('kubernetes_')) {
    const meta = one(r.metadata);
    const n = literal(meta?.name);
    if (n === undefined) return undefined;
    const kind = b.type.replace(/_v\d+(beta\d+)?$/, '');
    const ns = typeof meta?.namespace === 'string' ? meta.namespace : 'default';
    return { rule: 'k8s.unique-name', attribute: 'metadata.name', key: `${kind} ${kind === 'kubernetes_namespace' ? '' : ns} ${n}`, value: n };
  }
  if (b.type === 'docker_container' || b.type === 'docker_volume' || b.type === 'docker_network') {
    return name === undefined ? undefined : { rule: 'docker.unique-name', attribute: 'name', key: `${b.type} ${name.replace(/^\//, '')}`, value: name };
  }
  return undefined;
}

function checkUniqueness(found: Found, resources: Block[]): void {
  const seen = new Map<string, string>();
  for (const b of resources) {
    const u = uniqueKey(b);
    if (u) {
      const first = seen.get(u.key);
      if (first !== undefined) found.add(b.address, u.attribute, `${u.value} (also ${first})`, u.rule);
      else seen.set(u.key, b.address);
    }
  }
  // Droplet names: one stack's droplets are told apart by name (the agent, the monitoring, the operator).
  const droplets = new Map<string, string>();
  for (const b of resources.filter((x) => x.type === 'digitalocean_droplet')) {
    const n = literal(b.body.name);
    if (n === undefined) continue;
    const first = droplets.get(n.toLowerCase());
    if (first !== undefined) found.add(b.address, 'name', `${n} (also ${first})`, 'do.unique-name');
    else droplets.set(n.toLowerCase(), b.address);
  }
  // Docker host ports: one address and port per engine.
  const ports = new Map<string, string>();
  for (const b of resources.filter((x) => x.type === 'docker_container')) {
    for (const p of many(b.body.ports)) {
      if (typeof p.external !== 'number') continue;
      const key = `${p.ip ?? '0.0.0.0'}:${p.external}/${p.protocol ?? 'tcp'}`;
      const first = ports.get(key);
      if (first !== undefined) found.add(b.address, 'ports', `${key} (also ${first})`, 'docker.host-port');
      else ports.set(key, b.address);
    }
  }
  // Inline policies: the aggregate size per user (2,048) and per role (10,240).
  const sizes = new Map<string, { n: number; address: string; limit: number }>();
  for (const b of resources.filter((x) => x.type === 'aws_iam_user_policy' || x.type === 'aws_iam_role_policy')) {
    if (typeof b.body.policy !== 'string') continue;
    const owner = String(b.type === 'aws_iam_user_policy' ? b.body.user : b.body.role);
    const limit = b.type === 'aws_iam_user_policy' ? 2048 : 10240;
    const cur = sizes.get(owner) ?? { n: 0, address: b.address, limit };
    cur.n += policyLength(b.body.policy);
    sizes.set(owner, cur);
  }
  for (const [owner, s] of sizes) found.check(s.n <= s.limit, s.address, 'policy', `${s.n} characters in all for ${owner}`, 'aws.iam.policy-size');
  // Database users and databases of one cluster.
  const dbNames = new Map<string, string>();
  for (const b of resources.filter((x) => x.type === 'digitalocean_database_user' || x.type === 'digitalocean_database_db')) {
    const n = literal(b.body.name);
    if (n === undefined) continue;
    const key = `${b.type} ${String(b.body.cluster_id)} ${n}`;
    const first = dbNames.get(key);
    if (first !== undefined) found.add(b.address, 'name', `${n} (also ${first})`, 'do.database.duplicate');
    else dbNames.set(key, b.address);
  }
}

/**
 * The names the stacks of one app may not share: they deploy into one DigitalOcean account, one AWS
 * account and one Cloudflare account and zone (VPCs, database and Kubernetes clusters, volumes of a
 * region, IAM users and roles, CNAME records, tunnels, literal bucket names), and each keeps its own
 * state. Each stack's own violations come from `validateOutput`; these are the ones between stacks.
 * `oneProject: false` (stacks of several apps, each in its own project) leaves local state paths alone.
 */
export function validateStackSet(stacks: Readonly<Record<string, object>>, options: { readonly oneProject?: boolean } = {}): Violation[] {
  const found = new Found();
  const seen = new Map<string, string>();
  const states = new Map<string, string>();
  for (const [stack, json] of Object.entries(stacks)) {
    const state = stateLocation(json as Json);
    // A local state path is relative to its project: stacks of different projects (apps) do not share it.
    if (state !== undefined && (options.oneProject !== false || !state.startsWith('local '))) {
      const first = states.get(state);
      if (first !== undefined) found.add(`${stack}:terraform`, 'backend', `${state} (also ${first})`, 'tf.shared-state');
      else states.set(state, stack);
    }
    for (const b of blocksOf(json as Json, 'resource')) {
      const u = uniqueKey(b);
      if (!u || u.rule === 'k8s.unique-name' || u.rule === 'docker.unique-name') continue;
      const here = `${stack}:${b.address}`;
      const first = seen.get(u.key);
      if (first !== undefined && first.split(':')[0] !== stack) found.add(here, u.attribute, `${u.value} (also ${first})`, u.rule);
      else if (first === undefined) seen.set(u.key, here);
    }
  }
  return found.list;
}

// ---------------------------------------------------------------- duplicate keys in the JSON text

/**
 * Addresses that appear twice in a `cdk.tf.json` text (`resource.<type>.<name>` or
 * `data.<type>.<name>` keys repeated): `JSON.parse` keeps the last and drops the first silently.
 */
export function duplicateAddresses(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  const ws = (): void => {
    for (let c = text.charCodeAt(i); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(++i));
  };
  const str = (): string => {
    const start = i;
    let end = text.indexOf('"', i + 1);
    // a quote preceded by an odd number of backslashes is escaped
    for (;;) {
      let k = end - 1;
      while (text.charCodeAt(k) === 92) k--;
      if ((end - 1 - k) % 2 === 0) break;
      end = text.indexOf('"', end + 1);
    }
    i = end + 1;
    const raw = text.slice(start + 1, end);
    return raw.includes('\\') ? JSON.parse(text.slice(start, i)) : raw;
  };
  const value = (path: string[]): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const keys = new Set<string>();
      ws();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        ws();
        const k = str();
        const full = [...path, k];
        if (keys.has(k) && (path.length === 2 && (path[0] === 'resource' || path[0] === 'data'))) {
          out.push(path[0] === 'data' ? `data.${path[1]}.${k}` : `${path[1]}.${k}`);
        }
        keys.add(k);
        ws();
        i++; // colon
        value(full.length <= 3 ? full : path.concat('…'));
        ws();
        if (text[i] === ',') { i++; continue; }
        i++; // closing brace
        return;
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') { i++; return; }
      for (;;) {
        value(path.concat('[]'));
        ws();
        if (text[i] === ',') { i++; continue; }
        i++;
        return;
      }
    }
    if (c === '"') { str(); return; }
    while (i < text.length && !',}] \t\n\r'.includes(text[i])) i++;
  };
  value([]);
  return out;
}

/** One line per violation, with the rule's description: for failure messages. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.address} ${v.attribute} = ${short(v.value)}: ${v.rule} (${RULES[v.rule]?.description ?? '?'})`).join('\n');
}

function short(v: unknown): string {
  const t = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  return t.length > 140 ? `${t.slice(0, 137)}...` : t;
}
