import { CheckedResource, ICheckedStack } from '../model';
import { RuleFinding } from '../erp-rule';
import { findingOn, list, refLabel } from './values';

const SECRET_NAME_RE = /(PASSWORD|PASSWD|(^|_)PASS$|SECRET|TOKEN|API_?KEY|PRIVATE_KEY|ACCESS_KEY|(^|_)KEY$|CREDENTIALS?$)/i;
/** Values shaped like a credential whatever their name: AWS access key ids, private keys. */
const SECRET_VALUE_RE = /(\b(AKIA|ASIA)[0-9A-Z]{16}\b|-----BEGIN [A-Z ]*PRIVATE KEY-----)/;
/** Literal values that are switches, not secrets (`MYSQL_RANDOM_ROOT_PASSWORD=yes`). */
const SWITCH_VALUE_RE = /^(yes|no|true|false|on|off|0|1)$/i;
const NOT_A_SECRET_NAME_RE = /(_FILE|_PATH|_DIR)$/i;

/** The plain `env` entries (`{ name, value }`) anywhere in a Kubernetes resource's configuration. */
function kubernetesEnvironment(config: unknown): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
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
  walk(config);
  return out;
}

/** Plain environment values of a resource: `[name, value]`, or `[undefined, text]` for a whole document such as user data. */
function plainEnvironment(el: CheckedResource): Array<[string | undefined, unknown]> {
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
    out.push(...kubernetesEnvironment(el.config));
  }
  return out;
}

/** True when a named literal value looks like a secret (`DB_PASSWORD=hunter2`), not a switch, path or reference. */
function isLiteralSecret(name: string | undefined, value: unknown): boolean {
  if (typeof value === 'string' && SECRET_VALUE_RE.test(value)) return true;
  return name !== undefined && SECRET_NAME_RE.test(name) && !NOT_A_SECRET_NAME_RE.test(name)
    && typeof value === 'string' && value !== '' && !value.includes('${') && !SWITCH_VALUE_RE.test(value);
}

/** Findings on the resources of the types `types` accepts whose plain environment or user data holds a secret. */
export function secretFindings(m: ICheckedStack, types: (t: string) => boolean): RuleFinding[] {
  const out: RuleFinding[] = [];
  for (const el of m.resources.filter((e) => !e.isData && types(e.type))) {
    for (const [name, value] of plainEnvironment(el)) {
      const refs = m.secretReferences(value);
      const where = name === undefined ? 'user_data' : `environment variable ${name}`;
      if (refs.length > 0) {
        out.push(findingOn(el, `${where} holds ${refs.map(refLabel).join(', ')} in plain text`));
      } else if (isLiteralSecret(name, value)) {
        out.push(findingOn(el, `${where} holds a literal secret value`));
      }
    }
  }
  return out;
}
