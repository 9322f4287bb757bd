/**
 * Per-process container settings (`container: { user, readOnlyRootFilesystem, writablePaths }`) on
 * every runtime, their validation, and the HA tier of the built-in example, which runs phpMyAdmin.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { AnnotationMetadataEntryType, App, TerraformStack, Testing } from 'cdktf';
import Ajv from 'ajv';
import {
  ContainerSettings, DockerRuntime, ErpAppService, ErpAppServiceProps, KubernetesCluster, KubernetesRuntime, KubernetesRuntimeProps,
  PodSecurityLevel, ProcessRole, ResolvedApp,
} from '../lib/app-service';
import { composeDocument } from '../lib/app-service/runtimes/droplet/private/compose';
import { DoRegion } from '../lib/common/region';
import { ErpValidationError } from '../lib/errors';
import { LARAVEL_INVOICING_EXAMPLE, buildStacks } from '../stacks';
import { validateAppDescription } from '../stacks/description/validate';

type Json = Record<string, any>;

const SETTINGS: ContainerSettings = { user: '1001:1001', readOnlyRootFilesystem: true, writablePaths: ['/app/.next/cache'] };
const LENDER = 'ghcr.io/escalafin/lender:3.1.0';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ErpValidationError) return err.problems.map((p) => `${p.prop}: ${p.problem}`);
    throw err;
  }
  throw new Error('expected an ErpValidationError');
}

/** The Next.js lender app on Kubernetes: web with the given settings, a worker without. */
function kubernetesStack(container: ContainerSettings | undefined, runtimeProps: Partial<KubernetesRuntimeProps> = {}, extra: Partial<ErpAppServiceProps> = {}) {
  const stack = new TerraformStack(Testing.app(), 'ha');
  const cluster = KubernetesCluster.fromClusterName(stack, 'Cluster', { name: 'lender-ha', region: DoRegion.FRA1 });
  const runtime = new KubernetesRuntime(stack, 'Runtime', { cluster, ...runtimeProps });
  new ErpAppService(stack, 'App', {
    name: 'lender',
    runtime,
    processes: {
      web: { image: LENDER, port: 3000, healthCheck: { path: '/api/health' }, container },
      workers: [{ name: 'mailer', command: ['node', 'mailer.js'] }],
    },
    ...extra,
  });
  return { stack, runtime };
}

function synth(stack: TerraformStack): Json {
  return JSON.parse(Testing.synth(stack));
}

function deployment(json: Json, name: string): Json {
  return Object.values<Json>(json.resource.kubernetes_deployment_v1).find((d) => d.metadata.name === name)!;
}

function podOf(d: Json): Json {
  return d.spec.template.spec;
}

function namespaceLabels(json: Json): Record<string, string> {
  return Object.values<Json>(json.resource.kubernetes_namespace_v1)[0].metadata.labels;
}

function warnings(stack: TerraformStack): string[] {
  return stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data)));
}

describe('container settings on Kubernetes', () => {
  test('a process with user 1001:1001 and a writable path gets exactly that user, group and an emptyDir there', () => {
    const { stack } = kubernetesStack(SETTINGS);
    const pod = podOf(deployment(synth(stack), 'web'));
    const [container] = pod.container;
    expect(pod.security_context).toMatchObject({ run_as_non_root: true, run_as_user: '1001', run_as_group: '1001', fs_group: '1001' });
    expect(container.security_context).toMatchObject({
      run_as_non_root: true, run_as_user: '1001', run_as_group: '1001', read_only_root_filesystem: true,
      allow_privilege_escalation: false, capabilities: { drop: ['ALL'] },
    });
    expect(pod.volume).toEqual([
      { name: 'tmp', empty_dir: { size_limit: '256Mi' } },
      { name: 'scratch-1', empty_dir: { size_limit: '256Mi' } },
    ]);
    expect(container.volume_mount).toEqual([
      { name: 'tmp', mount_path: '/tmp' },
      { name: 'scratch-1', mount_path: '/app/.next/cache' },
    ]);
  });

  test('a process that sets nothing keeps the runtime defaults: uid 10001, read-only root, /tmp only, namespace restricted', () => {
    const { stack } = kubernetesStack(SETTINGS);
    const json = synth(stack);
    const pod = podOf(deployment(json, 'mailer'));
    expect(pod.security_context).toEqual({
      run_as_non_root: true, run_as_user: '10001', run_as_group: '10001', fs_group: '10001', seccomp_profile: { type: 'RuntimeDefault' },
    });
    expect(pod.container[0].security_context.read_only_root_filesystem).toBe(true);
    expect(pod.volume).toEqual([{ name: 'tmp', empty_dir: { size_limit: '256Mi' } }]);
    expect(namespaceLabels(json)['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(Object.keys(namespaceLabels(json))).not.toContain('pod-security.kubernetes.io/warn');
  });

  test('the process\'s read-only flag wins over the runtime\'s, both ways', () => {
    const { stack } = kubernetesStack({ readOnlyRootFilesystem: false }, { writableRootFilesystem: ['mailer'] });
    const json = synth(stack);
    expect(podOf(deployment(json, 'web')).container[0].security_context.read_only_root_filesystem).toBe(false);
    expect(podOf(deployment(json, 'mailer')).container[0].security_context.read_only_root_filesystem).toBe(false);
    const strict = kubernetesStack({ readOnlyRootFilesystem: true }, { readOnlyRootFilesystem: false });
    expect(podOf(deployment(synth(strict.stack), 'web')).container[0].security_context.read_only_root_filesystem).toBe(true);
  });

  test('a root process runs with the capabilities a root image needs, and the namespace enforces baseline with a warning', () => {
    const { stack } = kubernetesStack({ user: '0', readOnlyRootFilesystem: false });
    const json = synth(stack);
    const pod = podOf(deployment(json, 'web'));
    expect(pod.security_context).toMatchObject({ run_as_non_root: false, run_as_user: '0', run_as_group: '0' });
    expect(pod.container[0].security_context).toMatchObject({
      run_as_non_root: false, run_as_user: '0', allow_privilege_escalation: false, privileged: false, read_only_root_filesystem: false,
      capabilities: { drop: ['ALL'], add: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'NET_BIND_SERVICE', 'SETGID', 'SETUID'] },
    });
    expect(namespaceLabels(json)).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
    expect(warnings(stack).join('\n')).toMatch(/web runs as root .*baseline/);
    // the other processes keep the restricted settings
    expect(podOf(deployment(json, 'mailer')).container[0].security_context.capabilities).toEqual({ drop: ['ALL'] });
  });

  test('podSecurity BASELINE given explicitly enforces baseline without a warning', () => {
    const { stack } = kubernetesStack({ user: '0' }, { podSecurity: PodSecurityLevel.BASELINE });
    expect(namespaceLabels(synth(stack))['pod-security.kubernetes.io/enforce']).toBe('baseline');
    expect(warnings(stack).join('\n')).not.toMatch(/runs as root/);
  });

  test('fails with a root process when podSecurity is RESTRICTED', () => {
    const { stack } = kubernetesStack({ user: '0:0' }, { podSecurity: PodSecurityLevel.RESTRICTED });
    expect(problemsOf(() => Testing.synth(stack))).toEqual([expect.stringMatching(/^web\.container\.user: is root, which .*restricted refuses/)]);
  });
});

describe('container settings on droplets (Compose)', () => {
  const { $schema: _draft, ...SCHEMA } = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'schemas', 'compose-spec.json'), 'utf8'));

  /** A resolved app of web (with `container`), a worker without, a release and a job with settings. */
  function app(container: ContainerSettings | undefined): ResolvedApp {
    const base = { environment: {}, secretGroups: [], isAppCode: true };
    return {
      name: 'lender',
      processes: [
        { ...base, name: 'web', role: ProcessRole.WEB, image: LENDER, port: 3000, replicas: 1, container },
        { ...base, name: 'mailer', role: ProcessRole.WORKER, image: LENDER, command: ['node', 'mailer.js'], replicas: 1 },
      ],
      jobs: [{ ...base, name: 'rates', schedule: '0 3 * * *', timeZone: 'Etc/UTC', image: LENDER, command: ['node', 'rates.js'], container }],
      release: { ...base, image: LENDER, command: ['npx', 'prisma', 'migrate', 'deploy'], container },
      secretGroups: {},
      databases: [],
      hasManagedCache: true,
    };
  }

  test('a process with user 1001:1001 and a writable path gets user, read_only and a tmpfs there, and the document stays valid', () => {
    const doc = composeDocument(app(SETTINGS), { primary: true, logMaxSizeMib: 10, logMaxFiles: 3 }) as Json;
    for (const name of ['web', 'release', 'rates']) {
      expect(doc.services[name]).toMatchObject({ user: '1001:1001', read_only: true, tmpfs: ['/app/.next/cache'] });
    }
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(SCHEMA);
    validate(doc);
    expect(ajv.errorsText(validate.errors)).toBe('No errors');
    // the schema would catch a malformed setting
    expect(validate({ ...doc, services: { web: { ...doc.services.web, read_only: ['yes'] } } })).toBe(false);
  });

  test('a process that sets nothing gets no user, read_only or tmpfs key', () => {
    const doc = composeDocument(app(undefined), { primary: true, logMaxSizeMib: 10, logMaxFiles: 3 }) as Json;
    for (const name of ['web', 'mailer', 'release', 'rates']) {
      expect(Object.keys(doc.services[name])).not.toEqual(expect.arrayContaining(['user']));
      expect(doc.services[name].read_only).toBeUndefined();
      expect(doc.services[name].tmpfs).toBeUndefined();
    }
  });
});

describe('container settings on a local Docker engine', () => {
  function dockerStack(container: ContainerSettings | undefined): Json {
    const stack = new TerraformStack(Testing.app(), 'local');
    new DockerProvider(stack, 'docker', {});
    const runtime = new DockerRuntime(stack, 'Runtime', {});
    new ErpAppService(stack, 'App', {
      name: 'lender',
      runtime,
      processes: {
        web: { image: LENDER, port: 3000, healthCheck: { path: '/api/health' }, container },
        workers: [{ name: 'mailer', command: ['node', 'mailer.js'] }],
        release: { command: ['npx', 'prisma', 'migrate', 'deploy'], container },
      },
    });
    return synth(stack);
  }

  function containers(json: Json): Record<string, Json> {
    return Object.fromEntries(Object.values<Json>(json.resource.docker_container).map((c) => [c.name, c]));
  }

  test('a process with user 1001:1001 and a writable path gets the container\'s user, read_only and tmpfs', () => {
    const all = containers(dockerStack(SETTINGS));
    for (const name of ['lender-web', 'lender-release']) {
      expect(all[name]).toMatchObject({ user: '1001:1001', read_only: true, tmpfs: { '/app/.next/cache': 'rw' } });
    }
    expect(all['lender-mailer'].user).toBeUndefined();
  });

  test('a process that sets nothing gets no user, read_only or tmpfs', () => {
    for (const c of Object.values(containers(dockerStack(undefined)))) {
      expect([c.user, c.read_only, c.tmpfs]).toEqual([undefined, undefined, undefined]);
    }
  });
});

describe('validation of container settings', () => {
  test('fails with a non-numeric user, a relative, a system and a repeated writable path, all in one error', () => {
    const problems = problemsOf(() => kubernetesStack({ user: 'www-data', writablePaths: ['run/app', '/etc', '/var/', '/sessions', '/sessions/'] }));
    expect(problems).toEqual([
      expect.stringMatching(/^processes\.web\.container\.user: is not a numeric user/),
      expect.stringMatching(/^processes\.web\.container\.writablePaths\[0\]: is not an absolute directory/),
      expect.stringMatching(/^processes\.web\.container\.writablePaths\[1\]: is a system directory/),
      expect.stringMatching(/^processes\.web\.container\.writablePaths\[2\]: is a system directory/),
      expect.stringMatching(/^processes\.web\.container\.writablePaths\[4\]: is given twice/),
    ]);
  });

  test('fails with a user id above the 32-bit limit, a read-only flag that is not a boolean and an unknown setting', () => {
    const problems = problemsOf(() => kubernetesStack({ user: '1001:99999999999', readOnlyRootFilesystem: 'yes', privileged: true } as never));
    expect(problems).toEqual([
      expect.stringMatching(/^processes\.web\.container\.privileged: is not a container setting/),
      expect.stringMatching(/^processes\.web\.container\.user: is not a numeric user/),
      expect.stringMatching(/^processes\.web\.container\.readOnlyRootFilesystem: is not a boolean/),
    ]);
  });

  test('fails with a writable path that is also a persistent path of the app', () => {
    const problems = problemsOf(() => kubernetesStack({ writablePaths: ['/app/uploads'] }, {}, { persistentPaths: { uploads: '/app/uploads' } }));
    expect(problems).toEqual([expect.stringMatching(/^processes\.web\.container\.writablePaths\[0\]: is also a persistent path/)]);
  });
});

describe('container settings in the app description', () => {
  const withPma = (container: unknown) => ({
    ...LARAVEL_INVOICING_EXAMPLE,
    adminTools: [{ ...LARAVEL_INVOICING_EXAMPLE.adminTools![0], container }],
  });

  test('the built-in example validates with its container settings', () => {
    expect(() => validateAppDescription(LARAVEL_INVOICING_EXAMPLE)).not.toThrow();
  });

  test('fails with a non-numeric user, a relative and a system writable path on an admin tool and a worker', () => {
    const d = {
      ...withPma({ user: 'root', writablePaths: ['sessions', '/usr'] }),
      processes: { ...LARAVEL_INVOICING_EXAMPLE.processes, workers: [{ name: 'queue', command: ['php', 'artisan', 'queue:work'], container: { user: '1001:www' } }] },
    };
    const problems = problemsOf(() => validateAppDescription(d));
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^processes\.workers\[0\]\.container\.user: is not a numeric user/),
      expect.stringMatching(/^adminTools\[0\]\.container\.user: is not a numeric user/),
      expect.stringMatching(/^adminTools\[0\]\.container\.writablePaths\[0\]: is not an absolute directory/),
      expect.stringMatching(/^adminTools\[0\]\.container\.writablePaths\[1\]: is a system directory/),
    ]));
    expect(problems).toHaveLength(4);
  });

  test('fails with a container that is not an object, or has a field it does not know', () => {
    expect(problemsOf(() => validateAppDescription(withPma('root')))).toEqual([expect.stringMatching(/^adminTools\[0\]\.container: is not container settings/)]);
    expect(problemsOf(() => validateAppDescription(withPma({ runAsRoot: true })))).toEqual([
      expect.stringMatching(/^adminTools\[0\]\.container\.runAsRoot: is not a container setting/),
    ]);
  });
});

describe('the HA tier of the built-in example', () => {
  const app = Testing.app() as App;
  const ha = buildStacks(app, LARAVEL_INVOICING_EXAMPLE, {}).find((s) => s.stackName === 'ha')!;
  const json = synth(ha);

  test('runs phpMyAdmin as root with a writable root filesystem and the capabilities Apache needs, in a baseline namespace', () => {
    const pod = podOf(deployment(json, 'pma'));
    expect(pod.security_context).toMatchObject({ run_as_non_root: false, run_as_user: '0', run_as_group: '0' });
    expect(pod.container[0].security_context).toEqual({
      run_as_non_root: false, run_as_user: '0', run_as_group: '0', allow_privilege_escalation: false, privileged: false,
      read_only_root_filesystem: false,
      capabilities: { drop: ['ALL'], add: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'NET_BIND_SERVICE', 'SETGID', 'SETUID'] },
      seccomp_profile: { type: 'RuntimeDefault' },
    });
    expect(pod.container[0].port).toEqual([{ name: 'http', container_port: 80, protocol: 'TCP' }]);
    expect(namespaceLabels(json)['pod-security.kubernetes.io/enforce']).toBe('baseline');
    expect(warnings(ha).join('\n')).toMatch(/pma runs as root/);
  });

  test('runs web as uid 10001 on a read-only root filesystem with scratch space for nginx and Blade views', () => {
    const pod = podOf(deployment(json, 'web'));
    expect(pod.container[0].security_context).toMatchObject({ run_as_non_root: true, run_as_user: '10001', read_only_root_filesystem: true, capabilities: { drop: ['ALL'] } });
    expect(pod.container[0].volume_mount.map((m: Json) => m.mount_path)).toEqual(
      expect.arrayContaining(['/tmp', '/run', '/var/lib/nginx', '/var/www/html/storage/framework/views']),
    );
  });
});
