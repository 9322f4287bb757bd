import fc from 'fast-check';
import { parseCron } from '../lib/app-service/private/cron';
import { parseImageReference } from '../lib/private/image-ref';
import { yamlText } from '../lib/app-service/runtimes/droplet/private/yaml-text';
import { parse as parseYaml } from 'yaml';

function sets(expr: string) {
  const r = parseCron(expr);
  if (!r.ok) throw new Error(r.error);
  const s = r.schedule;
  return [s.minutes, s.hours, s.daysOfMonth, s.months, s.daysOfWeek];
}

describe('cron parser', () => {
  test('expands values, ranges, steps, lists and names', () => {
    expect(sets('*/15 9-17/4 1,15 JAN-MAR,dec mon-fri')).toEqual([
      [0, 15, 30, 45], [9, 13, 17], [1, 15], [1, 2, 3, 12], [1, 2, 3, 4, 5],
    ]);
    expect(sets('5/20 0 * * 7')).toEqual([[5, 25, 45], [0], Array.from({ length: 31 }, (_, i) => i + 1), Array.from({ length: 12 }, (_, i) => i + 1), [0]]);
  });

  test('expands the macros', () => {
    expect((parseCron('@daily') as any).schedule.fiveField).toBe('0 0 * * *');
    expect((parseCron('@HOURLY') as any).schedule.fiveField).toBe('0 * * * *');
    expect((parseCron('@weekly') as any).schedule.fiveField).toBe('0 0 * * 0');
    expect((parseCron('@annually') as any).schedule.fiveField).toBe('0 0 1 1 *');
  });

  test('the reference schedules parse: backups at 2 AM, full backup Sunday 3 AM, cleanup 4 AM', () => {
    expect(sets('0 2 * * *').slice(0, 2)).toEqual([[0], [2]]);
    expect(sets('0 3 * * SUN')[4]).toEqual([0]);
    expect(sets('0 4 * * *').slice(0, 2)).toEqual([[0], [4]]);
  });

  test('every value a well-formed field names is within the field range (property)', () => {
    const field = (min: number, max: number) => fc.oneof(
      fc.constant('*'),
      fc.integer({ min, max }).map(String),
      fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
      fc.integer({ min: 1, max: max - min + 1 }).map((n) => `*/${n}`),
    );
    fc.assert(fc.property(field(0, 59), field(0, 23), field(1, 28), field(1, 12), field(0, 7), (...f) => {
      const r = parseCron(f.join(' '));
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      const bounds = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 6]];
      const s = r.schedule;
      [s.minutes, s.hours, s.daysOfMonth, s.months, s.daysOfWeek].forEach((values, i) => {
        expect(values.length).toBeGreaterThan(0);
        for (const v of values) {
          expect(v).toBeGreaterThanOrEqual(bounds[i][0]);
          expect(v).toBeLessThanOrEqual(bounds[i][1]);
        }
      });
    }));
  });

  test('fails on a value out of range in any field (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 60, max: 999 }), (index, bad) => {
      const fields = ['0', '0', '1', '1', '0'];
      fields[index] = String(bad);
      expect(parseCron(fields.join(' ')).ok).toBe(false);
    }));
  });
});

describe('image reference parser', () => {
  test('a registry host with capitals is a domain, as Docker reads it', () => {
    expect(parseImageReference('Registry/erp')).toEqual({ ok: true, ref: expect.objectContaining({ domain: 'Registry', path: 'erp' }) });
  });

  test.each([
    ['nginx', { path: 'nginx' }],
    ['valkey/valkey:8.1-alpine', { path: 'valkey/valkey', tag: '8.1-alpine' }],
    ['ghcr.io/acme/erp:1.4.2', { domain: 'ghcr.io', path: 'acme/erp', tag: '1.4.2' }],
    ['localhost:5000/erp', { domain: 'localhost:5000', path: 'erp' }],
    ['registry.digitalocean.com/acme/erp_api:v2@sha256:' + 'ab'.repeat(32), { domain: 'registry.digitalocean.com', path: 'acme/erp_api', tag: 'v2', digest: 'sha256:' + 'ab'.repeat(32) }],
    ['rash07/php7.4-supervisor', { path: 'rash07/php7.4-supervisor' }],
  ])('parses %s', (text, ref) => {
    const r = parseImageReference(text);
    expect(r).toEqual({ ok: true, ref: expect.objectContaining(ref) });
  });

  test.each([
    ['', 'is empty'],
    ['acme/Erp', 'repository component "Erp"'],
    ['acme/erp:', 'tag ""'],
    ['acme/erp:.x', 'tag ".x"'],
    ['acme/-erp', 'repository component "-erp"'],
    ['-bad.io/erp', 'registry "-bad.io"'],
    ['acme/erp@md5:zz', 'is not algorithm:hex'],
  ])('fails on %s', (text, error) => {
    const r = parseImageReference(text);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain(error);
  });
});

describe('YAML text of a document', () => {
  test('a document changed after it was rendered renders anew, not from the kept text', () => {
    const doc: Record<string, any> = { services: { web: { image: 'app:1', replicas: 2 } } };
    const first = yamlText(doc);
    doc.services.web.replicas = 3;
    expect(parseYaml(yamlText(doc))).toEqual({ services: { web: { image: 'app:1', replicas: 3 } } });
    expect(parseYaml(first)).toEqual({ services: { web: { image: 'app:1', replicas: 2 } } });
  });

  test('is YAML 1.1 safe: yes, no and on stay strings, and nothing is folded or aliased', () => {
    const shared = { a: 1 };
    const text = yamlText({ restart: 'no', flag: 'yes', mode: 'on', long: 'x'.repeat(200), one: shared, two: shared });
    expect(text).toContain('restart: "no"');
    expect(text).toContain('flag: "yes"');
    expect(text).toContain('mode: "on"');
    expect(text).toContain(`long: ${'x'.repeat(200)}\n`);
    expect(text).not.toMatch(/[&*]a/);
  });
});
