import { AppDescription } from './description';

/**
 * The built-in example: a multi-tenant Laravel e-invoicing app, as teams run
 * it today on one server with Docker Compose (nginx + php-fpm, queue workers
 * under supervisor, the Laravel scheduler, MariaDB/MySQL, Redis, a tenant per
 * subdomain, phpMyAdmin for admins). Here MySQL 8 replaces MariaDB 10.5 and
 * phpMyAdmin sits behind Cloudflare Access instead of an open port.
 */
/** phpMyAdmin's TLS settings for server 1 (the PMA_HOST server), with the CA every container finds at DATABASE_CA_CERT_PATH. */
const PMA_TLS_CONFIG = [
  '<?php',
  "if (is_readable('/etc/ssl/certs/database-ca.pem')) {",
  "    $cfg['Servers'][1]['ssl'] = true;",
  "    $cfg['Servers'][1]['ssl_verify'] = true;",
  "    $cfg['Servers'][1]['ssl_ca'] = '/etc/ssl/certs/database-ca.pem';",
  '}',
  '',
].join('\n');

export const LARAVEL_INVOICING_EXAMPLE: AppDescription = {
  name: 'facturador',
  domain: 'fact.example.com',
  tenantSubdomains: true,
  region: 'fra1',
  awsRegion: 'eu-central-1',
  awsReplicaRegion: 'eu-west-1',
  processes: {
    // One image holds nginx and php-fpm (as the reference's nginx1 + fpm1 pair) and serves on 8080.
    web: {
      image: 'ghcr.io/example/facturador:2.4.1',
      port: 8080,
      healthCheck: { path: '/health', intervalSeconds: 30, timeoutSeconds: 10, retries: 3, startPeriodSeconds: 40 },
      // It runs as any non-root user (10001 on the HA tier) on a read-only root filesystem, given scratch space where
      // nginx keeps its pid (/run) and request buffers (/var/lib/nginx) and Laravel compiles its Blade views.
      container: { writablePaths: ['/run', '/var/lib/nginx', '/var/www/html/storage/framework/views'] },
    },
    workers: [
      {
        name: 'queue', command: ['php', 'artisan', 'queue:work', 'redis', '--sleep=3', '--tries=3', '--max-time=3600'], replicas: 2,
        // queued mail renders Blade views
        container: { writablePaths: ['/var/www/html/storage/framework/views'] },
      },
    ],
    scheduler: { everyMinute: ['php', 'artisan', 'schedule:run'], container: { writablePaths: ['/var/www/html/storage/framework/views'] } },
    release: ['php', 'artisan', 'migrate', '--force'],
  },
  database: { engine: 'mysql', version: 8, name: 'facturador', user: 'facturador' },
  cache: { engine: 'valkey' },
  backups: { schedule: '0 2 * * *', dailyRetentionDays: 30, weeklyRetentionWeeks: 12, monthlyRetentionMonths: 12 },
  adminTools: [
    {
      name: 'pma',
      image: 'phpmyadmin:5.2.1',
      port: 80,
      allowEmailDomains: ['example.com'],
      environmentFrom: { PMA_HOST: 'DB_HOST', PMA_PORT: 'DB_PORT' },
      environment: { PMA_ABSOLUTE_URI: 'https://pma.{{domain}}/', UPLOAD_LIMIT: '128M' },
      // The image includes /etc/phpmyadmin/config.user.inc.php after its own settings. The managed MySQL requires TLS:
      // where the database hands over its CA certificate (dev, prod, ha) phpMyAdmin connects with TLS and verifies the
      // server with it; the local tier's MySQL container speaks plain text on the private network and has no certificate.
      files: [{ path: '/etc/phpmyadmin/config.user.inc.php', content: PMA_TLS_CONFIG }],
      // The official image has no non-root mode (phpmyadmin/docker#187): Apache starts as root to bind :80 and runs
      // PHP as www-data, and the entrypoint writes /etc/phpmyadmin/config.secret.inc.php beside the image's own
      // config.inc.php, so the root filesystem stays writable. On the HA tier its namespace enforces Pod Security baseline.
      container: { user: '0', readOnlyRootFilesystem: false },
    },
  ],
  environment: {
    APP_ENV: 'production',
    // the tier's own public URL: https://fact.example.com on prod, https://dev-fact.example.com on dev, http://localhost:8080 locally
    APP_URL: '{{url}}',
    LOG_CHANNEL: 'stderr',
    QUEUE_CONNECTION: 'redis',
    CACHE_DRIVER: 'redis',
    SESSION_DRIVER: 'redis',
  },
  secrets: {
    // Laravel's encryption key: 32 random bytes, base64, generated once per stack and kept in the state
    APP_KEY: { generate: { bytes: 32, encoding: 'base64', prefix: 'base64:' } },
  },
  cloudflare: {
    accountId: '0123456789abcdef0123456789abcdef',
    zoneId: 'fedcba9876543210fedcba9876543210',
    zoneName: 'example.com',
    // Tenant subdomains (*.fact.example.com) and pma.fact.example.com are two levels deep: the zone has Advanced
    // Certificate Manager, and each tier's stack orders an advanced certificate pack for its own such hostnames.
    advancedCertificate: true,
  },
  sshKeys: ['3b:16:bf:e4:8b:00:8b:b8:59:8c:a9:d3:f0:19:45:fa'],
  adminCidrs: ['203.0.113.10/32'],
  alertEmail: 'ops@example.com',
};
