/**
 * A release store for the agent's tests: an HTTP server that answers GET and
 * PUT like S3 (path-style `/<bucket>/<key>`), and checks each request's AWS
 * Signature Version 4 with the `aws4` package, an implementation independent of
 * curl's. A request with a wrong signature, an unknown key id or no
 * `x-amz-content-sha256` header is refused with 403, as S3 does.
 */
import { createServer, IncomingMessage, Server } from 'http';
import { AddressInfo } from 'net';
// eslint-disable-next-line @typescript-eslint/no-var-requires
const aws4 = require('aws4') as { sign(req: Record<string, unknown>, creds: { accessKeyId: string; secretAccessKey: string }): { headers: Record<string, string> } };

export interface StoreRequest {
  readonly method: string;
  readonly key: string;
  readonly status: number;
}

export class TestStore {
  public readonly objects = new Map<string, string>();
  public readonly requests: StoreRequest[] = [];
  /** Bodies POSTed to `/alert`. */
  public readonly alerts: string[] = [];
  private server?: Server;

  constructor(
    public readonly bucket: string,
    public readonly region: string,
    public readonly accessKeyId: string,
    private readonly secretAccessKey: string,
  ) {}

  public async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const url = new URL(req.url ?? '/', 'http://store');
        if (req.method === 'POST' && url.pathname === '/alert') {
          this.alerts.push(body);
          res.writeHead(200).end();
          return;
        }
        const prefix = `/${this.bucket}/`;
        const key = url.pathname.startsWith(prefix) ? decodeURIComponent(url.pathname.slice(prefix.length)) : '';
        const status = this.answer(req, key, body);
        this.requests.push({ method: req.method ?? '', key, status });
        if (status === 200 && req.method === 'GET') {
          res.writeHead(200, { 'Content-Type': 'text/plain' }).end(this.objects.get(key));
        } else {
          res.writeHead(status).end(status === 200 ? '' : `<Error><Code>${status === 404 ? 'NoSuchKey' : 'SignatureDoesNotMatch'}</Code></Error>`);
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const port = (this.server.address() as AddressInfo).port;
    return `http://127.0.0.1:${port}`;
  }

  public async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private answer(req: IncomingMessage, key: string, body: string): number {
    if (!key || !this.signatureValid(req)) return 403;
    if (req.method === 'GET') return this.objects.has(key) ? 200 : 404;
    if (req.method === 'PUT') {
      this.objects.set(key, body);
      return 200;
    }
    return 405;
  }

  /** Recomputes the request's signature over the headers it says it signed, and compares. */
  private signatureValid(req: IncomingMessage): boolean {
    const auth = String(req.headers.authorization ?? '');
    const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
    if (!m || m[1] !== this.accessKeyId || m[3] !== this.region) return false;
    if (!req.headers['x-amz-content-sha256']) return false;
    const headers: Record<string, string> = {};
    for (const name of m[4].split(';')) headers[name] = String(req.headers[name] ?? '');
    const signed = aws4.sign({
      host: headers.host, method: req.method, path: req.url, service: 's3', region: this.region, headers,
    }, { accessKeyId: this.accessKeyId, secretAccessKey: this.secretAccessKey });
    return signed.headers.Authorization === auth || signed.headers.authorization === auth;
  }
}
