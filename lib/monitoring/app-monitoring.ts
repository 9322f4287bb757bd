import { Construct } from 'constructs';
import { MonitorAlert } from '@cdktf/provider-digitalocean/lib/monitor-alert';
import { UptimeAlert } from '@cdktf/provider-digitalocean/lib/uptime-alert';
import { UptimeCheck } from '@cdktf/provider-digitalocean/lib/uptime-check';
import { DO_TAG, EMAIL } from '../private/patterns';
import {
  Problems, checkArray, checkInt, checkObject, checkString, isUnresolved, requireProps,
} from '../private/validate';

/** Regions DigitalOcean probes uptime checks from. */
export enum UptimeRegion {
  US_EAST = 'us_east',
  US_WEST = 'us_west',
  EU_WEST = 'eu_west',
  SE_ASIA = 'se_asia',
}

/** Thresholds of the droplet alerts, in percent. */
export interface DropletAlertThresholds {
  /** @default 80 */
  readonly cpuPercent?: number;
  /** @default 85 */
  readonly memoryPercent?: number;
  /** @default 85 */
  readonly diskPercent?: number;
}

/** Props of {@link AppMonitoring}. */
export interface AppMonitoringProps {
  /** A name for the checks and alerts (the app and its environment: `facturador-prod`). */
  readonly name: string;
  /** Public health URLs probed by uptime checks (`https://fact.example.com/health`). */
  readonly healthUrls: string[];
  /** Where alerts go. */
  readonly alertEmails: string[];
  /** Droplet tag whose droplets get CPU, memory and disk alerts. @default - no droplet alerts (Kubernetes nodes, local) */
  readonly dropletTag?: string;
  /** @default - 80 / 85 / 85 */
  readonly thresholds?: DropletAlertThresholds;
  /** @default - us_east, eu_west */
  readonly regions?: UptimeRegion[];
  /** Alert when a response takes longer than this, in milliseconds. @default 2000 */
  readonly latencyThresholdMs?: number;
}


/**
 * What teams watched by hand on their one server, as DigitalOcean monitoring:
 * an uptime check per public health URL with alerts when it is down, slow or its
 * certificate is about to expire, and CPU, memory and disk alerts on the
 * droplets of a tag. Everything goes to the given emails.
 *
 *   new AppMonitoring(stack, 'Monitoring', {
 *     name: 'facturador-prod', healthUrls: ['https://fact.example.com/health'],
 *     alertEmails: ['ops@example.com'], dropletTag: 'facturador-prod',
 *   });
 */
export class AppMonitoring extends Construct {
  /** One uptime check per health URL, in order. */
  public readonly checks: UptimeCheck[] = [];
  /** The droplet alerts (cpu, memory, disk) when a tag was given. */
  public readonly dropletAlerts: MonitorAlert[] = [];

  constructor(scope: Construct, id: string, props: AppMonitoringProps) {
    super(scope, id);
    checkAppMonitoringProps(this, props);
    props.healthUrls.forEach((url, i) => this.watch(props, url, i));
    if (props.dropletTag) this.watchDroplets(props, props.dropletTag);
  }

  /** An uptime check of one health URL, with its down, latency and (https) certificate alerts. */
  private watch(props: AppMonitoringProps, url: string, i: number): void {
    const email = props.alertEmails;
    const suffix = i === 0 ? '' : `${i + 1}`;
    const check = new UptimeCheck(this, `Check${suffix}`, {
      name: `${props.name}-health${suffix ? `-${suffix}` : ''}`,
      target: url,
      type: url.startsWith('https') ? 'https' : 'http',
      regions: props.regions ?? [UptimeRegion.US_EAST, UptimeRegion.EU_WEST],
      enabled: true,
    });
    this.checks.push(check);
    const named = (what: string) => `${props.name} ${what}${suffix ? ` (${suffix})` : ''}`;
    new UptimeAlert(this, `Down${suffix}`, {
      checkId: check.id, name: named('is down'), type: 'down_global', period: '2m', notifications: [{ email }],
    });
    new UptimeAlert(this, `Latency${suffix}`, {
      checkId: check.id, name: named('is slow'), type: 'latency', comparison: 'greater_than',
      threshold: props.latencyThresholdMs ?? 2000, period: '5m', notifications: [{ email }],
    });
    if (url.startsWith('https')) {
      new UptimeAlert(this, `Certificate${suffix}`, {
        checkId: check.id, name: named('certificate expires soon'), type: 'ssl_expiry', comparison: 'less_than',
        threshold: 14, period: '5m', notifications: [{ email }],
      });
    }
  }

  /** CPU, memory and disk alerts on the droplets of a tag. */
  private watchDroplets(props: AppMonitoringProps, tag: string): void {
    const t = props.thresholds ?? {};
    const metrics: Array<[string, string, string, number]> = [
      ['Cpu', 'v1/insights/droplet/cpu', 'CPU', t.cpuPercent ?? 80],
      ['Memory', 'v1/insights/droplet/memory_utilization_percent', 'memory', t.memoryPercent ?? 85],
      ['Disk', 'v1/insights/droplet/disk_utilization_percent', 'disk', t.diskPercent ?? 85],
    ];
    for (const [id, type, what, value] of metrics) {
      this.dropletAlerts.push(new MonitorAlert(this, id, {
        description: `${props.name}: ${what} above ${value}% for 10 minutes`,
        type,
        compare: 'GreaterThan',
        value,
        window: '10m',
        tags: [tag],
        enabled: true,
        alerts: { email: props.alertEmails },
      }));
    }
  }
}

/** Checks the props of an `AppMonitoring` and throws one `ErpValidationError` naming every problem. */
function checkAppMonitoringProps(scope: Construct, props: AppMonitoringProps): void {
  requireProps(scope, props, '{ name, healthUrls, alertEmails }');
  const p = new Problems();
  if (checkString(p, 'name', props.name, { required: true, fix: 'give a name for the checks and alerts, e.g. "facturador-prod"' })
    && !isUnresolved(props.name)) {
    p.check(props.name.trim().length > 0 && props.name.length <= 100 && !/[\r\n]/.test(props.name), 'name', props.name,
      'is not a name', 'give 1 to 100 characters on one line, e.g. "facturador-prod"');
  }
  const healthUrls = checkArray<unknown>(p, 'healthUrls', props.healthUrls,
    { required: true, fix: 'give a list of public health URLs, e.g. ["https://app.example.com/health"]' });
  p.check(!Array.isArray(props.healthUrls) || healthUrls.length > 0, 'healthUrls', props.healthUrls, 'is empty',
    'give at least one public health URL, e.g. "https://app.example.com/health"');
  healthUrls.forEach((u, i) => {
    p.check(isUnresolved(u) || (typeof u === 'string' && /^https?:\/\/[a-z0-9.-]+(:\d+)?(\/\S*)?$/i.test(u)), `healthUrls[${i}]`, u,
      'is not an http(s) URL', 'give a URL such as "https://app.example.com/health"');
  });
  const alertEmails = checkArray<unknown>(p, 'alertEmails', props.alertEmails,
    { required: true, fix: 'give a list of addresses alerts go to, e.g. ["ops@example.com"]' });
  p.check(!Array.isArray(props.alertEmails) || alertEmails.length > 0, 'alertEmails', props.alertEmails, 'is empty',
    'give at least one address alerts go to');
  alertEmails.forEach((e, i) => p.check(isUnresolved(e) || (typeof e === 'string' && EMAIL.test(e)), `alertEmails[${i}]`, e,
    'is not an email address', 'give an address such as "ops@example.com"'));
  if (checkString(p, 'dropletTag', props.dropletTag, { fix: 'give a droplet tag such as "erp-web", or leave it out' })
    && props.dropletTag !== '' && !isUnresolved(props.dropletTag)) {
    p.check(DO_TAG.test(props.dropletTag), 'dropletTag', props.dropletTag, 'is not a DigitalOcean tag name',
      'use letters, digits, ":", "-" and "_"');
  }
  const t: DropletAlertThresholds = checkObject(p, 'thresholds', props.thresholds,
    { fix: 'give { cpuPercent: 80, memoryPercent: 85, diskPercent: 85 }, or leave it out' }) ? props.thresholds! : {};
  checkInt(p, 'thresholds.cpuPercent', t.cpuPercent, 1, 100);
  checkInt(p, 'thresholds.memoryPercent', t.memoryPercent, 1, 100);
  checkInt(p, 'thresholds.diskPercent', t.diskPercent, 1, 100);
  const regionList = checkArray<unknown>(p, 'regions', props.regions, { fix: 'give a list of UptimeRegion members, or leave it out' });
  p.check(!Array.isArray(props.regions) || regionList.length > 0, 'regions', props.regions, 'is empty',
    'give at least one UptimeRegion, or leave regions out for us_east and eu_west');
  regionList.forEach((r, i) => p.check(Object.values(UptimeRegion).includes(r as UptimeRegion), `regions[${i}]`, r,
    'is not an uptime region', `use an UptimeRegion member (${Object.values(UptimeRegion).join(', ')})`));
  checkInt(p, 'latencyThresholdMs', props.latencyThresholdMs, 100, 60000);
  p.throwIfAny(scope);
}
