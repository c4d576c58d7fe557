import { createServer, request, Server } from 'http';
import { AddressInfo } from 'net';

/**
 * One HTTP address in front of several replicas of a node, as a load balancer puts them (a test
 * stand-in for nginx, HAProxy or a Kubernetes Service): each request goes to the next replica in
 * turn; a replica that refuses the connection (killed, restarting) is skipped for the next one.
 * Counts the requests each replica answered.
 */
export class RoundRobinProxy {
  readonly served: number[];
  private next = 0;
  private server: Server | null = null;

  constructor(private readonly upstreams: () => number[]) {
    this.served = upstreams().map(() => 0);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async listen(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const ports = this.upstreams();
        const attempt = (tried: number) => {
          const i = this.next++ % ports.length;
          const upstream = request(
            { host: '127.0.0.1', port: ports[i], method: req.method, path: req.url, headers: req.headers },
            (answer) => {
              this.served[i]++;
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              answer.pipe(res);
            },
          );
          upstream.on('error', (error: NodeJS.ErrnoException) => {
            // Not connected at all: nothing reached that replica, so another may take the request.
            if (error.code === 'ECONNREFUSED' && tried + 1 < ports.length) return attempt(tried + 1);
            if (!res.headersSent) res.writeHead(502).end();
            else res.destroy();
          });
          upstream.end(body);
        };
        attempt(0);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
