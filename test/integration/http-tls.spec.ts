// The node's HTTP API serves TLS itself when given a certificate and key
// (LIAISON_HTTP_TLS_CERT_FILE / _KEY_FILE): here a self-signed certificate generated for
// 127.0.0.1. A client that pins it gets answers, with the operator's token too; a client that
// does not trust it is refused by TLS, and plain HTTP on the port gets no API answer.
import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { request as httpRequest } from 'http';
import { request as httpsRequest } from 'https';
import { TLSSocket } from 'tls';
import { tmpdir } from 'os';
import { join } from 'path';
import { RunningNode, startNode } from '../../apps/node/src/bootstrap';
import { loadNodeConfig } from '../../apps/node/src/config/node-config';
import { TestFederation } from '../support/federation';

interface Answer {
  status: number;
  body: string;
  protocol: string | null;
}

function get(url: string, options: { ca?: Buffer; token?: string; headers?: Record<string, string> } = {}): Promise<Answer & { requestId?: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(
      target,
      { ca: options.ca, headers: { ...options.headers, ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) } },
      (res) => {
        const protocol = res.socket instanceof TLSSocket ? res.socket.getProtocol() : null;
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, protocol, requestId: res.headers['x-request-id'] as string | undefined }));
      },
    );
    request.on('error', reject);
    request.end();
  });
}

describe('HTTP API over TLS', () => {
  let fed: TestFederation;
  let dir: string;
  let node: RunningNode | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'liaison-http-tls-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
      '-subj', '/CN=liaison-nl.test', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'pipe' });
    fed = await TestFederation.create(['NL']);
  });
  afterAll(async () => {
    await node?.close();
    await fed?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the API over TLS with the configured certificate, and nothing over plain HTTP', async () => {
    const config = loadNodeConfig(fed.env('NL', { LIAISON_HTTP_TLS_CERT_FILE: join(dir, 'cert.pem'), LIAISON_HTTP_TLS_KEY_FILE: join(dir, 'key.pem') }));
    expect(config.httpTls).not.toBeNull();
    node = await startNode(config, { logLevels: ['error'] });
    const base = `https://127.0.0.1:${config.httpPort}`;
    const ca = readFileSync(join(dir, 'cert.pem'));

    const live = await get(`${base}/health/live`, { ca });
    expect(live.status).toBe(200);
    expect(JSON.parse(live.body)).toEqual({ status: 'live' });
    expect(live.protocol).toMatch(/^TLSv1\.[23]$/);
    await fed.waitFor(async () => (await get(`${base}/health/ready`, { ca })).status === 200, 'NL ready over TLS');
    const directory = await get(`${base}/directory`, { ca, token: await fed.token('NL', 'operator') });
    expect(directory.status).toBe(200);
    expect(JSON.parse(directory.body).serial).not.toBeUndefined();
    expect((await get(`${base}/directory`, { ca })).status).toBe(401);

    // Behind a proxy or not, forwarding headers are not trusted and the request id is the node's own.
    const express = node.app.getHttpAdapter().getInstance() as { get(setting: string): unknown };
    expect(express.get('trust proxy')).toBeFalsy();
    const forwarded = await get(`${base}/health/live`, { ca, headers: { 'x-request-id': 'chosen-by-client', 'x-forwarded-proto': 'http', 'x-forwarded-for': '203.0.113.9' } });
    expect(forwarded.status).toBe(200);
    expect(forwarded.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);

    // A client that does not trust the certificate is refused by TLS itself.
    await expect(get(`${base}/health/live`)).rejects.toThrow(/self[- ]signed certificate/);
    // Plain HTTP on the TLS port: no API answer (the TLS server drops or refuses it).
    const plain = await get(`http://127.0.0.1:${config.httpPort}/health/live`).catch((error: Error) => error);
    if (!(plain instanceof Error)) expect(plain.status).not.toBe(200);
  });

  it('names the variable when the certificate or key is missing or not PEM', () => {
    expect(() => loadNodeConfig(fed.env('NL', { LIAISON_HTTP_TLS_CERT_FILE: join(dir, 'cert.pem') }))).toThrow('configuration: LIAISON_HTTP_TLS_KEY_FILE is required with LIAISON_HTTP_TLS_CERT_FILE');
    expect(() => loadNodeConfig(fed.env('NL', { LIAISON_HTTP_TLS_CERT_FILE: join(dir, 'key.pem'), LIAISON_HTTP_TLS_KEY_FILE: join(dir, 'key.pem') }))).toThrow(/LIAISON_HTTP_TLS_CERT_FILE names .*key\.pem, which holds no PEM certificate/);
    expect(() => loadNodeConfig(fed.env('NL', { LIAISON_HTTP_TLS_CERT_FILE: join(dir, 'cert.pem'), LIAISON_HTTP_TLS_KEY_FILE: join(dir, 'none.pem') }))).toThrow(/LIAISON_HTTP_TLS_KEY_FILE names .*none\.pem, which cannot be read \(ENOENT\)/);
  });
});
