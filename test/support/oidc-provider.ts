import { ChildProcess, spawn } from 'child_process';
import { join } from 'path';

export interface OidcAccount {
  agency: string;
  roles: string[];
}

export interface OidcProviderOptions {
  port: number;
  clientId: string;
  redirectUris: string[];
  /** Resource indicator (RFC 8707) of the node's API; access tokens for it are JWTs. */
  resource: string;
  /** `aud` of the access tokens: the node's AUTH_AUDIENCE (liaison-<agency>). */
  audience: string;
  /** Login name → claims put into access tokens. Any password is accepted (dev interactions). */
  accounts: Record<string, OidcAccount>;
}

/**
 * A real OpenID Provider (`oidc-provider`, certified) in a child process: the package is ESM
 * only, which Jest's CommonJS runtime cannot load. Stopped with stop().
 */
export class LocalOidcProvider {
  readonly stderr: string[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly issuer: string,
    readonly jwksUri: string,
  ) {}

  static start(options: OidcProviderOptions): Promise<LocalOidcProvider> {
    const script = join(__dirname, '..', 'browser', 'fixtures', 'oidc-op.mjs');
    const child = spawn(process.execPath, [script, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'test' } });
    const stderr: string[] = [];
    child.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the OpenID Provider did not start: ${stderr.join('')}`)), 15000);
      let out = '';
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n').find((l) => l.startsWith('{"ready"'));
        if (!line) return;
        clearTimeout(timer);
        const ready = JSON.parse(line) as { issuer: string; jwksUri: string };
        const op = new LocalOidcProvider(child, ready.issuer, ready.jwksUri);
        op.stderr.push(...stderr);
        child.stderr?.on('data', (e: Buffer) => op.stderr.push(e.toString()));
        resolve(op);
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the OpenID Provider exited with ${code}: ${stderr.join('')}`));
      });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
