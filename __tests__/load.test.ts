import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

// What loading the library costs: run on the compiled library (`npm test` builds it first).
const ROOT = resolve(__dirname, '..');
const LIB = join(ROOT, 'dist', 'lib', 'index.js');

function loadedModules(script: string): string[] {
  if (!existsSync(LIB)) throw new Error(`${LIB} is missing: run "npm run build" first (npm test does)`);
  const out = execFileSync(process.execPath, ['-e', `${script}; process.stdout.write(JSON.stringify(Object.keys(require.cache)))`], {
    cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH, NODE_DISABLE_COMPILE_CACHE: '1' },
  });
  return (JSON.parse(out) as string[]).map((f) => f.split('node_modules/').pop()!);
}

const WORKLOADS = /@cdktf\/provider-kubernetes\/lib\/(deployment-v1|cron-job-v1|job-v1|horizontal-pod-autoscaler-v2)\/index\.js$/;
const RDS = /@cdktf\/provider-aws\/lib\/(db-instance|db-parameter-group|db-subnet-group)\/index\.js$/;

describe('loading the library', () => {
  test('importing it does not load the Kubernetes workload bindings (about 15 MB of JavaScript)', () => {
    expect(loadedModules(`require(${JSON.stringify(LIB)})`).filter((f) => WORKLOADS.test(f))).toEqual([]);
  });

  test('an app service on droplets does not load the RDS bindings', () => {
    const appService = join(ROOT, 'dist', 'lib', 'app-service', 'app-service.js');
    expect(loadedModules(`require(${JSON.stringify(appService)})`).filter((f) => RDS.test(f))).toEqual([]);
  });

  test('synthesizing the ha stack loads the workload bindings it uses', () => {
    const script = `const { App } = require('cdktf'); const app = new App({ outdir: require('os').tmpdir() + '/erp-load-test' });`
      + ` require(${JSON.stringify(join(ROOT, 'dist', 'main.js'))}).main(app); app.synth()`;
    expect(loadedModules(script).filter((f) => WORKLOADS.test(f))).toHaveLength(4);
  });
});
