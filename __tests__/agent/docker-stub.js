#!/usr/bin/env node
/**
 * A recording stand-in for the `docker` CLI, for the agent's tests on machines
 * without a Docker engine. It logs every call (one line, arguments joined by
 * spaces, after `[DOCKER_CONFIG=...]` when that is set) to $STUB_LOG and keeps the containers it "runs" in $STUB_STATE:
 * - `compose -p P -f F ps -a -q S`: ids of service S's containers;
 * - `compose ... up -d --no-deps [--no-recreate] [--scale S=N] S`: with
 *   --no-recreate adds containers of F's current definition of S until there
 *   are N; without, replaces those whose definition differs and sets the count to N;
 * - `compose ... pull ...`: fails when a pulled service's image is in $STUB_PULL_FAIL;
 * - `compose ... run --rm [--no-deps] [-e VAR=value]... S ...`: fails when S is in $STUB_RUN_FAIL;
 * - `inspect --format ... ID`: `unhealthy` for images listed in $STUB_UNHEALTHY, else `healthy`;
 * - `stop IDS`, `rm [-f] IDS`: stop and remove containers.
 */
const fs = require('fs');
const YAML = require(process.env.STUB_YAML || 'yaml');

const args = process.argv.slice(2);
fs.appendFileSync(process.env.STUB_LOG, `${process.env.DOCKER_CONFIG ? `[DOCKER_CONFIG=${process.env.DOCKER_CONFIG}] ` : ''}${args.join(' ')}\n`);
const stateFile = process.env.STUB_STATE;
const state = fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : { seq: 0, containers: [] };
const save = () => fs.writeFileSync(stateFile, JSON.stringify(state, null, 1));
const list = (name) => (process.env[name] || '').split(',').filter(Boolean);

function compose(rest) {
  let file;
  while (rest[0] === '-p' || rest[0] === '-f') {
    if (rest[0] === '-f') file = rest[1];
    rest = rest.slice(2);
  }
  const doc = YAML.parse(fs.readFileSync(file, 'utf8'));
  const definition = (svc) => JSON.stringify(doc.services[svc]);
  const image = (svc) => doc.services[svc] && doc.services[svc].image;
  const [sub, ...opts] = rest;
  const services = opts.filter((o, i) => !o.startsWith('-') && !(opts[i - 1] === '--scale') && !(opts[i - 1] === '-e'));
  switch (sub) {
    case 'ps':
      state.containers.filter((c) => c.service === services[0]).forEach((c) => console.log(c.id));
      return 0;
    case 'pull':
      return services.some((s) => list('STUB_PULL_FAIL').includes(image(s))) ? 1 : 0;
    case 'run':
      return list('STUB_RUN_FAIL').includes(services[0]) ? 1 : 0;
    case 'logs':
      console.log(`logs of ${services[services.length - 1]}`);
      return 0;
    case 'up': {
      const svc = services[services.length - 1];
      const scale = opts[opts.indexOf('--scale') + 1];
      const want = opts.includes('--scale') ? Number(scale.split('=')[1]) : 1;
      const add = () => state.containers.push({ id: `c${++state.seq}`, service: svc, image: image(svc), definition: definition(svc), running: true });
      if (!opts.includes('--no-recreate')) {
        state.containers = state.containers.filter((c) => c.service !== svc || c.definition === definition(svc));
      }
      let mine = state.containers.filter((c) => c.service === svc);
      while (mine.length > want) {
        state.containers.splice(state.containers.indexOf(mine.pop()), 1);
      }
      for (let n = mine.length; n < want; n++) add();
      save();
      return 0;
    }
    default:
      return 0;
  }
}

function main() {
  const [cmd, ...rest] = args;
  switch (cmd) {
    case 'compose':
      return compose(rest);
    case 'inspect': {
      const ids = rest.filter((a, i) => !a.startsWith('-') && rest[i - 1] !== '--format');
      for (const id of ids) {
        const c = state.containers.find((x) => x.id === id);
        if (!c) return 1;
        console.log(!c.running ? 'exited' : list('STUB_UNHEALTHY').includes(c.image) ? 'unhealthy' : 'healthy');
      }
      return 0;
    }
    case 'stop':
      rest.forEach((id) => { const c = state.containers.find((x) => x.id === id); if (c) c.running = false; });
      save();
      return 0;
    case 'rm':
      state.containers = state.containers.filter((c) => !rest.includes(c.id));
      save();
      return 0;
    default:
      return 0;
  }
}

process.exitCode = main();
