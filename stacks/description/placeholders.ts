import { AppDescription, TierName } from './description';
import { tierDomain } from './hostnames';

/** The placeholders an environment value may hold, filled per tier. */
export const PLACEHOLDERS = ['{{domain}}', '{{url}}'] as const;

/** A `{{...}}` that is not one of the placeholders. */
export const UNKNOWN_PLACEHOLDER = /\{\{(?!(domain|url)\}\})[^}]*\}\}/;

/**
 * The description as one tier sees it: in every plain environment value (the app's, the
 * services' and the admin tools'), `{{domain}}` is the tier's domain (`dev-fact.example.com`,
 * `localhost` locally) and `{{url}}` the app's public URL (`https://dev-fact.example.com`,
 * `http://localhost:8080` locally), so that `APP_URL: "{{url}}"` is right on every tier.
 */
export function forTier(d: AppDescription, tier: TierName, localPort: number): AppDescription {
  const domain = tier === 'local' ? 'localhost' : tierDomain(d, tier);
  const url = tier === 'local' ? `http://localhost:${localPort}` : `https://${domain}`;
  const fill = (env: Record<string, string> | undefined): Record<string, string> | undefined => {
    if (env === undefined) return undefined;
    return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, typeof v === 'string' ? v.split('{{domain}}').join(domain).split('{{url}}').join(url) : v]));
  };
  return {
    ...d,
    environment: fill(d.environment),
    processes: {
      ...d.processes,
      services: d.processes.services?.map((s) => ({ ...s, environment: fill(s.environment) })),
    },
    adminTools: d.adminTools?.map((t) => ({ ...t, environment: fill(t.environment) })),
  };
}
