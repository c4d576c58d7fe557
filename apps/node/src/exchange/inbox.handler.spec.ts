import type { EnvelopeOpener, NoticeClaims, OpenResult } from '@liaison/envelope';
import { uuidv7 } from '@liaison/ids';
import { federationTopics, InboundMessage } from '@liaison/transport';
import type { NodeConfig } from '../config/node-config';
import type { Clock } from '../tokens';
import { ContentCipher } from './content-cipher';
import type { EnvelopeDispatcher } from './dispatcher';
import { MetricsRegistry } from '../metrics';
import { ExchangeExtensions } from './extensions';
import { ExchangeMetrics } from './exchange.metrics';
import type { ExchangeRepository, NoticeRow, RejectedRow } from './exchange.repository';
import { InboxHandler } from './inbox.handler';
import { LedgerDamagedError } from '../ledger/ledger.sequencer';
import type { LedgerRepository } from '../ledger/ledger.repository';
import { PendingWrites, UnitOfWork } from './unit-of-work';

/**
 * The handler's orchestration with the database and crypto faked: which failures make the batch
 * retry (infrastructure) and which turn one message into a refusal (its own data), never both.
 */
const NOW = new Date('2026-12-02T10:00:00Z');
const T = NOW.getTime() / 1000;

function claims(): NoticeClaims {
  return {
    iss: 'ES', aud: ['NL'], jti: uuidv7(() => NOW.getTime()), iat: T, exp: T + 86400, kind: 'identity-query', handling: { code: 'H0' },
    priority: 'normal', chseq: { NL: 0 }, body: { names: { family: 'X' } },
  } as NoticeClaims;
}

class Harness {
  notices: NoticeRow[] = [];
  rejected: RejectedRow[] = [];
  committed: PendingWrites[] = [];
  /** Makes inserting these notice ids fail with this error. */
  failNotice = new Map<string, unknown>();
  failRejected: unknown = null;

  readonly repository = {
    findReceived: async () => [],
    recordedPositions: async () => [],
    lockOutbound: async () => [],
    insertRejected: async (_tx: unknown, rows: RejectedRow[]) => {
      if (this.failRejected && rows.length) throw this.failRejected;
      this.rejected.push(...rows);
      return rows.map((r) => ({ partition: r.partition, offset: r.offset }));
    },
    insertRedelivered: async () => [],
    insertReceived: async () => [],
    insertNotices: async (_tx: unknown, rows: NoticeRow[]) => {
      for (const r of rows) if (this.failNotice.has(r.id)) throw this.failNotice.get(r.id);
      this.notices.push(...rows);
    },
    insertRecipients: async () => [],
    moveOutbound: async () => undefined,
  } as unknown as ExchangeRepository;

  readonly ledger = { sentUndelivered: async () => [] } as unknown as LedgerRepository;

  /** A transaction that keeps its writes only when the work succeeds. */
  readonly unit = {
    run: async <T>(work: (tx: unknown, pending: PendingWrites) => Promise<T>): Promise<T> => {
      const before = { notices: this.notices.length, rejected: this.rejected.length };
      const pending = new PendingWrites();
      try {
        const value = await work({}, pending);
        this.committed.push(pending);
        return value;
      } catch (error) {
        this.notices.length = before.notices;
        this.rejected.length = before.rejected;
        throw error;
      }
    },
  } as unknown as UnitOfWork;

  handler(results: OpenResult[]): InboxHandler {
    let i = 0;
    const opener = { open: async () => results[i++] } as unknown as EnvelopeOpener;
    const dispatcher = { dispatch: async () => [] } as unknown as EnvelopeDispatcher;
    const clock = { now: () => NOW } as Clock;
    const config = { agency: 'NL', deadlines: { urgentHours: 8, normalDays: 7 } } as NodeConfig;
    return new InboxHandler(this.unit, this.repository, opener, dispatcher, new ContentCipher(new Uint8Array(32)), federationTopics('p'), clock, new ExchangeMetrics(new MetricsRegistry()), config, new ExchangeExtensions(), this.ledger);
  }
}

const messages = (n: number): InboundMessage[] =>
  Array.from({ length: n }, (_, i) => ({ topic: 'p.inbox.NL', partition: 0, offset: String(i), key: null, value: Buffer.from(`m${i}`), headers: {}, timestamp: '0' }));
const ok = (c: NoticeClaims): OpenResult => ({ ok: true, claims: c, digest: c.jti.replace(/-/g, '').padEnd(64, '0'), signerKid: 'k' });

describe('InboxHandler', () => {
  it('records a whole batch in one transaction when nothing fails', async () => {
    const h = new Harness();
    const [a, b] = [claims(), claims()];
    await h.handler([ok(a), ok(b)]).handleBatch(messages(2));
    expect(h.notices.map((n) => n.id)).toEqual([a.jti, b.jti]);
    expect(h.committed).toHaveLength(1);
  });

  it('refuses only the message whose recording fails for a reason of its own, and records the others', async () => {
    const h = new Harness();
    const [a, bad, c] = [claims(), claims(), claims()];
    h.failNotice.set(bad.jti, Object.assign(new Error('violates check constraint'), { code: '23514', constraint: 'notice_kind_check' }));
    await h.handler([ok(a), ok(bad), ok(c)]).handleBatch(messages(3));
    expect(h.notices.map((n) => n.id)).toEqual([a.jti, c.jti]);
    expect(h.rejected).toEqual([expect.objectContaining({ code: 'recording_failed', offset: '1', detail: expect.stringMatching(/23514, constraint notice_kind_check/) })]);
    const ledger = h.committed.flatMap((p) => p.ledger);
    expect(ledger.filter((e) => e.event === 'rejected')).toHaveLength(1);
    expect(h.committed.flatMap((p) => p.outbox).filter((o) => o.topic === 'p.dead-letter.NL')).toHaveLength(1);
  });

  it('fails the batch (the consumer retries it) when the database itself is unreachable, refusing nothing', async () => {
    const h = new Harness();
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const [a] = [claims()];
    h.failNotice.set(a.jti, down);
    await expect(h.handler([ok(a)]).handleBatch(messages(1))).rejects.toBe(down);
    expect(h.rejected).toEqual([]);
  });

  it('fails the batch when even the refusal cannot be recorded, rather than losing the message', async () => {
    const h = new Harness();
    const [a] = [claims()];
    h.failNotice.set(a.jti, Object.assign(new Error('bad'), { code: '22P02' }));
    h.failRejected = Object.assign(new Error('duplicate key value violates unique constraint "ledger_entry_pkey"'), { code: '23505' });
    await expect(h.handler([ok(a)]).handleBatch(messages(1))).rejects.toMatchObject({ code: '23505' });
    expect(h.notices).toEqual([]);
  });

  it('fails the batch, refusing nothing, when the ledger refuses appends (a forged row at the next seq)', async () => {
    const h = new Harness();
    const [a, b] = [claims(), claims()];
    const damaged = new LedgerDamagedError('entry 12 was never appended by this node');
    h.failNotice.set(a.jti, damaged);
    await expect(h.handler([ok(a), ok(b)]).handleBatch(messages(2))).rejects.toBe(damaged);
    expect(h.rejected).toEqual([]);
  });
});
