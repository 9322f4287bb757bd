// The public API of cdktf-erp-constructs: re-exports only, by group. Each name
// is one a user of the constructs needs; everything else stays in its module.

// Errors, regions and the private network
export { ErpValidationError, ValidationProblem } from './errors';
export { Problems } from './private/validate';
export { DoRegion } from './common/region';
export { Weekday } from './common/weekday';
export { S3StorageClass } from './common/storage-class';
export { PrivateNetwork, PrivateNetworkOptions, PrivateNetworkProps } from './common/network';

// Contracts between the constructs (intents take and return these)
export {
  AppEnvironment, BackupJobEnvironment, DatabaseAccessSource, DatabaseAccessSourceType, DatabaseConnection,
  DatabaseEngineFamily, IAppFileStore, IBackupDestination, IConnectableDatabase, IDatabaseClient, ITunnelIngress, PrivateNetworkPlacement,
  TunnelConnector,
} from './common/contracts';

// ManagedDatabase (DigitalOcean) and RdsDatabase (AWS)
export {
  ConnectionPoolMode, DatabaseEngine, DatabaseSize, MaintenanceWindow, MySqlAuthPlugin, MySqlSqlMode,
  ValkeyEvictionPolicy,
} from './database/engine';
export { DatabaseAccess, DatabaseAccessEntry, DatabaseCoreProps } from './database/props';
export {
  BackupRestoreOptions, ConnectionPoolOptions, ManagedDatabase, ManagedDatabaseProps, ReadReplicaOptions,
} from './database/managed-database';
export { RdsAccessEntry, RdsDatabase, RdsDatabaseProps, RdsSecurityGroupSource } from './database/rds-database';
export { DATABASE_CA_CERT_PATH } from './database/private/core';

// S3BackupVault (AWS) and SpacesBackupVault (DigitalOcean)
export {
  BackupEncryption, BackupGrantOptions, BackupPrefixes, BackupPrincipal, BackupVaultProps, ColdStorage, ColdStorageClass,
  IBackupVault, ObjectLockMode, ObjectLockOptions, ReplicationOptions,
} from './backup/props';
export { S3BackupVault, S3BackupVaultProps } from './backup/s3-backup-vault';
export { SpacesBackupVault, SpacesBackupVaultProps } from './backup/spaces-backup-vault';

// AppFilesBucket (AWS): the app's own files (uploads)
export { AppFilesBucket, AppFilesBucketProps, AppFilesCors, CorsMethod } from './storage/app-files-bucket';

// TunnelIngress (Cloudflare)
export {
  TunnelAccessGate, TunnelIngress, TunnelIngressProps, TunnelOriginOptions, TunnelRoute, TunnelSecret,
} from './tunnel/tunnel-ingress';
export { AccessPolicy } from './tunnel/access';
export {
  CloudflarePlan, FrameOptions, RateLimitAction, RateLimitRule, ReferrerPolicy, SecurityHeaders, ZoneRateLimits,
} from './tunnel/zone-security';
export {
  AdvancedCertificateOptions, CertificateAuthority, CertificateValidationMethod,
} from './tunnel/edge-certificate';

// ErpAppService: the process model and its intents
export {
  AppProcesses, ContainerSettings, CronEntry, HealthCheck, HttpService, MountedFile, ProcessCommand, ProcessModel, ReleaseCommand, ResourceLimits,
  SchedulerProcess, SecretValue, WebProcess, WebSocketProcess, WorkerProcess,
} from './app-service/process-model';
export { AppSecret, AppSecretSource, GeneratedSecretOptions, SecretEncoding } from './app-service/secret';
export { AppFile } from './app-service/app-file';
export { DIGITALOCEAN_REGISTRY_SERVER, DigitalOceanRegistryOptions, ImageRegistry, ResolvedRegistry } from './app-service/registry';
export {
  BackupOptions, ConnectOptions, ErpAppService, ErpAppServiceProps, IPlainTextDatabase, ServeThroughOptions, StoreFilesOptions,
} from './app-service/app-service';

// Runtimes: droplets (Compose), Kubernetes, a local Docker engine
export { DropletSize } from './app-service/runtimes/droplet/droplet-size';
export { DropletRuntime, DropletRuntimeProps } from './app-service/runtimes/droplet/droplet-runtime';
export {
  IReleaseStore, ReleaseObject, ReleaseStoreReader, S3ReleaseStore, S3ReleaseStoreProps,
} from './app-service/runtimes/droplet/release-store';
export {
  IKubernetesCluster, KubernetesCluster, KubernetesClusterProps, KubernetesVersion,
} from './app-service/runtimes/kubernetes/kubernetes-cluster';
export {
  ExistingKubernetesCluster, ExistingKubernetesClusterProps,
} from './app-service/runtimes/kubernetes/existing-kubernetes-cluster';
export { KubernetesRuntime, KubernetesRuntimeProps, PodSecurityLevel } from './app-service/runtimes/kubernetes/kubernetes-runtime';
export {
  ExistingNfsShare, ExistingNfsShareProps, INfsMountSource, NFS_MIN_SIZE_GIB, NfsShare, NfsShareProps,
} from './storage/nfs-share';
export { DockerRuntime, DockerRuntimeProps } from './app-service/runtimes/docker/docker-runtime';
export { LocalDatabase, LocalDatabaseProps } from './database/local-database';

// Writing a runtime of your own: the base every runtime is built on, and what an app hands its runtime
export { AppRuntimeBase, AppRuntimeBaseProps } from './app-service/runtimes/base';
export {
  AppBinding, IAppRuntime, ProcessRole, ResolvedApp, ResolvedFile, ResolvedHealthCheck, ResolvedJob, ResolvedProcess,
  ResolvedRelease,
} from './app-service/runtime';

// Monitoring
export { AppMonitoring, AppMonitoringProps, DropletAlertThresholds, UptimeRegion } from './monitoring/app-monitoring';

// Cost: an itemized monthly estimate of a stack
export {
  CATALOGUE_PRICES_AS_OF, CatalogueEntry, DatabaseNodeRole, DropletBackupPlan, PriceCatalogue,
  PriceSource, PriceUnit,
} from './cost/catalogue';
export { CostEstimate, EstimateOptions, estimateStack, estimateTerraformJson } from './cost/estimate';
export { CostAssumptions, CostItem, CostItemStatus } from './cost/item';

// Checks: secure-default rules run as an Aspect
export { ErpChecks, ErpChecksError, ErpChecksProps } from './checks/erp-checks';
export { CheckFinding, CheckRuleInfo, CheckSeverity, ChecksReport, CheckSuppression } from './checks/rule';
export { formatChecksReport } from './checks/report';
// Writing a rule of your own: the rule contract and the stack it reads
export { ErpRule, RuleFinding } from './checks/erp-rule';
export { CheckedOutput, CheckedReference, CheckedResource, ICheckedStack } from './checks/model';
