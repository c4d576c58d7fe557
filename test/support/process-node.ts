import { ChildProcess, execFileSync } from 'child_process';
import { spawnNode } from '@liaison/federation';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, WriteStream } from 'fs';
import { tmpdir } from 'os';
import { once } from 'events';
import { join } from 'path';
import { run as reconcile } from '../../apps/cli/src/commands/reconcile';
import { run as verify } from '../../apps/cli/src/commands/verify';
import { countRows, downloadAuditBundle, expectReceiptedOnce, noticeRequest, TestFederation, useFreePorts } from './federation';

export const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'apps', 'node', 'src', 'main.js');
export const ARTIFACTS = join(ROOT, 'test', 'artifacts');

function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (name.endsWith('.ts') && !name.endsWith('.spec.ts')) newest = Math.max(newest, stat.mtimeMs);
  }
  return newest;
}

/** Compiles the tree (tsconfig.build.json) when dist/ is missing or older than a source file. */
export function ensureBuilt(): void {
  const built = existsSync(MAIN) ? statSync(MAIN).mtimeMs : 0;
  if (built >= Math.max(newestSource(join(ROOT, 'apps')), newestSource(join(ROOT, 'libs')))) return;
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
}

/**
 * A compiled node (dist/apps/node/src/main.js) running as its own process with a
 * TestFederation environment, so tests can SIGKILL it. Its output goes to
 * test/artifacts/<prefix>-<agency>[-<name>].log (appended across restarts).
 */
export class ProcessNode {
  private child: ChildProcess | null = null;
  private log: WriteStream | null = null;
  readonly logFile: string;
  restarts = 0;

  constructor(
    private readonly fed: TestFederation,
    readonly agency: string,
    private readonly extra: Record<string, string> = {},
    name = '',
  ) {
    mkdirSync(ARTIFACTS, { recursive: true });
    this.logFile = join(ARTIFACTS, `${fed.topics.prefix}-${agency}${name ? `-${name}` : ''}.log`);
  }

  get port(): number {
    return Number(this.env().PORT);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  env(): Record<string, string> {
    return this.fed.env(this.agency, this.extra);
  }

  /** Spawns the process and waits for GET /health/ready to answer 200 (a deadline). */
  async start(timeoutMs = 90000): Promise<void> {
    if (this.running) throw new Error(`${this.agency} node already runs (pid ${this.pid})`);
    this.log = createWriteStream(this.logFile, { flags: 'a' });
    this.log.write(`--- start ${new Date().toISOString()} (restart ${this.restarts})\n`);
    const node = await spawnNode({
      agency: this.agency,
      port: this.port,
      root: ROOT,
      env: { NODE_ENV: 'test', KAFKAJS_NO_PARTITIONER_WARNING: '1', ...this.env() },
      logFile: this.logFile,
      log: this.log,
      timeoutMs,
    });
    this.child = node.child;
  }

  /** Sends a signal and waits for the process to exit. */
  async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
    this.log?.write(`--- ${signal} ${new Date().toISOString()}\n`);
  }

  /** SIGKILL: no shutdown hooks, no flush, no offset commit. */
  kill(): Promise<void> {
    return this.signal('SIGKILL');
  }

  /** Graceful stop (SIGTERM: main.ts closes the node within SHUTDOWN_DEADLINE_MS); SIGKILL if it does not exit within the deadline. */
  async stop(timeoutMs = 20000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
    this.log?.end();
  }

  async restart(): Promise<void> {
    this.restarts++;
    await this.start();
  }
}

/**
 * Streams `count` notices to ES through `sender`'s API (`concurrency` at a time); a request refused
 * or cut during an outage is retried until the deadline. NL's own notice table is the ground truth,
 * so a retried request whose first attempt was committed only means one more notice, never a lost
 * one. Returns how many the API accepted (201).
 */
export async function streamNotices(fed: TestFederation, sender: { agency: string; url: string }, count: number, concurrency = 4, deadlineMs = 240000): Promise<number> {
  const token = await fed.token(sender.agency, 'operator');
  let next = 0;
  let accepted = 0;
  const deadline = Date.now() + deadlineMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        for (;;) {
          try {
            const response = await fetch(`${sender.url}/notices`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
              body: JSON.stringify(noticeRequest(['ES'], { priority: 'normal' })),
              signal: AbortSignal.timeout(30000),
            });
            await response.arrayBuffer();
            if (response.status === 201) {
              accepted++;
              break;
            }
            if (response.status < 500) throw new Error(`POST /notices: ${response.status}`);
          } catch (error) {
            if ((error as Error).message.startsWith('POST /notices')) throw error;
          }
          if (Date.now() > deadline) throw new Error('stream: deadline passed');
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    }),
  );
  return accepted;
}

/**
 * Everything NL ever sent is at ES exactly once, DELIVERED at NL, with one ledger entry per step
 * on each side and gapless channel numbers; refusals only of duplicates. Returns the count.
 */
export async function expectNlToEsExactlyOnce(fed: TestFederation): Promise<number> {
  const n = await countRows(fed, 'NL', 'notice', `direction = 'outbound' AND kind = 'identity-query'`);
  await fed.waitFor(
    async () => (await countRows(fed, 'NL', 'notice_recipient', `agency = 'ES' AND status = 'DELIVERED'`)) === n,
    `all ${n} notices DELIVERED at NL`,
    180000,
  );
  // Quiet: both outboxes drained (receipts included).
  await fed.waitFor(async () => (await countRows(fed, 'NL', 'outbox')) === 0 && (await countRows(fed, 'ES', 'outbox')) === 0, 'outboxes drained', 60000);

  const sentIds = (await fed.sql<{ id: string }>('NL', `SELECT id FROM notice WHERE direction = 'outbound'`)).map((r) => r.id);
  expect(sentIds).toHaveLength(n);
  // ES: one notice, one received_message and one 'received' per notice, each receipted once; nothing else from NL.
  expect(await countRows(fed, 'ES', 'notice', `direction = 'inbound' AND sender = 'NL'`)).toBe(n);
  expect(await countRows(fed, 'ES', 'notice', `id = ANY($1::uuid[])`, [sentIds])).toBe(n);
  expect(await countRows(fed, 'ES', 'received_message', `sender = 'NL' AND kind = 'identity-query'`)).toBe(n);
  expect(await countRows(fed, 'ES', 'ledger_entry', `event = 'received' AND kind = 'identity-query'`)).toBe(n);
  expect(await countRows(fed, 'ES', 'ledger_entry', `event = 'received' AND kind = 'identity-query' AND message_id = ANY($1)`, [sentIds])).toBe(n);
  expect(await countRows(fed, 'ES', 'notice_recipient', `status = 'DELIVERED'`)).toBe(n);
  // NL: one 'sent' and one 'delivered' per notice; every receipt ES sent was received once.
  expect(await countRows(fed, 'NL', 'ledger_entry', `event = 'sent' AND kind = 'identity-query'`)).toBe(n);
  const receipts = await expectReceiptedOnce(fed, 'NL', 'ES', sentIds);
  expect(await countRows(fed, 'NL', 'received_message', `sender = 'ES' AND kind = 'receipt'`)).toBe(receipts);
  expect(await countRows(fed, 'NL', 'ledger_entry', `event = 'delivered' AND counterpart = 'ES'`)).toBe(n);
  // Channel numbers: NL→ES is 0..n-1 without a gap or a repeat, on both sides.
  for (const agency of ['NL', 'ES']) {
    const seqs = await fed.sql<{ n: number; lo: string; hi: string; d: number }>(
      agency,
      `SELECT count(*)::int AS n, min(channel_seq) AS lo, max(channel_seq) AS hi, count(DISTINCT channel_seq)::int AS d
         FROM ledger_entry WHERE channel_sender = 'NL' AND channel_recipient = 'ES' AND event = $1`,
      [agency === 'NL' ? 'sent' : 'received'],
    );
    expect(seqs[0]).toEqual({ n, lo: '0', hi: String(n - 1), d: n });
  }
  // Refusals at either side may only be duplicates of what was already recorded (a relay that
  // re-sends rows it published just before a crash): never a refusal of anything else.
  for (const agency of ['NL', 'ES']) {
    const codes = await fed.sql<{ code: string }>(agency, `SELECT DISTINCT code FROM rejected_message`);
    expect(codes.map((c) => c.code).filter((c) => c !== 'replay')).toEqual([]);
  }
  return n;
}

/** Both nodes' ledgers verify offline from their audit bundles, and reconciling them finds no gap. */
export async function expectLedgersVerifyAndReconcile(fed: TestFederation, nodes: { agency: string; url: string }[], dir: string, label: string): Promise<void> {
  const files: string[] = [];
  for (const node of nodes) {
    // Wait for a checkpoint (witnessed when a quorum is configured) covering the whole ledger.
    await fed.waitFor(async () => {
      const size = await countRows(fed, node.agency, 'ledger_entry');
      const response = await fetch(`${node.url}/audit/checkpoint`, { headers: { authorization: `Bearer ${await fed.token(node.agency, 'auditor')}` } });
      if (response.status !== 200) return false;
      const checkpoint = (await response.json()) as { size: number; witnessed: boolean };
      return Number(checkpoint.size) === size && checkpoint.witnessed;
    }, `${node.agency} checkpoint covering its ledger`, 60000);
    files.push(await downloadAuditBundle(fed, node.agency, join(dir, `${label}-${node.agency}.ndjson`), node.url));
  }
  const root = JSON.stringify(fed.material.rootPublicJwk);
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  let verified: number[];
  let reconciled: number;
  try {
    verified = [await verify([files[0], '--root', root]), await verify([files[1], '--root', root])];
    reconciled = await reconcile([files[0], files[1], '--root', root, '--json']);
  } finally {
    out.mockRestore();
  }
  if (reconciled !== 0) {
    // Show why (metadata only: ids, sequence numbers, digests).
    process.stderr.write(`reconcile ${label}: exit ${reconciled}\n`);
    await reconcile([files[0], files[1], '--root', root]);
  }
  expect(verified).toEqual([0, 0]);
  expect(reconciled).toBe(0);
}

/** NL and ES as compiled node processes on a fresh TestFederation, with a scratch directory for bundles. */
export class ProcessPair {
  private constructor(readonly fed: TestFederation, readonly nl: ProcessNode, readonly es: ProcessNode, readonly dir: string) {}

  /** `kafkaBrokers`: on another broker or cluster than the shared one (see TestFederation.create). */
  static async start(options: { kafkaBrokers?: string } = {}): Promise<ProcessPair> {
    ensureBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'liaison-fault-'));
    const fed = await TestFederation.create(['NL', 'ES'], options);
    await useFreePorts(fed, ['NL', 'ES']);
    const pair = new ProcessPair(fed, new ProcessNode(fed, 'NL'), new ProcessNode(fed, 'ES'), dir);
    await Promise.all([pair.nl.start(), pair.es.start()]);
    return pair;
  }

  async destroy(): Promise<void> {
    await Promise.all([this.nl.stop(), this.es.stop()]);
    await this.fed.destroy();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
