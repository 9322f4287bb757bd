import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { Problems } from '../../lib/private/validate';
import { AppDescription, DescriptionFile } from './description';
import { LARAVEL_INVOICING_EXAMPLE } from './laravel-example';
import { validateAppDescription } from './validate';

/** The environment variable that points the app at a description file. */
export const DESCRIPTION_ENV_VAR = 'ERP_APP_DESCRIPTION';
/** The cdktf.json context key that points the app at a description file. */
export const DESCRIPTION_CONTEXT_KEY = 'appDescription';

/** Reads, parses (JSON or YAML, by extension) and validates a description file. */
export function loadAppDescriptionFile(file: string): AppDescription {
  const p = new Problems();
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) {
    p.add(DESCRIPTION_ENV_VAR, file, 'names a file that does not exist', `create ${abs}, or point ${DESCRIPTION_ENV_VAR} (or the "${DESCRIPTION_CONTEXT_KEY}" context key) at your description`);
    p.throwIfAny(file);
  }
  const text = fs.readFileSync(abs, 'utf8');
  let parsed: unknown;
  try {
    parsed = /\.ya?ml$/i.test(abs) ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    p.add('(file)', path.basename(abs), `does not parse: ${(err as Error).message.split('\n')[0]}`, 'fix the syntax (JSON for .json, YAML for .yaml/.yml)');
    p.throwIfAny(file);
  }
  return withAbsoluteSources(validateAppDescription(parsed, file), path.dirname(abs));
}

/** The description with each mounted file's `source` made absolute, from the description file's folder. */
function withAbsoluteSources(d: AppDescription, folder: string): AppDescription {
  const abs = <T extends { readonly files?: DescriptionFile[] }>(x: T): T =>
    (x.files ? { ...x, files: x.files.map((f) => (f.source !== undefined ? { ...f, source: path.resolve(folder, f.source) } : f)) } : x);
  return {
    ...d,
    processes: { ...d.processes, services: d.processes.services?.map(abs) },
    adminTools: d.adminTools?.map(abs),
  };
}

/**
 * The description the app builds from: the file named by the
 * `ERP_APP_DESCRIPTION` environment variable, else the file named by the
 * `appDescription` context key, else the built-in Laravel example.
 */
export function resolveAppDescription(context?: unknown): { description: AppDescription; source: string } {
  const fromEnv = process.env[DESCRIPTION_ENV_VAR];
  const file = fromEnv && fromEnv.trim() ? fromEnv.trim() : typeof context === 'string' && context.trim() ? context.trim() : undefined;
  if (file) return { description: loadAppDescriptionFile(file), source: file };
  return { description: validateAppDescription(LARAVEL_INVOICING_EXAMPLE, 'built-in example'), source: 'built-in example (Laravel invoicing)' };
}
