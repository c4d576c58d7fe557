import SwaggerParser from '@apidevtools/swagger-parser';
import { execFile } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { promisify } from 'util';
import { createAjv } from '@liaison/notices';
import { offlineOpenApi } from '../../apps/node/src/http/openapi-export';
import { sendNotices, TestFederation } from '../support/federation';

/**
 * The OpenAPI document of a running node is valid (a standard validator), describes every
 * operation fully, and means what it says: each documented example, sent to a running node,
 * gets the documented status, and the answers match the documented schemas. The same document
 * is built offline, and the typed client (libs/federation/src/api-types.ts, used by NodeClient,
 * so by the CLI and the tests) is what it generates.
 */
type Json = Record<string, any>;

describe('the OpenAPI document', () => {
  let fed: TestFederation;
  let doc: Json;

  beforeAll(async () => {
    fed = await TestFederation.create(['NL', 'ES', 'CO']);
    await Promise.all(['NL', 'ES'].map((a) => fed.start(a)));
    const r = await fed.get('ES', '/api/openapi.json', null);
    expect(r.status).toBe(200);
    doc = r.body;
  }, 180000);
  afterAll(async () => {
    await fed?.destroy();
  });

  const operations = () =>
    Object.entries(doc.paths as Json).flatMap(([path, item]) => Object.entries(item as Json).map(([method, op]) => ({ path, method: method.toUpperCase(), op: op as Json })));

  /** A validator for `#/components/schemas/<name>` of the document. */
  function validatorFor(schema: Json) {
    const ajv = createAjv();
    const defs = JSON.parse(JSON.stringify(doc.components.schemas).replaceAll('#/components/schemas/', 'openapi#/$defs/'));
    ajv.addSchema({ $id: 'openapi', $defs: defs });
    return ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('#/components/schemas/', 'openapi#/$defs/')));
  }

  it('is a valid OpenAPI 3.1 document (@apidevtools/swagger-parser)', async () => {
    expect(doc.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it('has the request schemas the validators use, and describes every operation with its security and every error as a problem', () => {
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Problem', 'ComposeRequest', 'AnswerRequest', 'DeclineRequest', 'PassOnRequest', 'IdentityQueryBody', 'LocationQueryBody', 'ResponseBody']));
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const ops = operations();
    expect(ops.length).toBeGreaterThanOrEqual(23);
    for (const { path, method, op } of ops) {
      const where = `${method} ${path}`;
      expect([where, typeof op.summary, typeof op.description]).toEqual([where, 'string', 'string']);
      const isPublic = path.startsWith('/health') || path === '/metrics' || path === '/directory.jws';
      expect([where, op.security]).toEqual([where, isPublic ? [] : [{ bearer: [] }]]);
      const statuses = Object.keys(op.responses).map(Number);
      expect([where, statuses.some((s) => s >= 200 && s < 300)]).toEqual([where, true]);
      for (const s of statuses.filter((x) => x >= 400)) expect([where, s, op.responses[s].content?.['application/problem+json']?.schema]).toEqual([where, s, { $ref: '#/components/schemas/Problem' }]);
      if (!isPublic) expect([where, statuses]).toEqual([where, expect.arrayContaining([401, 403])]);
      // Uploads take none: a retried upload leaves an unsent copy (deleted after a day), never a second send.
      if (method === 'POST' && !op.requestBody?.content?.['*/*']) {
        expect([where, (op.parameters as Json[]).map((p) => p.name)]).toEqual([where, expect.arrayContaining(['Idempotency-Key'])]);
      }
    }
    expect(doc.paths['/notices'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ComposeRequest' });
    expect(doc.paths['/inbox'].get.parameters.map((p: Json) => p.name)).toEqual(['status', 'kind', 'priority', 'sender', 'overdue', 'limit']);
    expect(doc.paths['/audit/entries'].get.security).toEqual([{ bearer: [] }]);
  });

  it('is the document built offline, without a broker or a database (apps/node/src/http/openapi-export.ts)', async () => {
    const offline = JSON.parse(JSON.stringify(await offlineOpenApi('ES')));
    // The example notice expires a week after the day the document was built: compare without it.
    const withoutExampleExpiry = (d: Json) => JSON.parse(JSON.stringify(d).replace(/"expiresAt":"[^"]*"/g, '"expiresAt":"…"'));
    expect(withoutExampleExpiry(offline)).toEqual(withoutExampleExpiry(doc));
  });

  it('generates the client types committed in libs/federation/src/api-types.ts (regenerate: node deploy/api-types.js)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'liaison-openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(doc));
      // A child process: openapi-typescript is ESM, which Jest's module system does not load.
      const run = promisify(execFile)(process.execPath, [join(__dirname, '..', '..', 'deploy', 'api-types.js'), '--check', file]);
      await expect(run).resolves.toMatchObject({ stderr: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60000);

  it('each documented example, sent to a running node, gets the documented status and a body of the documented schema', async () => {
    const withExamples = operations().filter(({ op }) => op.requestBody?.content?.['application/json']?.examples);
    expect(withExamples.map((o) => `${o.method} ${o.path}`).sort()).toEqual([
      'POST /cases', 'POST /inbox/{id}/answer', 'POST /inbox/{id}/assign', 'POST /inbox/{id}/decline', 'POST /inbox/{id}/notes', 'POST /inbox/{id}/pass-on',
      'POST /match/checks', 'POST /match/index/entries', 'POST /notices', 'POST /notices/batch', 'POST /notices/{id}/notes',
    ]);
    const inbound = await sendNotices(fed, 'NL', ['ES'], 12, 12); // 3 answers, 3 declines, 2 pass-ons, 2 assignments, 2 notes
    await fed.waitFor(async () => (await Promise.all(inbound.map((id) => fed.get('ES', `/inbox/${id}`, 'liaison_officer')))).every((r) => r.status === 200), 'ES to receive');
    let checked = 0;
    for (const { path, method, op } of withExamples) {
      for (const [name, example] of Object.entries(op.requestBody.content['application/json'].examples as Record<string, Json>)) {
        const expected = example['x-expected-status'] as number;
        // Sends (and cases) go from NL (the example's recipient is ES); inbox actions are ES's, each on a fresh notice.
        // Match: ES's admin imports; NL's operator checks (NL is configured to ask no holder: 403).
        const [agency, role, target] = path.startsWith('/notices') || path === '/cases' || path === '/match/checks' ? ['NL', 'operator', path]
          : path === '/match/index/entries' ? ['ES', 'admin', path] : ['ES', 'liaison_officer', path.replace('{id}', inbound.pop() as string)];
        const r = await fed.request(agency, method, target, role as never, example.value);
        const where = `${method} ${path} example ${name}`;
        expect([where, r.status]).toEqual([where, expected]);
        const documented = op.responses[String(expected)];
        expect([where, documented !== undefined]).toEqual([where, true]);
        const [type, media] = Object.entries(documented.content as Json)[0] as [string, Json];
        const validate = validatorFor(media.schema);
        expect([where, type, validate(r.body), validate.errors ?? null]).toEqual([where, type, true, null]);
        checked++;
      }
    }
    expect(checked).toBe(24);
  }, 120000);
});
