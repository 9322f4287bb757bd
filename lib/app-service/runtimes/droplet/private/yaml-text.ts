import * as YAML from 'yaml';

/** YAML 1.1 output (cloud-init reads YAML 1.1: `no`, `yes`, `on` stay quoted strings), no folding, no anchors. */
const YAML_OPTIONS = { lineWidth: 0, version: '1.1', aliasDuplicateObjects: false } as const;

const MAX_ENTRIES = 64;
const rendered = new Map<string, string>();

/**
 * The YAML 1.1 text of a JSON-shaped document (strings, numbers, booleans,
 * arrays, plain objects; undefined fields left out).
 *
 * Synthesis resolves a value several times (preparing, checking, writing), and
 * a droplet's user data is rendered at each. Serializing to YAML is far slower
 * than to JSON, so the text is kept by the document's JSON form: the same
 * document is turned into YAML once.
 */
export function yamlText(doc: unknown): string {
  const key = JSON.stringify(doc);
  let text = rendered.get(key);
  if (text === undefined) {
    text = YAML.stringify(doc, YAML_OPTIONS);
    if (rendered.size >= MAX_ENTRIES) rendered.clear();
    rendered.set(key, text);
  }
  return text;
}
