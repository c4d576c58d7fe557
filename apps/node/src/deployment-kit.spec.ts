// The deployment kit agrees with the code: the Kubernetes manifest's settings are ones the node
// reads and load as a valid configuration (secrets through NAME_FILE from the mounted paths), the
// probes hit the node's health routes on its port, the image runs the compiled node as the
// manifest's non-root user on that port with the node's process environment, and
// docker-compose.yml trusts no database connection.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { NODE_PROCESS_ENV_FILE, readEnvFile } from '@liaison/federation';
import { loadNodeConfig } from './config/node-config';
import { POOL_NAMES } from './persistence/pools';

const ROOT = join(__dirname, '..', '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const manifest = parseAllDocuments(read('deploy/kubernetes/agency-node.yaml')).map((d) => d.toJS());
const configMap = manifest.find((r) => r.kind === 'ConfigMap');
const deployment = manifest.find((r) => r.kind === 'Deployment');
const container = deployment.spec.template.spec.containers[0];
/** Every variable name the node's configuration reads (node config, Kafka settings, pools). */
const READ_NAMES = new Set(
  [read('apps/node/src/config/node-config.ts'), read('libs/transport/src/kafka-settings.ts')]
    .flatMap((source) => [...source.matchAll(/(?:reader\.\w+(?:<[^(]*>)?\(|hexKey\(reader, )\s*'([A-Z0-9_]+)'/g)].map((m) => m[1]))
    .concat(POOL_NAMES.map((name) => `LIAISON_DB_POOL_${name.toUpperCase()}`)),
);

describe('deployment kit', () => {
  it('sets only variables the node reads, and they load as a valid configuration with the secrets from the mounted files', () => {
    const env: Record<string, string> = { ...configMap.data };
    for (const { name, value } of container.env) env[name] = value;
    for (const name of Object.keys(env)) expect([name, READ_NAMES.has(name) || READ_NAMES.has(name.replace(/_FILE$/, ''))]).toEqual([name, true]);
    // Every secret is a file of the mounted Secret, never an inline value.
    const mounts = container.volumeMounts.map((m: { mountPath: string }) => m.mountPath);
    const fileVars = Object.entries(env).filter(([name]) => name.endsWith('_FILE') || name === 'LIAISON_KEY_FILE');
    for (const [, path] of fileVars) expect(mounts.some((m: string) => path.startsWith(`${m}/`))).toBe(true);
    for (const secret of ['DATABASE_URL', 'KAFKA_PASSWORD', 'LIAISON_KEY_ENCRYPTION_KEY', 'LIAISON_CONTENT_KEY']) {
      expect(env[secret]).toBeUndefined();
      expect(env[`${secret}_FILE`]).toMatch(/^\/run\/secrets\/liaison\//);
    }

    // Load it, the mounted paths mapped to a scratch directory holding sample secrets.
    const dir = mkdtempSync(join(tmpdir(), 'liaison-kit-'));
    try {
      const samples: Record<string, string> = {
        'database-url': 'postgres://liaison_owner:pw@db.nl.example:5432/liaison_nl?sslmode=verify-full&sslrootcert=/run/secrets/liaison/database-url',
        'database-app-url': 'postgres://liaison_nl_app:pw@db.nl.example:5432/liaison_nl',
        'kafka-password': 'pw',
        'key-encryption-key': 'ab'.repeat(32),
        'content-key': 'cd'.repeat(32),
        'directory-root.jwk.json': JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: 'x'.repeat(43) }),
        'ca.crt': '-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n',
      };
      const local = (path: string) => path.replace(/^\/run\/secrets\//, `${dir}/`);
      for (const mount of mounts) mkdirSync(local(mount), { recursive: true });
      for (const [name, value] of Object.entries(samples)) {
        for (const mount of mounts) writeFileSync(join(local(mount), name), value.replace('/run/secrets/', `${dir}/`));
      }
      const mapped = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.startsWith('/run/secrets/') ? local(v) : v]));
      const config = loadNodeConfig(mapped);
      expect(config.agency).toBe('NL');
      expect(config.httpHost).toBe('0.0.0.0');
      expect(config.kafka.tls).not.toBeNull();
      expect(config.kafka.username).toBe('nl'); // Strimzi's user name for NL (deploy/strimzi)
      expect(config.databaseUrl).toContain('sslmode=verify-full');
      const port = container.ports.find((p: { name: string }) => p.name === 'http').containerPort;
      expect(config.httpPort).toBe(port);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('probes /health/live and /health/ready on the node\'s port, runs 2 replicas with resources, non-root and read-only', () => {
    const health = read('apps/node/src/health/health.controller.ts');
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    expect(health).toContain("@Get('health/live')");
    expect(health).toContain("@Get('health/ready')");
    expect(deployment.spec.replicas).toBe(2);
    expect(container.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container.resources.limits.memory).toEqual(expect.any(String));
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(deployment.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    const service = manifest.find((r) => r.kind === 'Service');
    expect(service.spec.ports[0].targetPort).toBe('http');
  });

  it('builds the image in stages and runs the compiled node as the manifest\'s user on the manifest\'s port', () => {
    const dockerfile = read('deploy/docker/node.Dockerfile');
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^USER 10001:10001$/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(new RegExp(`^EXPOSE ${container.ports[0].containerPort}$`, 'm'));
    expect(dockerfile).toMatch(/ENV .*HOST=0\.0\.0\.0 PORT=3000/);
    // The process environment every other way of starting a node applies (deploy/node-process.env), the same here.
    const processEnv = Object.entries(readEnvFile(join(ROOT, NODE_PROCESS_ENV_FILE)));
    expect(processEnv.length).toBeGreaterThan(0);
    const dockerEnv = new Map([...dockerfile.matchAll(/^ENV (.*)$/gm)].flatMap((m) => m[1].split(/\s+/).map((kv) => kv.split('=') as [string, string])));
    for (const [name, value] of processEnv) expect([name, dockerEnv.get(name)]).toEqual([name, value]);
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]) as string[];
    expect(cmd.slice(-1)[0]).toBe('dist/apps/node/src/main.js');
    expect(existsSync(join(ROOT, 'apps/node/src/main.ts'))).toBe(true);
    for (const [, from] of dockerfile.matchAll(/^COPY (?!--from)(\S+) /gm)) expect([from, existsSync(join(ROOT, from))]).toEqual([from, true]);
  });

  it('docker-compose.yml trusts no database connection and gives each node its password-protected runtime role and process environment', () => {
    const compose = parse(read('docker-compose.yml'));
    expect(JSON.stringify(compose)).not.toMatch(/trust/i);
    expect(compose.services.postgres.environment.POSTGRES_INITDB_ARGS).toContain('--auth-host=scram-sha-256');
    for (const agency of ['nl', 'es', 'co']) {
      const node = compose.services[`node-${agency}`];
      expect(node.environment.DATABASE_APP_URL).toBe(`postgres://liaison_${agency}_app:\${POSTGRES_APP_PASSWORD_${agency.toUpperCase()}}@postgres:5432/liaison_${agency}`);
      expect(node.environment.HOST).toBe('0.0.0.0');
      expect(node.env_file[0]).toBe(NODE_PROCESS_ENV_FILE);
    }
    expect(read('deploy/local/secrets.sh')).toContain('POSTGRES_APP_PASSWORD_$a');
  });
});
