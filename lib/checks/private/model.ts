import { TerraformDataSource, TerraformOutput, TerraformResource, TerraformStack, TerraformVariable } from 'cdktf';
import { IConstruct } from 'constructs';
import { CheckedOutput, CheckedReference, CheckedResource, ICheckedStack } from '../model';

const REF_RE = /\b((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+|var\.[A-Za-z0-9_-]+)(?:\.([a-z_][a-z0-9_]*))?/g;

/**
 * Every resource, data source, sensitive variable and output of a stack, with their
 * configurations resolved the way the Terraform JSON will hold them, indexed by address:
 * the `ICheckedStack` rules read (see there).
 *
 * Relating resources through the references Terraform itself follows is the dependency
 * Terraform orders its plan by, so it holds across construct boundaries and whoever made the
 * resources.
 */
export class StackModel implements ICheckedStack {
  public readonly resources: CheckedResource[] = [];
  public readonly outputs: CheckedOutput[] = [];
  private readonly byAddress = new Map<string, CheckedResource>();
  private readonly sensitiveVariables = new Set<string>();

  constructor(public readonly stack: TerraformStack) {
    const raw: Array<{ construct: IConstruct; type: string; address: string; isData: boolean; config: Record<string, any> }> = [];
    const outputs: Array<{ construct: IConstruct; address: string; sensitive: boolean; value: unknown }> = [];
    // The stack's Terraform JSON, exactly as synthesis writes it (tokens resolved to `${type.name.attr}`).
    const json = stack.toTerraform() as any;
    for (const c of stack.node.findAll()) {
      if (TerraformStack.isStack(c) && c !== stack) continue;
      if (TerraformResource.isTerraformResource(c) || TerraformDataSource.isTerraformDataSource(c)) {
        if (TerraformStack.of(c) !== stack) continue;
        const el = c as TerraformResource | TerraformDataSource;
        const isData = TerraformDataSource.isTerraformDataSource(c);
        const address = `${isData ? 'data.' : ''}${el.terraformResourceType}.${el.friendlyUniqueId}`;
        const config = ((isData ? json.data : json.resource)?.[el.terraformResourceType]?.[el.friendlyUniqueId] ?? {}) as Record<string, any>;
        raw.push({ construct: c, type: el.terraformResourceType, address, isData, config });
      } else if (c instanceof TerraformVariable) {
        const body = json.variable?.[c.friendlyUniqueId];
        if (body?.sensitive === true) this.sensitiveVariables.add(`var.${c.friendlyUniqueId}`);
      } else if (TerraformOutput.isTerraformOutput(c)) {
        const body = json.output?.[c.friendlyUniqueId] ?? {};
        outputs.push({ construct: c, address: `output.${c.friendlyUniqueId}`, sensitive: body.sensitive === true, value: body.value });
      }
    }
    const known = new Set(raw.map((r) => r.address));
    for (const r of raw) {
      const el: CheckedResource = { ...r, refs: referencesIn(r.config, known, this.sensitiveVariables) };
      this.resources.push(el);
      this.byAddress.set(el.address, el);
    }
    for (const o of outputs) {
      this.outputs.push({ construct: o.construct, address: o.address, sensitive: o.sensitive, refs: referencesIn(o.value, known, this.sensitiveVariables) });
    }
  }

  public ofType(type: string, data = false): CheckedResource[] {
    return this.resources.filter((e) => e.type === type && e.isData === data);
  }

  public get(address: string): CheckedResource | undefined {
    return this.byAddress.get(address);
  }

  /** True when the address is a variable declared sensitive. */
  public isSensitiveVariable(address: string): boolean {
    return this.sensitiveVariables.has(address);
  }

  public target(value: unknown, type: string, matchAttribute?: string): CheckedResource | undefined {
    if (typeof value !== 'string') return undefined;
    for (const ref of referencesIn(value, new Set(this.byAddress.keys()), this.sensitiveVariables)) {
      const el = this.byAddress.get(ref.address);
      if (el && el.type === type) return el;
    }
    if (matchAttribute) {
      return this.ofType(type).find((e) => typeof e.config[matchAttribute] === 'string' && e.config[matchAttribute] === value);
    }
    return undefined;
  }

  public pointingAt(target: CheckedResource, type: string, attr: string, matchAttribute?: string): CheckedResource[] {
    return this.ofType(type).filter((e) => this.target(e.config[attr], target.type, matchAttribute) === target);
  }

  public isSecretReference(ref: CheckedReference): boolean {
    if (ref.address.startsWith('var.')) return this.sensitiveVariables.has(ref.address);
    const el = this.byAddress.get(ref.address);
    if (!el) return false;
    return isSensitiveAttribute(el.type, ref.attribute);
  }

  public secretReferences(value: unknown): CheckedReference[] {
    return referencesIn(value, new Set(this.byAddress.keys()), this.sensitiveVariables).filter((r) => this.isSecretReference(r));
  }
}

/** Attributes whose values are secrets, by name, as the providers mark them sensitive. */
export function isSensitiveAttribute(type: string, attribute: string): boolean {
  if (/(^|_)(password|secret|token|private_key|private_key_pem|uri|private_uri|kube_config|raw_config|client_key|connection_string|credentials)($|_)/.test(attribute)) {
    return true;
  }
  if (type === 'random_password' && (attribute === 'result' || attribute === 'bcrypt_hash')) return true;
  if (type === 'random_bytes' && (attribute === 'base64' || attribute === 'hex')) return true;
  if (type === 'aws_iam_access_key' && attribute.startsWith('ses_smtp_password')) return true;
  if (type === 'digitalocean_spaces_key' && attribute === 'secret_key') return true;
  return false;
}

/** The references to known addresses (and sensitive variables) anywhere in a value. */
export function referencesIn(value: unknown, known: ReadonlySet<string>, variables: ReadonlySet<string>): CheckedReference[] {
  const out: CheckedReference[] = [];
  const seen = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      if (!v.includes('${')) return;
      for (const m of v.matchAll(REF_RE)) {
        const address = m[1];
        if (!known.has(address) && !variables.has(address)) continue;
        const ref = { address, attribute: m[2] ?? '' };
        const key = `${ref.address}.${ref.attribute}`;
        if (!seen.has(key)) {
          seen.add(key);
          out.push(ref);
        }
      }
    } else if (Array.isArray(v)) {
      v.forEach(visit);
    } else if (v && typeof v === 'object') {
      Object.values(v).forEach(visit);
    }
  };
  visit(value);
  return out;
}
