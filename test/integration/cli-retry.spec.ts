import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { ensureBuilt } from '../support/process-node';
import { liaison } from '../support/cli';

const ID = '0190a0b0-0000-7000-8000-000000000001';
const TOKEN = 'secret-token-never-printed';

/**
 * A small HTTP server standing in for a node: `answer` decides, per request number, whether the
 * connection is reset or what is answered. Records each request's Idempotency-Key.
 */
async function stubNode(answer: (n: number, req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; seen: { method: string; url: string; key: string | undefined; auth: string | undefined }[]; close: () => Promise<void> }> {
  const seen: { method: string; url: string; key: string | undefined; auth: string | undefined }[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', key: req.headers['idempotency-key'] as string | undefined, auth: req.headers.authorization });
      answer(seen.length, req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const reset = (req: IncomingMessage) => req.socket.resetAndDestroy();
const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

describe('the CLI retries a reset or refused request with the same Idempotency-Key (compiled CLI, stub node)', () => {
  beforeAll(() => ensureBuilt());

  it('a connection reset on the first attempt is retried once with the same key, and the action succeeds', async () => {
    const node = await stubNode((n, req, res) => (n === 1 ? reset(req) : json(res, 200, { id: ID, status: 'ACKNOWLEDGED' })));
    try {
      const result = await liaison(['acknowledge', ID], { LIAISON_NODE_URL: node.url, LIAISON_TOKEN: TOKEN });
      expect(result).toMatchObject({ code: 0, stdout: `${ID} ACKNOWLEDGED\n` });
      expect(result.stderr).toMatch(/retrying \(1\) after ECONNRESET, with the same Idempotency-Key/);
      expect(node.seen).toHaveLength(2);
      expect(node.seen.map((s) => `${s.method} ${s.url}`)).toEqual([`POST /inbox/${ID}/acknowledge`, `POST /inbox/${ID}/acknowledge`]);
      expect(node.seen[0].key).toMatch(/^[0-9a-f-]{36}$/);
      expect(node.seen[1].key).toBe(node.seen[0].key);
      expect(node.seen[0].auth).toBe(`Bearer ${TOKEN}`);
      expect(result.stdout + result.stderr).not.toContain(TOKEN);
    } finally {
      await node.close();
    }
  });

  it('each invocation has its own key unless --idempotency-key is given, which is sent as it is', async () => {
    const node = await stubNode((_n, _req, res) => json(res, 200, { id: ID, status: 'ACKNOWLEDGED' }));
    try {
      const env = { LIAISON_NODE_URL: node.url, LIAISON_TOKEN: TOKEN };
      await liaison(['acknowledge', ID], env);
      await liaison(['acknowledge', ID], env);
      await liaison(['acknowledge', ID, '--idempotency-key', 'batch-7-ack'], env);
      expect(node.seen[0].key).not.toBe(node.seen[1].key);
      expect(node.seen[2].key).toBe('batch-7-ack');
      // Reads carry no key.
      await liaison(['inbox'], env);
      expect(node.seen[3]).toMatchObject({ method: 'GET', url: '/inbox', key: undefined });
    } finally {
      await node.close();
    }
  });

  it('a 5xx with Retry-After is retried with the same key; the retries are bounded (exit 3 after them)', async () => {
    const busy = await stubNode((n, _req, res) =>
      n === 1 ? json(res, 503, { error: 'busy', message: 'retry shortly' }, { 'retry-after': '0' }) : json(res, 201, { id: ID, deadline: '2026-12-03T00:00:00.000Z', status: 'SENT' }),
    );
    try {
      const sent = await liaison(['send', '--to', 'ES', '--body', '-', '--json'], { LIAISON_NODE_URL: busy.url, LIAISON_TOKEN: TOKEN }, JSON.stringify({ names: { family: 'Janssen' }, case_reference: 'NL-1', reason: 'r', legal_basis: 'b' }));
      expect(sent.code).toBe(0);
      expect(JSON.parse(sent.stdout)).toMatchObject({ id: ID, status: 'SENT' });
      expect(busy.seen).toHaveLength(2);
      expect(busy.seen[1].key).toBe(busy.seen[0].key);
    } finally {
      await busy.close();
    }
    const broken = await stubNode((_n, req) => reset(req));
    try {
      const result = await liaison(['acknowledge', ID, '--retries', '2'], { LIAISON_NODE_URL: broken.url, LIAISON_TOKEN: TOKEN });
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/cannot reach .* \(ECONNRESET\)/);
      expect(broken.seen).toHaveLength(3);
      expect(new Set(broken.seen.map((s) => s.key)).size).toBe(1);
    } finally {
      await broken.close();
    }
    // Nothing listening: refused, retried, then exit 3.
    const gone = await stubNode(() => undefined);
    await gone.close();
    const refused = await liaison(['acknowledge', ID, '--retries', '1'], { LIAISON_NODE_URL: gone.url, LIAISON_TOKEN: TOKEN });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/retrying \(1\) after ECONNREFUSED[\s\S]*cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });

  it('prints RFC 9457 problem details (detail and field errors), else the older {error, message}; exit 3', async () => {
    const node = await stubNode((n, _req, res) =>
      n === 1
        ? res
            .writeHead(400, { 'content-type': 'application/problem+json' })
            .end(JSON.stringify({ type: 'about:blank', title: 'Invalid request', status: 400, detail: 'the answer is not valid', errors: [{ field: '/details/summary', message: 'must be a string' }] }))
        : json(res, 409, { error: 'illegal_transition', message: 'notice is already ANSWERED' }),
    );
    try {
      const env = { LIAISON_NODE_URL: node.url, LIAISON_TOKEN: TOKEN };
      const problem = await liaison(['answer', ID, '--outcome', 'no-hit'], env);
      expect(problem.code).toBe(3);
      expect(problem.stderr).toMatch(/HTTP 400: Invalid request: the answer is not valid\n\s+\/details\/summary: must be a string/);
      const old = await liaison(['acknowledge', ID], env);
      expect(old.code).toBe(3);
      expect(old.stderr).toMatch(/HTTP 409: illegal_transition: notice is already ANSWERED/);
      expect(problem.stdout + problem.stderr + old.stdout + old.stderr).not.toContain(TOKEN);
    } finally {
      await node.close();
    }
  });
});
