import { Testing } from 'cdktf';
import { ErpValidationError } from '../lib/errors';
import { AppMonitoring } from '../lib/monitoring';

function synth(props: Partial<ConstructorParameters<typeof AppMonitoring>[2]> = {}): any {
  return JSON.parse(Testing.synthScope((scope) => {
    new AppMonitoring(scope, 'Monitoring', {
      name: 'facturador-prod',
      healthUrls: ['https://fact.example.com/health'],
      alertEmails: ['ops@example.com'],
      dropletTag: 'facturador-prod',
      ...props,
    });
  }));
}

describe('AppMonitoring', () => {
  const out = synth();

  test('probes the public health URL over https from two regions', () => {
    const checks = Object.values(out.resource.digitalocean_uptime_check) as any[];
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ target: 'https://fact.example.com/health', type: 'https', regions: ['us_east', 'eu_west'] });
  });

  test('alerts the email when the app is down, slow, or its certificate is about to expire', () => {
    const alerts = Object.values(out.resource.digitalocean_uptime_alert) as any[];
    expect(alerts.map((a) => a.type).sort()).toEqual(['down_global', 'latency', 'ssl_expiry']);
    for (const a of alerts) expect(a.notifications).toEqual([{ email: ['ops@example.com'] }]);
  });

  test('alerts on droplet CPU, memory and disk for the tag', () => {
    const alerts = Object.values(out.resource.digitalocean_monitor_alert) as any[];
    expect(alerts.map((a) => [a.type, a.value]).sort()).toEqual([
      ['v1/insights/droplet/cpu', 80],
      ['v1/insights/droplet/disk_utilization_percent', 85],
      ['v1/insights/droplet/memory_utilization_percent', 85],
    ]);
    for (const a of alerts) expect(a.tags).toEqual(['facturador-prod']);
  });

  test('has no droplet alerts without a droplet tag', () => {
    expect(synth({ dropletTag: undefined }).resource.digitalocean_monitor_alert).toBeUndefined();
  });

  test('fails on a health URL that is not http(s), naming the prop and the path', () => {
    expect(() => synth({ healthUrls: ['fact.example.com/health'] })).toThrow(/Monitoring.*healthUrls\[0\]: is not an http\(s\) URL/s);
  });

  test('fails on an alert email that is not an address', () => {
    expect(() => synth({ alertEmails: ['ops'] })).toThrow(/alertEmails\[0\]: is not an email address/);
  });

  test('fails on a threshold above 100 percent', () => {
    expect(() => synth({ thresholds: { diskPercent: 150 } })).toThrow(/thresholds\.diskPercent/);
  });
});

describe('AppMonitoring props of the wrong shape', () => {
  // Props as plain JavaScript or a parsed config file may hand them over, past the type checker.
  const loose = (props: Record<string, unknown>) => props as Partial<ConstructorParameters<typeof AppMonitoring>[2]>;
  const problems = (props: Record<string, unknown>): string[] => {
    try {
      synth(loose(props));
    } catch (e) {
      if (e instanceof ErpValidationError) return e.problems.map((p) => `${p.prop} ${p.problem}`);
      throw e;
    }
    throw new Error('expected an ErpValidationError');
  };

  test('fails on missing alert emails and health URLs, saying each is required', () => {
    expect(problems({ alertEmails: undefined, healthUrls: undefined })).toEqual(['healthUrls is required', 'alertEmails is required']);
  });

  test('fails on lists given as a number or an object, naming each prop, in one error', () => {
    expect(problems({ alertEmails: 1616504024, healthUrls: { url: 'https://fact.example.com/health' } }))
      .toEqual(['healthUrls must be a list', 'alertEmails must be a list']);
  });

  test('fails on list entries that are not strings, and on thresholds and regions of the wrong shape', () => {
    expect(problems({ healthUrls: [Symbol.for('erp')], alertEmails: [null], thresholds: 'high', regions: ['mars'] }))
      .toEqual(['healthUrls[0] is not an http(s) URL', 'alertEmails[0] is not an email address', 'thresholds must be an object',
        'regions[0] is not an uptime region']);
  });
});
