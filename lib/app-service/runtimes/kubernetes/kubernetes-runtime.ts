import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import type { CronJobV1 } from '@cdktf/provider-kubernetes/lib/cron-job-v1';
import type {
  DeploymentV1, DeploymentV1SpecTemplateSpec, DeploymentV1SpecTemplateSpecContainer,
  DeploymentV1SpecTemplateSpecContainerLivenessProbe, DeploymentV1SpecTemplateSpecContainerVolumeMount,
  DeploymentV1SpecTemplateSpecVolume,
} from '@cdktf/provider-kubernetes/lib/deployment-v1';
import type { HorizontalPodAutoscalerV2 } from '@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2';
import type { JobV1 } from '@cdktf/provider-kubernetes/lib/job-v1';
import { NamespaceV1, NamespaceV1Metadata } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { PersistentVolumeClaimV1 } from '@cdktf/provider-kubernetes/lib/persistent-volume-claim-v1';
import { PersistentVolumeV1 } from '@cdktf/provider-kubernetes/lib/persistent-volume-v1';
import { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { Annotations, Fn, ITerraformDependable, Lazy, Token } from 'cdktf';
import { Construct } from 'constructs';
import { createHash } from 'crypto';
import { posix } from 'path';
import { IDatabaseClient } from '../../../common/contracts';
import { ErpValidationError } from '../../../errors';
import { UTC_ZONE, isUtcZone } from '../../../private/time-zone';
import { Problems, checkInt, isUnresolved, requireProps } from '../../../private/validate';
import { CACHE_DATA_PATH } from '../../private/cache-process';
import { escapeTerraformTemplate, groupsInUse } from '../../private/render-common';
import { DNS_LABEL_RE } from '../../private/validate-model';
import { SCRATCH_SIZE_LIMIT, cleanPath, parseUser } from '../../private/container-settings';
import { ContainerSettings, ResourceLimits } from '../../process-model';
import {
  ProcessRole, ResolvedApp, ResolvedFile, ResolvedHealthCheck, ResolvedJob, ResolvedJobStage, ResolvedProcess, ResolvedRelease, ResolvedScratch,
} from '../../runtime';
import { AppRuntimeBase, AppRuntimeBaseProps } from '../base';
import { IKubernetesCluster } from './kubernetes-cluster';
import { dockerConfigJson } from '../../registry';
import type { INfsMountSource } from '../../../storage/nfs-share';

// The workload bindings (Deployment, CronJob, Job, HorizontalPodAutoscaler) are about 15 MB of
// JavaScript, some 150 ms to load: they are required when a runtime first renders its workloads,
// so that an app which imports the library but runs on droplets does not load them.
/** The workload binding classes, loaded on first use. */
function workloads(): {
  readonly CronJobV1: typeof CronJobV1;
  readonly DeploymentV1: typeof DeploymentV1;
  readonly HorizontalPodAutoscalerV2: typeof HorizontalPodAutoscalerV2;
  readonly JobV1: typeof JobV1;
} {
  return {
    CronJobV1: (require('@cdktf/provider-kubernetes/lib/cron-job-v1') as typeof import('@cdktf/provider-kubernetes/lib/cron-job-v1')).CronJobV1,
    DeploymentV1: (require('@cdktf/provider-kubernetes/lib/deployment-v1') as typeof import('@cdktf/provider-kubernetes/lib/deployment-v1')).DeploymentV1,
    HorizontalPodAutoscalerV2: (require('@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2') as typeof import('@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2')).HorizontalPodAutoscalerV2,
    JobV1: (require('@cdktf/provider-kubernetes/lib/job-v1') as typeof import('@cdktf/provider-kubernetes/lib/job-v1')).JobV1,
  };
}

/** Pod Security Standards level a namespace enforces (its `pod-security.kubernetes.io/enforce` label). */
export enum PodSecurityLevel {
  /** Non-root only, no privilege escalation, every capability dropped but `NET_BIND_SERVICE`, seccomp. */
  RESTRICTED = 'restricted',
  /** Also admits containers that run as root with the default capabilities (an image that binds port 80 and drops to a service user, such as phpMyAdmin's Apache). */
  BASELINE = 'baseline',
}

/** Props of `KubernetesRuntime`. */
export interface KubernetesRuntimeProps extends AppRuntimeBaseProps {
  /**
   * The cluster the app runs on, with its Kubernetes provider: `KubernetesCluster.fromClusterName`
   * (a cluster another stack created, read by name).
   */
  readonly cluster: IKubernetesCluster;
  /**
   * Namespace of the app's resources, a DNS label.
   * @default - the app name
   */
  readonly namespace?: string;
  /**
   * Most web replicas the HorizontalPodAutoscaler may run (its minimum is the web process's `replicas`).
   * @default - three times the web replicas, at least 3
   */
  readonly webMaxReplicas?: number;
  /**
   * Average CPU use, in percent of the CPU request, above which the autoscaler adds web replicas.
   * @default 70
   */
  readonly webCpuTargetPercent?: number;
  /**
   * Replicas of the tunnel connector; at least 2, so that a node drain or upgrade never cuts the tunnel.
   * @default 2
   */
  readonly connectorReplicas?: number;
  /**
   * CPU and memory limits of a process (or job) whose model gives none.
   * @default { cpus: 1, memoryMib: 512 }
   */
  readonly defaultResources?: ResourceLimits;
  /**
   * CPU request as a fraction of the CPU limit (the memory request always equals the memory limit).
   * @default 0.25
   */
  readonly cpuRequestFraction?: number;
  /**
   * User id every app container runs as (never root), unless its process gives `container.user`.
   * @default 10001
   */
  readonly runAsUser?: number;
  /**
   * Read-only root filesystem for every container, unless its process gives `container.readOnlyRootFilesystem`;
   * each one gets a writable, empty `/tmp`, and an emptyDir (256 MiB at most) at each of its `container.writablePaths`.
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * Processes and jobs (by name) whose image must write outside `/tmp`: their root filesystem stays writable.
   * @default - none
   */
  readonly writableRootFilesystem?: readonly string[];
  /**
   * Pod Security level the namespace enforces. `RESTRICTED` refuses a process whose `container.user`
   * is root (`'0'`); `BASELINE` admits it, and the namespace still warns and audits against `restricted`.
   * @default - `RESTRICTED`, or `BASELINE` (with a synthesis warning naming the processes) when a process asks for user `0`
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Minutes Terraform waits for the release Job to finish before it fails the apply.
   * @default 15
   */
  readonly releaseTimeoutMinutes?: number;
  /**
   * Finished runs kept per CronJob (successful and failed each), for `kubectl logs`.
   * @default 3
   */
  readonly jobHistoryLimit?: number;
  /**
   * An NFS share (`NfsShare.fromShareName`) that backs the app's `persistentPaths`, shared by every replica
   * on every node. The runtime makes a PersistentVolume of it (nfs source: the share's host and mount path,
   * ReadWriteMany, reclaim policy Retain, NFSv4.1) bound to a PersistentVolumeClaim (ReadWriteMany) in the
   * app's namespace, and mounts the subdirectory `<name>` of the share (`sub_path`) at each persistent path
   * into the pods that list it: web, workers and the other app-code processes, the release Job and the
   * app's CronJobs (not services, the connector or the cache). Pods reach the share only through the
   * claim: Pod Security `restricted` admits a `persistentVolumeClaim` volume and refuses an inline `nfs`
   * one (kubernetes.io/docs/concepts/security/pod-security-standards/, Restricted, "Volume Types": only
   * configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and secret).
   *
   * Who may write: NFS volumes get no ownership management, so the pod's `fsGroup` is not applied to
   * them (core/v1 NFSVolumeSource: "NFS volumes do not support ownership management or SELinux
   * relabeling"), and a share's root directory belongs to root. Unless `prepareSharedStorage` is false,
   * a one-shot Job (`storage-init`, named after the paths and owner) creates each `<name>` directory and
   * gives it to the runtime's user and group (`runAsUser`, mode 2770) before any app pod starts. It must
   * run as root (with CHOWN, FOWNER and DAC_OVERRIDE only), which `restricted` refuses, so it runs in a
   * namespace of its own (`<namespace>-storage`, Pod Security `baseline`, which admits an inline nfs
   * volume) and the app's namespace stays `restricted`. If the share squashes root, that Job fails and
   * the apply stops there: give the directories to uid/gid `runAsUser` on the share yourself and set
   * `prepareSharedStorage: false`. Processes that run as another user (`container.user`) need that
   * user's group to be the runtime's.
   * @default - none: persistent paths are refused (block storage attaches to one node, ReadWriteOnce)
   */
  readonly sharedStorage?: INfsMountSource;
  /**
   * Create the persistent paths' directories on the shared storage and give them to the app's user, with a
   * root Job in a `baseline` namespace of its own (see `sharedStorage`). Set false when the directories are
   * prepared on the share already.
   * @default true
   */
  readonly prepareSharedStorage?: boolean;
}

/** The label keys of every resource of the app. */
const LABEL_NAME = 'app.kubernetes.io/name';
const LABEL_COMPONENT = 'app.kubernetes.io/component';
const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
/** The user id the Valkey image runs as. */
const CACHE_USER = 999;
/** CPU and memory limits of the cache process when the model gives none. */
const CACHE_RESOURCES: ResourceLimits = { cpus: 0.5, memoryMib: 256 };
/** The pod volume of the shared storage's claim. */
const SHARED_VOLUME = 'files';
/** The image of the Job that prepares the shared storage's directories (a pinned BusyBox: sh, mkdir, chown, chmod). */
const STORAGE_INIT_IMAGE = 'busybox:1.37.0';
/** The tunnel connector's metrics and readiness port (`--metrics 0.0.0.0:20241`). */
const CONNECTOR_READY_PATH = '/ready';

type Container = DeploymentV1SpecTemplateSpecContainer;
type PodSpec = DeploymentV1SpecTemplateSpec;
type Probe = DeploymentV1SpecTemplateSpecContainerLivenessProbe;
type Volume = DeploymentV1SpecTemplateSpecVolume;
type VolumeMount = DeploymentV1SpecTemplateSpecContainerVolumeMount;

/** What one pod runs: shared by Deployments, the release Job and CronJobs. */
interface PodInput {
  readonly name: string;
  readonly image: string;
  readonly args?: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  readonly secretGroups: readonly string[];
  readonly resources?: ResourceLimits;
  readonly port?: number;
  readonly healthCheck?: ResolvedHealthCheck;
  readonly runAsUser?: number;
  readonly restartPolicy?: string;
  readonly spread?: boolean;
  readonly dataVolume?: string;
  /** Names of the app's public files (`ResolvedApp.files`) mounted read-only. */
  readonly files?: readonly string[];
  /** Names of the app's persistent paths (`ResolvedApp.persistentPaths`) mounted from the shared storage. */
  readonly persistentPaths?: readonly string[];
  /** The process's own user, read-only flag and writable paths. */
  readonly container?: ContainerSettings;
  /** The container's entrypoint (`command`), replacing the image's. */
  readonly entrypoint?: readonly string[];
  /** Containers that run first, in order, each to completion: init containers. */
  readonly stages?: readonly ResolvedJobStage[];
  /** A directory the stages and the container share: an emptyDir of its size. */
  readonly scratch?: ResolvedScratch;
}

/**
 * Capabilities a root container gets back after dropping all (all within Pod Security `baseline`):
 * what an image that starts as root needs to fix file ownership, bind a port below 1024, switch to
 * its service user and signal that user's workers (Apache, nginx and php-fpm masters).
 */
const ROOT_CAPABILITIES = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'NET_BIND_SERVICE', 'SETGID', 'SETUID'];

/**
 * Runs an `ErpAppService` on Kubernetes, on a cluster created by another stack
 * (`KubernetesCluster.fromClusterName`), with the Kubernetes provider configured from it.
 *
 * In a namespace of its own (`Resource`, Pod Security `restricted`, or `baseline`
 * when a process asks to run as root: see `podSecurity`), each
 * process becomes a Deployment (non-root, read-only root filesystem with a
 * writable `/tmp`, or what its `container` settings ask for: user, root
 * filesystem, an emptyDir per writable path; probes from its health check, replicas spread over nodes)
 * with a PodDisruptionBudget and, when it serves a port, a ClusterIP Service;
 * web gets a HorizontalPodAutoscaler, the tunnel connector at least two
 * replicas. Scheduled jobs become CronJobs (in their time zone, no overlap), each secret
 * group a Secret read through `envFrom`, each public file (the database CA
 * certificate) a ConfigMap mounted read-only. The release command runs as a
 * Job named after its image and command: Terraform waits for it, and the app's
 * Deployments roll out only once it has succeeded, so a failed migration
 * fails the apply and leaves the running version alone.
 *
 * ```ts
 * // `erp` is a KubernetesCluster of a platform stack that this stack depends on
 * const cluster = KubernetesCluster.fromClusterName(stack, 'Cluster', { name: 'erp', region: DoRegion.FRA1 });
 * const runtime = new KubernetesRuntime(stack, 'Runtime', { cluster, webMaxReplicas: 6 });
 * new ErpAppService(stack, 'App', { name: 'erp', runtime, processes: { web: { image: 'ghcr.io/acme/erp:1.4.2', port: 8080 } } });
 * ```
 */
export class KubernetesRuntime extends AppRuntimeBase {
  /** The app's namespace (`Resource`). */
  public readonly namespace: NamespaceV1;
  /** The cluster the app runs on. */
  public readonly cluster: IKubernetesCluster;
  /** Admits the cluster to a database. */
  public readonly databaseClient: IDatabaseClient;
  /** Deployments by process name (including `redis` when the runtime runs the cache); filled at synthesis. */
  public readonly deployments: Record<string, DeploymentV1> = {};
  /** Services by process name; filled at synthesis. */
  public readonly services: Record<string, ServiceV1> = {};
  /** PodDisruptionBudgets by process name; filled at synthesis. */
  public readonly disruptionBudgets: Record<string, PodDisruptionBudgetV1> = {};
  /** CronJobs by job name; filled at synthesis. */
  public readonly cronJobs: Record<string, CronJobV1> = {};
  /** Secrets by secret group; filled at synthesis. */
  public readonly secrets: Record<string, SecretV1> = {};
  /** ConfigMaps of the public files (`database-ca`) by file name; filled at synthesis. */
  public readonly configMaps: Record<string, ConfigMapV1> = {};
  /** The registries' pull secret (`kubernetes.io/dockerconfigjson`), when the app pulls from private registries. */
  public pullSecret?: SecretV1;
  /** The web autoscaler; set at synthesis. */
  public webAutoscaler?: HorizontalPodAutoscalerV2;
  /** The release Job, when the app has a release command; set at synthesis. */
  public releaseJob?: JobV1;
  /** The PersistentVolume of the shared storage (nfs, ReadWriteMany, Retain), when the app has persistent paths. */
  public sharedVolume?: PersistentVolumeV1;
  /** The claim on `sharedVolume` in the app's namespace, which pods mount. */
  public sharedVolumeClaim?: PersistentVolumeClaimV1;
  /** The Job that prepares the persistent paths' directories on the share (`prepareSharedStorage`). */
  public sharedStorageInit?: JobV1;

  private readonly props: KubernetesRuntimeProps;

  constructor(scope: Construct, id: string, props: KubernetesRuntimeProps) {
    super(scope, id, props);
    requireProps(this, props, '{ cluster }');
    const p = new Problems();
    p.check(props.cluster !== undefined && props.cluster.kubernetesProvider !== undefined, 'cluster', props.cluster?.constructor?.name ?? props.cluster,
      'is not a Kubernetes cluster with a Kubernetes provider (a KubernetesCluster configures none: a provider configured from a cluster created in the same apply breaks when the cluster is replaced)',
      "create the cluster in a stack of its own, and here pass KubernetesCluster.fromClusterName(stack, 'Cluster', { name, region }) in a stack that depends on it");
    if (props.namespace !== undefined && !isUnresolved(props.namespace)) {
      p.check(typeof props.namespace === 'string' && DNS_LABEL_RE.test(props.namespace), 'namespace', props.namespace, 'is not a DNS label',
        'use lowercase letters, digits and "-", starting with a letter, at most 63 characters (erp, facturador)');
      p.check(!['default', 'kube-system', 'kube-public', 'kube-node-lease'].includes(props.namespace), 'namespace', props.namespace,
        'is a namespace Kubernetes itself uses', 'give the app a namespace of its own (the app name)');
    }
    checkInt(p, 'webMaxReplicas', props.webMaxReplicas, 1, 100);
    checkInt(p, 'webCpuTargetPercent', props.webCpuTargetPercent, 10, 100);
    if (props.connectorReplicas !== undefined && !isUnresolved(props.connectorReplicas)) {
      p.check(Number.isInteger(props.connectorReplicas) && props.connectorReplicas >= 2 && props.connectorReplicas <= 10,
        'connectorReplicas', props.connectorReplicas, 'must be a whole number from 2 to 10: one connector is a single point of failure',
        'use 2 or more connector replicas');
    }
    if (props.defaultResources !== undefined) {
      const r = props.defaultResources;
      p.check(typeof r.cpus === 'number' && r.cpus > 0 && r.cpus <= 64, 'defaultResources.cpus', r.cpus, 'must be above 0 and at most 64', 'give CPU cores, e.g. 0.5');
      checkInt(p, 'defaultResources.memoryMib', r.memoryMib, 16, 262144);
    }
    if (props.cpuRequestFraction !== undefined && !isUnresolved(props.cpuRequestFraction)) {
      p.check(props.cpuRequestFraction > 0 && props.cpuRequestFraction <= 1, 'cpuRequestFraction', props.cpuRequestFraction,
        'must be above 0 and at most 1', 'use e.g. 0.25 (a quarter of the limit is reserved)');
    }
    checkInt(p, 'runAsUser', props.runAsUser, 1, 2147483647, 'use a non-root user id such as 10001 (0 is root)');
    (props.writableRootFilesystem ?? []).forEach((n, i) => p.check(typeof n === 'string' && DNS_LABEL_RE.test(n),
      `writableRootFilesystem[${i}]`, n, 'is not a process or job name', 'name a process or job of the app (web, celery)'));
    checkInt(p, 'releaseTimeoutMinutes', props.releaseTimeoutMinutes, 1, 240);
    checkInt(p, 'jobHistoryLimit', props.jobHistoryLimit, 0, 50);
    this.checkSharedProps(p);
    p.throwIfAny(this);

    this.props = props;
    this.cluster = props.cluster;
    this.databaseClient = { databaseAccessSources: [...props.cluster.databaseAccessSources], network: props.cluster.network };
    this.namespace = new NamespaceV1(this, 'Resource', {
      provider: props.cluster.kubernetesProvider,
      metadata: this.namespaceMetadata(props.podSecurity ?? PodSecurityLevel.RESTRICTED),
    });
    this.renderAtSynthesis((app) => this.render(app));
  }

  /**
   * The namespace's name and labels. Pod Security Admission enforces `level`: `restricted` rejects pods
   * that are not restricted (non-root, no escalation, seccomp); under `baseline` the namespace still
   * warns and audits against `restricted`, so that every pod that needs the looser level is reported.
   */
  private namespaceMetadata(level: PodSecurityLevel): NamespaceV1Metadata {
    return {
      name: Lazy.stringValue({ produce: () => this.namespaceName }),
      labels: {
        [LABEL_NAME]: Lazy.stringValue({ produce: () => this.binding().name }),
        [LABEL_MANAGED_BY]: 'cdktf',
        'pod-security.kubernetes.io/enforce': level,
        'pod-security.kubernetes.io/enforce-version': 'latest',
        ...(level === PodSecurityLevel.RESTRICTED ? {} : {
          'pod-security.kubernetes.io/warn': PodSecurityLevel.RESTRICTED,
          'pod-security.kubernetes.io/warn-version': 'latest',
          'pod-security.kubernetes.io/audit': PodSecurityLevel.RESTRICTED,
          'pod-security.kubernetes.io/audit-version': 'latest',
        }),
      },
    };
  }

  /**
   * The level the namespace enforces: the given one, else `baseline` when a process, job or the release
   * runs as root (with a warning naming them), else `restricted`.
   */
  private applyPodSecurity(app: ResolvedApp): void {
    if (this.props.podSecurity !== undefined) return;
    const root = rootRunners(app);
    if (root.length === 0) return;
    Annotations.of(this).addWarning(`${root.join(', ')} run${root.length === 1 ? 's' : ''} as root (container.user '0'): the namespace enforces `
      + 'Pod Security baseline instead of restricted, and warns and audits against restricted. Run the image as a non-root user '
      + 'when it can, or set podSecurity: PodSecurityLevel.BASELINE to say this is intended.');
    this.namespace.putMetadata(this.namespaceMetadata(PodSecurityLevel.BASELINE));
  }

  /** The namespace name (once an app is bound). */
  public get namespaceName(): string {
    return this.props.namespace ?? this.binding().name;
  }

  /** A process's Service by its cluster DNS name: `http://<process>.<namespace>.svc.cluster.local:<port>`. */
  public internalUrl(processName: string, port: number): string {
    return `http://${processName}.${this.namespaceName}.svc.cluster.local:${port}`;
  }

  /**
   * Secrets and ConfigMaps first, then the cache and the release Job (app code waits for both),
   * then the other processes and the CronJobs.
   */
  private render(app: ResolvedApp): void {
    this.checkLate(app);
    this.applyPodSecurity(app);
    for (const group of groupsInUse(app)) this.secret(app, group);
    if (app.registries?.length) this.pullSecret = this.registrySecret(app);
    for (const file of app.files ?? []) this.configMap(app, file);
    const appCodeDependsOn: ITerraformDependable[] = [];
    if (app.persistentPaths?.length && this.props.sharedStorage) appCodeDependsOn.push(...this.sharedStorage(app, this.props.sharedStorage));
    const isCache = (proc: ResolvedProcess) => proc.role === ProcessRole.CACHE;
    for (const proc of app.processes.filter(isCache)) appCodeDependsOn.push(this.process(app, proc, []));
    if (app.release) appCodeDependsOn.push(this.release(app, app.release, appCodeDependsOn));
    for (const proc of app.processes.filter((x) => !isCache(x))) this.process(app, proc, appCodeDependsOn);
    for (const job of app.jobs) this.cronJob(app, job, appCodeDependsOn);
  }

  private secret(app: ResolvedApp, group: string): SecretV1 {
    const s = new SecretV1(this, `Secret-${group}`, {
      provider: this.cluster.kubernetesProvider,
      metadata: { name: truncatedName(`${app.name}-${group}`), namespace: this.namespace.metadata.name, labels: this.labels(app, group) },
      type: 'Opaque',
      data: Object.fromEntries(Object.entries(app.secretGroups[group] ?? {}).map(([k, v]) => [k, escapeTerraformTemplate(v)])),
    });
    this.secrets[group] = s;
    return s;
  }

  /** The registries' credentials as a `kubernetes.io/dockerconfigjson` Secret, named in every pod's `imagePullSecrets`. */
  private registrySecret(app: ResolvedApp): SecretV1 {
    return new SecretV1(this, 'RegistrySecret', {
      provider: this.cluster.kubernetesProvider,
      metadata: { name: truncatedName(`${app.name}-registry`), namespace: this.namespace.metadata.name, labels: this.labels(app, 'registry') },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': dockerConfigJson(app.registries ?? []) },
    });
  }

  private configMap(app: ResolvedApp, file: ResolvedFile): ConfigMapV1 {
    const c = new ConfigMapV1(this, `ConfigMap-${file.name}`, {
      provider: this.cluster.kubernetesProvider,
      metadata: { name: truncatedName(`${app.name}-${file.name}`), namespace: this.namespace.metadata.name, labels: this.labels(app, file.name) },
      // Terraform would read `${` in the text as a template: escaped (a script's own `${var}` stays as written)
      data: { [configMapKey(file)]: escapeTerraformTemplate(file.content) },
    });
    this.configMaps[file.name] = c;
    return c;
  }

  /** The release Job, which every app Deployment and CronJob waits for; a new image or command is a new Job. */
  private release(app: ResolvedApp, r: ResolvedRelease, dependsOn: readonly ITerraformDependable[]): JobV1 {
    const timeout = `${this.props.releaseTimeoutMinutes ?? 15}m`;
    this.releaseJob = new (workloads().JobV1)(this, 'Release', {
      provider: this.cluster.kubernetesProvider,
      metadata: { name: this.releaseJobName(app.name, r.image, r.command), namespace: this.namespace.metadata.name, labels: this.labels(app, 'release') },
      spec: {
        backoffLimit: 1,
        template: {
          metadata: { labels: this.labels(app, 'release') },
          spec: this.podSpec(app, {
            name: 'release', image: r.image, args: r.command,
            environment: r.environment, secretGroups: r.secretGroups, restartPolicy: 'Never', files: r.files, container: r.container,
            persistentPaths: r.persistentPaths,
          }),
        },
      },
      waitForCompletion: true,
      timeouts: { create: timeout, update: timeout },
      dependsOn: [...dependsOn],
    });
    return this.releaseJob;
  }

  /** A process's Deployment, Service (when it serves a port), disruption budget and, for web, autoscaler. */
  private process(app: ResolvedApp, proc: ResolvedProcess, appCodeDependsOn: readonly ITerraformDependable[]): DeploymentV1 {
    const input = this.processPod(proc);
    const replicas = proc.role === ProcessRole.CONNECTOR ? Math.max(proc.replicas, this.props.connectorReplicas ?? 2) : proc.replicas;
    const isWeb = proc.role === ProcessRole.WEB;
    const deployment = this.deployment(app, input, replicas, proc.isAppCode ? appCodeDependsOn : [], isWeb);
    if (proc.port !== undefined) this.service(app, proc.name, proc.port, proc.role === ProcessRole.CACHE ? 'redis' : 'http');
    this.disruptionBudget(app, proc.name, replicas);
    if (isWeb) this.webAutoscaler = this.autoscaler(app, proc, deployment);
    return deployment;
  }

  /** What a process's pods run, by its role: the connector is probed on its readiness port, the cache keeps its data directory. */
  private processPod(proc: ResolvedProcess): PodInput {
    const input: PodInput = {
      name: proc.name, image: proc.image, args: proc.command, environment: proc.environment, secretGroups: proc.secretGroups,
      resources: proc.resources, port: proc.port, healthCheck: proc.healthCheck, files: proc.files, container: proc.container,
      persistentPaths: proc.persistentPaths,
    };
    switch (proc.role) {
      case ProcessRole.CONNECTOR:
        return { ...input, healthCheck: connectorHealth(proc) };
      case ProcessRole.CACHE:
        return { ...input, resources: proc.resources ?? CACHE_RESOURCES, runAsUser: CACHE_USER, dataVolume: CACHE_DATA_PATH };
      default:
        return input;
    }
  }

  private autoscaler(app: ResolvedApp, proc: ResolvedProcess, deployment: DeploymentV1): HorizontalPodAutoscalerV2 {
    return new (workloads().HorizontalPodAutoscalerV2)(this, `Autoscaler-${proc.name}`, {
      provider: this.cluster.kubernetesProvider,
      metadata: { name: proc.name, namespace: this.namespace.metadata.name, labels: this.labels(app, proc.name) },
      spec: {
        minReplicas: proc.replicas,
        maxReplicas: this.props.webMaxReplicas ?? Math.min(100, Math.max(3, proc.replicas * 3)),
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name },
        metric: [{
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: this.props.webCpuTargetPercent ?? 70 } },
        }],
      },
    });
  }

  private cronJob(app: ResolvedApp, job: ResolvedJob, appCodeDependsOn: readonly ITerraformDependable[]): CronJobV1 {
    const history = this.props.jobHistoryLimit ?? 3;
    const c = new (workloads().CronJobV1)(this, `CronJob-${job.name}`, {
      provider: this.cluster.kubernetesProvider,
      metadata: { name: job.name, namespace: this.namespace.metadata.name, labels: this.labels(app, job.name) },
      spec: {
        schedule: job.schedule,
        // The CronJob's `timeZone` (GA since Kubernetes 1.27; DOKS runs 1.33): `spec.timezone` of kubernetes_cron_job_v1,
        // typed `CronJobV1Spec.timezone` (hashicorp/kubernetes 2.38.0, docs/resources/cron_job_v1.md: "`timezone` (String)
        // The time zone for the given schedule. If not specified, this will rely on the time zone of the
        // kube-controller-manager process."). UTC stays 'Etc/UTC', as it always was, not the controller's zone.
        timezone: isUtcZone(job.timeZone) ? UTC_ZONE : job.timeZone,
        // a job started by hand (a restore) is a suspended CronJob: `kubectl create job --from=cronjob/<name>` runs it
        suspend: job.onDemand ? true : undefined,
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 300,
        successfulJobsHistoryLimit: history,
        failedJobsHistoryLimit: history,
        jobTemplate: {
          metadata: { labels: this.labels(app, job.name) },
          spec: {
            backoffLimit: 1,
            template: {
              metadata: { labels: this.labels(app, job.name) },
              spec: this.podSpec(app, {
                name: job.name, image: job.image, args: job.command, environment: job.environment, secretGroups: job.secretGroups,
                resources: job.resources, restartPolicy: 'Never', files: job.files, container: job.container,
                persistentPaths: job.persistentPaths, entrypoint: job.entrypoint, stages: job.stages, scratch: job.scratch,
              }),
            },
          },
        },
      },
      dependsOn: job.isAppCode ? [...appCodeDependsOn] : undefined,
    });
    this.cronJobs[job.name] = c;
    return c;
  }

  /** Checks what is only known once the model is final. */
  private checkLate(app: ResolvedApp): void {
    const p = new Problems();
    const web = app.processes.find((x) => x.role === ProcessRole.WEB);
    if (web && this.props.webMaxReplicas !== undefined) {
      p.check(this.props.webMaxReplicas >= web.replicas, 'webMaxReplicas', this.props.webMaxReplicas,
        `is below the web replicas (${web.replicas}), the autoscaler's minimum`, `use ${web.replicas} or more, or lower processes.web.replicas`);
    }
    const processes = app.processes.filter((x) => x.role !== ProcessRole.CACHE);
    const names = new Set([...processes.map((x) => x.name), ...app.jobs.map((j) => j.name), ...(app.release ? ['release'] : [])]);
    (this.props.writableRootFilesystem ?? []).forEach((n, i) => p.check(names.has(n), `writableRootFilesystem[${i}]`, n,
      'is not a process or job of the app', `use one of: ${[...names].join(', ')}`));
    if (this.props.podSecurity === PodSecurityLevel.RESTRICTED) {
      for (const name of rootRunners(app)) {
        p.add(`${name}.container.user`, '0', 'is root, which the namespace\'s Pod Security level restricted refuses (the pods would never start)',
          'run the image as a non-root user (container.user such as \'1001:1001\'), or set podSecurity: PodSecurityLevel.BASELINE');
      }
    }
    app.jobs.forEach((j) => p.check(j.name.length <= 52, `jobs.${j.name}`, j.name, 'is longer than 52 characters, the limit of a CronJob name',
      'give the job a shorter name'));
    for (const kept of this.props.sharedStorage ? [] : app.persistentPaths ?? []) {
      p.add(`persistentPaths.${kept.name}`, kept.path,
        'cannot be shared by the pods of a Deployment: DigitalOcean block storage attaches to one node at a time (ReadWriteOnce)',
        'give the runtime shared storage, sharedStorage: NfsShare.fromShareName(stack, \'Files\', { name, region, host, mountPath }) (a DigitalOcean NFS share, ReadWriteMany), '
        + 'keep these files in object storage (S3 or Spaces), or run the app on DropletRuntime, where they live on the droplet\'s data volume');
    }
    p.throwIfAny(this);
  }

  /**
   * The shared storage of the persistent paths: a PersistentVolume of the NFS share (cluster-wide, named
   * after the namespace, reserved for the app's claim by `claim_ref`), the claim in the app's namespace
   * and, unless `prepareSharedStorage` is false, the Job that prepares the directories. Returns what app
   * code waits for.
   */
  private sharedStorage(app: ResolvedApp, share: INfsMountSource): ITerraformDependable[] {
    const provider = this.cluster.kubernetesProvider;
    const capacity = `${Token.isUnresolved(share.sizeGib) ? Token.asString(share.sizeGib) : share.sizeGib}Gi`;
    const claimName = truncatedName(`${app.name}-files`);
    const pvName = truncatedName(`${this.namespaceName}-files`);
    this.sharedVolume = new PersistentVolumeV1(this, 'SharedVolume', {
      provider,
      metadata: { name: pvName, labels: this.labels(app, 'files') },
      spec: [{
        capacity: { storage: capacity },
        accessModes: ['ReadWriteMany'],
        // the files outlive the claim: deleting it leaves the volume (and the share) alone
        persistentVolumeReclaimPolicy: 'Retain',
        // no class: the claim binds to this volume only, no provisioner makes a block volume for it
        storageClassName: '',
        // DigitalOcean NFS "supports NFSv4.1" (docs.digitalocean.com/products/nfs/details/features/)
        mountOptions: ['nfsvers=4.1'],
        claimRef: { name: claimName, namespace: this.namespace.metadata.name },
        persistentVolumeSource: { nfs: { server: share.host, path: share.mountPath } },
      }],
    });
    this.sharedVolumeClaim = new PersistentVolumeClaimV1(this, 'SharedVolumeClaim', {
      provider,
      metadata: { name: claimName, namespace: this.namespace.metadata.name, labels: this.labels(app, 'files') },
      spec: {
        accessModes: ['ReadWriteMany'],
        storageClassName: '',
        volumeName: this.sharedVolume.metadata.name,
        resources: { requests: { storage: capacity } },
      },
      waitUntilBound: true,
    });
    if (this.props.prepareSharedStorage === false) return [this.sharedVolumeClaim];
    return [this.sharedVolumeClaim, this.storageInit(app, share)];
  }

  /**
   * A root Job, in a `baseline` namespace of its own, that creates each persistent path's directory on the
   * share and gives it to the runtime's user and group; named after the directories and the owner, so that
   * a new path or user runs it again.
   */
  private storageInit(app: ResolvedApp, share: INfsMountSource): JobV1 {
    const provider = this.cluster.kubernetesProvider;
    const uid = this.props.runAsUser ?? 10001;
    const names = (app.persistentPaths ?? []).map((x) => x.name);
    const namespace = new NamespaceV1(this, 'StorageNamespace', {
      provider,
      metadata: {
        name: truncatedName(`${this.namespaceName}-storage`),
        labels: {
          [LABEL_NAME]: app.name,
          [LABEL_MANAGED_BY]: 'cdktf',
          'pod-security.kubernetes.io/enforce': PodSecurityLevel.BASELINE,
          'pod-security.kubernetes.io/enforce-version': 'latest',
        },
      },
    });
    const script = names.map((n) => `mkdir -p /share/${n} && chown ${uid}:${uid} /share/${n} && chmod 2770 /share/${n}`).join(' && ');
    const hash = createHash('sha256').update(JSON.stringify([names, uid])).digest('hex').slice(0, 8);
    this.sharedStorageInit = new (workloads().JobV1)(this, 'StorageInit', {
      provider,
      metadata: { name: `storage-init-${hash}`, namespace: namespace.metadata.name, labels: this.labels(app, 'storage-init') },
      spec: {
        backoffLimit: 2,
        template: {
          metadata: { labels: this.labels(app, 'storage-init') },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            restartPolicy: 'Never',
            container: [{
              name: 'storage-init',
              image: STORAGE_INIT_IMAGE,
              command: ['sh', '-c', script],
              securityContext: {
                runAsUser: '0',
                runAsNonRoot: false,
                allowPrivilegeEscalation: false,
                privileged: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'], add: ['CHOWN', 'FOWNER', 'DAC_OVERRIDE'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
              resources: { limits: { cpu: '100m', memory: '32Mi' }, requests: { cpu: '10m', memory: '32Mi' } },
              volumeMount: [{ name: 'share', mountPath: '/share' }],
            }],
            volume: [{ name: 'share', nfs: { server: share.host, path: share.mountPath } }],
          },
        },
      },
      waitForCompletion: true,
      timeouts: { create: '5m', update: '5m' },
    });
    return this.sharedStorageInit;
  }

  private deployment(app: ResolvedApp, input: PodInput, replicas: number, dependsOn: readonly ITerraformDependable[], isWeb = false): DeploymentV1 {
    const labels = this.labels(app, input.name);
    const d = new (workloads().DeploymentV1)(this, `Deployment-${input.name}`, {
      provider: this.cluster.kubernetesProvider,
      metadata: { name: input.name, namespace: this.namespace.metadata.name, labels },
      spec: {
        replicas: String(replicas),
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector(app, input.name) },
        strategy: {
          type: input.dataVolume ? 'Recreate' : 'RollingUpdate',
          rollingUpdate: input.dataVolume ? undefined : { maxSurge: '25%', maxUnavailable: '0' },
        },
        template: {
          metadata: { labels, annotations: this.fileChecksums(app, input.files) },
          spec: this.podSpec(app, { ...input, spread: replicas > 1 }),
        },
      },
      waitForRollout: true,
      dependsOn: dependsOn.length ? [...dependsOn] : undefined,
      // The autoscaler owns the web replica count after the first apply.
      lifecycle: isWeb ? { ignoreChanges: ['spec[0].replicas'] } : undefined,
    });
    this.deployments[input.name] = d;
    return d;
  }

  private service(app: ResolvedApp, name: string, port: number, portName: string): ServiceV1 {
    const s = new ServiceV1(this, `Service-${name}`, {
      provider: this.cluster.kubernetesProvider,
      metadata: { name, namespace: this.namespace.metadata.name, labels: this.labels(app, name) },
      spec: {
        type: 'ClusterIP',
        selector: selector(app, name),
        port: [{ name: portName, port, targetPort: String(port), protocol: 'TCP' }],
      },
    });
    this.services[name] = s;
    return s;
  }

  /** Keeps a replica up through node drains: at least one available when there are several, else at most one down. */
  private disruptionBudget(app: ResolvedApp, name: string, replicas: number): PodDisruptionBudgetV1 {
    const pdb = new PodDisruptionBudgetV1(this, `DisruptionBudget-${name}`, {
      provider: this.cluster.kubernetesProvider,
      metadata: { name, namespace: this.namespace.metadata.name, labels: this.labels(app, name) },
      spec: {
        selector: { matchLabels: selector(app, name) },
        ...(replicas > 1 ? { minAvailable: '1' } : { maxUnavailable: '1' }),
      },
    });
    this.disruptionBudgets[name] = pdb;
    return pdb;
  }

  /** The pod's volumes and the container's mounts: /tmp, the data volume, and each public file read-only at its path. */
  private podVolumes(app: ResolvedApp, input: PodInput): { volumes: Volume[]; mounts: VolumeMount[] } {
    const volumes: Volume[] = [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }];
    const mounts: VolumeMount[] = [{ name: 'tmp', mountPath: '/tmp' }];
    if (input.dataVolume) {
      volumes.push({ name: 'data', emptyDir: { sizeLimit: '1Gi' } });
      mounts.push({ name: 'data', mountPath: input.dataVolume });
    }
    // the process's writable paths: one empty scratch volume each (/tmp is there already)
    const scratch = [...new Set((input.container?.writablePaths ?? []).map(cleanPath))].filter((x) => x !== '/tmp');
    scratch.forEach((path, i) => {
      volumes.push({ name: `scratch-${i + 1}`, emptyDir: { sizeLimit: SCRATCH_SIZE_LIMIT } });
      mounts.push({ name: `scratch-${i + 1}`, mountPath: path });
    });
    // persistent paths: the subdirectory <name> of the shared storage's claim each, read-write
    const kept = (app.persistentPaths ?? []).filter((x) => input.persistentPaths?.includes(x.name));
    if (kept.length > 0 && this.sharedVolumeClaim) {
      volumes.push({ name: SHARED_VOLUME, persistentVolumeClaim: { claimName: this.sharedVolumeClaim.metadata.name } });
      for (const x of kept) mounts.push({ name: SHARED_VOLUME, mountPath: cleanPath(x.path), subPath: x.name });
    }
    // public files: one file of a ConfigMap each, read-only, at its own path
    for (const file of this.mountedFiles(app, input)) {
      const key = configMapKey(file);
      const volume = `file-${file.name}`.slice(0, 63).replace(/-+$/, '');
      volumes.push({
        name: volume,
        configMap: { name: this.configMaps[file.name].metadata.name, defaultMode: '0444', items: [{ key, path: key }] },
      });
      mounts.push({ name: volume, mountPath: file.path, subPath: key, readOnly: true });
    }
    return { volumes, mounts };
  }

  private podSpec(app: ResolvedApp, input: PodInput): PodSpec {
    // the process's own user wins over the runtime's; its group is the user id unless it gives one
    const user = parseUser(input.container?.user);
    const uid = user?.uid ?? input.runAsUser ?? this.props.runAsUser ?? 10001;
    const gid = user?.gid ?? uid;
    const root = uid === 0;
    const readOnly = input.container?.readOnlyRootFilesystem
      ?? ((this.props.readOnlyRootFilesystem ?? true) && !(this.props.writableRootFilesystem ?? []).includes(input.name));
    const { volumes, mounts } = this.podVolumes(app, input);
    const probes = input.healthCheck && input.restartPolicy === undefined ? this.probes(input.healthCheck) : {};
    if (input.scratch) {
      volumes.push({ name: 'scratch', emptyDir: { sizeLimit: `${input.scratch.sizeMib}Mi` } });
      mounts.push({ name: 'scratch', mountPath: input.scratch.path });
    }
    const container: Container = {
      name: input.name,
      image: input.image,
      imagePullPolicy: 'IfNotPresent',
      // Terraform reads `${` and `%{` in any string as template syntax: the app's own text (a shell `${VAR}`) is escaped
      command: input.entrypoint ? input.entrypoint.map(escapeTerraformTemplate) : undefined,
      args: input.args ? input.args.map(escapeTerraformTemplate) : undefined,
      env: Object.keys(input.environment).length
        ? Object.entries(input.environment).map(([name, value]) => ({ name, value: escapeTerraformTemplate(value) }))
        : undefined,
      envFrom: input.secretGroups.length
        ? input.secretGroups.map((g) => ({ secretRef: { name: this.secretName(g) } }))
        : undefined,
      port: input.port !== undefined ? [{ name: 'http', containerPort: input.port, protocol: 'TCP' }] : undefined,
      resources: this.resources(input.resources),
      securityContext: {
        runAsNonRoot: !root,
        runAsUser: String(uid),
        runAsGroup: String(gid),
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: readOnly,
        capabilities: root ? { drop: ['ALL'], add: [...ROOT_CAPABILITIES] } : { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      },
      volumeMount: mounts,
      ...probes,
    };
    return {
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      restartPolicy: input.restartPolicy,
      imagePullSecrets: this.pullSecret ? [{ name: this.pullSecret.metadata.name }] : undefined,
      terminationGracePeriodSeconds: 30,
      securityContext: {
        runAsNonRoot: !root,
        runAsUser: String(uid),
        runAsGroup: String(gid),
        fsGroup: String(gid),
        seccompProfile: { type: 'RuntimeDefault' },
      },
      // a job's stages: init containers, each its own image, command and user, with the job's environment and mounts
      initContainer: input.stages?.length
        ? input.stages.map((st) => {
          const own = parseUser(st.container?.user);
          const stageUid = own?.uid ?? uid;
          return {
            ...container,
            name: st.name,
            image: st.image,
            command: st.entrypoint ? [...st.entrypoint] : undefined,
            args: [...st.command],
            securityContext: {
              ...container.securityContext,
              runAsNonRoot: stageUid !== 0,
              runAsUser: String(stageUid),
              runAsGroup: String(own?.gid ?? stageUid),
              readOnlyRootFilesystem: st.container?.readOnlyRootFilesystem ?? readOnly,
            },
          };
        })
        : undefined,
      container: [container],
      volume: volumes,
      topologySpreadConstraint: input.spread
        ? [{
          maxSkew: 1,
          topologyKey: 'kubernetes.io/hostname',
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: [{ matchLabels: selector(app, input.name) }],
        }]
        : undefined,
    };
  }

  /**
   * Startup probe: allows `startPeriodSeconds` (checked every 5 s) before the
   * other probes start. Readiness: takes the pod out of its Service after
   * `retries` failures. Liveness: restarts the container after `retries` failures.
   */
  private probes(h: ResolvedHealthCheck): Pick<Container, 'startupProbe' | 'readinessProbe' | 'livenessProbe'> {
    const action: Pick<Probe, 'httpGet' | 'exec'> = h.command !== undefined
      ? { exec: { command: h.command.map(escapeTerraformTemplate) } }
      : { httpGet: { path: h.httpPath, port: String(h.port) } };
    const timeoutSeconds = h.timeoutSeconds;
    return {
      startupProbe: {
        ...action, periodSeconds: 5, timeoutSeconds, failureThreshold: Math.ceil(h.startPeriodSeconds / 5) + h.retries,
      },
      readinessProbe: { ...action, periodSeconds: Math.min(h.intervalSeconds, 10), timeoutSeconds, failureThreshold: h.retries },
      livenessProbe: { ...action, periodSeconds: h.intervalSeconds, timeoutSeconds, failureThreshold: h.retries },
    };
  }

  private resources(r: ResourceLimits | undefined): Container['resources'] {
    const limits = r ?? this.props.defaultResources ?? { cpus: 1, memoryMib: 512 };
    const fraction = this.props.cpuRequestFraction ?? 0.25;
    const cpuLimit = Math.max(1, Math.round(limits.cpus * 1000));
    const cpuRequest = Math.max(10, Math.round(cpuLimit * fraction));
    return {
      limits: { cpu: `${cpuLimit}m`, memory: `${limits.memoryMib}Mi` },
      requests: { cpu: `${cpuRequest}m`, memory: `${limits.memoryMib}Mi` },
    };
  }

  /** The app files a pod mounts, in the order of `ResolvedApp.files`. */
  private mountedFiles(app: ResolvedApp, input: PodInput): ResolvedFile[] {
    const names = input.files ?? [];
    const files = (app.files ?? []).filter((f) => names.includes(f.name));
    const unknown = names.filter((n) => !files.some((f) => f.name === n));
    if (unknown.length > 0) {
      throw new ErpValidationError(this.node.path, [{
        prop: `${input.name}.files`, value: unknown.join(', '), problem: 'names a file the app does not have',
        fix: 'report this: every file a process mounts is one of the app files',
      }]);
    }
    return files;
  }

  /** `checksum/<file>`: the SHA-256 of each mounted file, so that a changed file rolls the Deployment's pods. */
  private fileChecksums(app: ResolvedApp, names: readonly string[] | undefined): Record<string, string> | undefined {
    const files = (app.files ?? []).filter((f) => names?.includes(f.name));
    if (files.length === 0) return undefined;
    return Object.fromEntries(files.map((f) => [
      `checksum/${f.name}`,
      Token.isUnresolved(f.content) ? Fn.sha256(f.content) : createHash('sha256').update(f.content).digest('hex'),
    ]));
  }

  /** A secret group's Secret name, referenced through the resource so that pods wait for it. */
  private secretName(group: string): string {
    const s = this.secrets[group];
    if (s === undefined) {
      throw new ErpValidationError(this.node.path, [{
        prop: 'secretGroups', value: group, problem: 'is read by a process but has no values', fix: 'report this: every group in use gets a Secret',
      }]);
    }
    return s.metadata.name;
  }

  /** `<app>-release-<8 hex of sha256(image, command)>`: a new image or command is a new Job, which runs again. */
  private releaseJobName(app: string, image: string, command: readonly string[]): string {
    const prefix = `${app.slice(0, 45).replace(/-+$/, '')}-release-`;
    if (Token.isUnresolved(image) || command.some((c) => Token.isUnresolved(c))) {
      return `${prefix}${Fn.substr(Fn.sha256(Fn.jsonencode([image, ...command])), 0, 8)}`;
    }
    return `${prefix}${createHash('sha256').update(JSON.stringify([image, ...command])).digest('hex').slice(0, 8)}`;
  }

  private labels(app: ResolvedApp, component: string): Record<string, string> {
    return { ...selector(app, component), [LABEL_MANAGED_BY]: 'cdktf' };
  }
}

/** The processes, jobs and release (by name) whose container settings ask for root (user id 0). */
function rootRunners(app: ResolvedApp): string[] {
  const isRoot = (c: ContainerSettings | undefined) => parseUser(c?.user)?.uid === 0;
  return [
    ...app.processes.filter((x) => isRoot(x.container)).map((x) => x.name),
    ...(app.release && isRoot(app.release.container) ? ['release'] : []),
    ...app.jobs.filter((j) => isRoot(j.container)).map((j) => j.name),
  ];
}

/** A Kubernetes object name of at most 63 characters, without a trailing `-`. */
function truncatedName(name: string): string {
  return name.slice(0, 63).replace(/-+$/, '');
}

function selector(app: ResolvedApp, component: string): Record<string, string> {
  return { [LABEL_NAME]: app.name, [LABEL_COMPONENT]: component };
}

/** The ConfigMap key of a file: its name with the extension of its path (`database-ca.pem`). */
function configMapKey(file: ResolvedFile): string {
  return `${file.name}${posix.extname(file.path)}`;
}

/** The connector serves `/ready` on its metrics address (`--metrics 0.0.0.0:<port>`): 200 once it holds a tunnel connection. */
function connectorHealth(proc: ResolvedProcess): ResolvedHealthCheck | undefined {
  const args = proc.command ?? [];
  const i = args.indexOf('--metrics');
  const port = i >= 0 ? Number((args[i + 1] ?? '').split(':').pop()) : NaN;
  if (!Number.isInteger(port) || port <= 0) return proc.healthCheck;
  return {
    httpPath: CONNECTOR_READY_PATH, port, intervalSeconds: 15, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 20,
  };
}
