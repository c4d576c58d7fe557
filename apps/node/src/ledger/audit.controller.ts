// The auditor's API: metadata and digests only (entries never hold notice content), proofs,
// checkpoints with cosignatures, witness alerts, and the streamed audit bundle.
import { once } from 'events';
import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import type { ServerResponse } from 'http';
import { Roles } from '@liaison/auth';
import { AgencyKeyring, TrustStore } from '@liaison/envelope';
import { encodeBase64 } from '@liaison/ledger';
import { Clock, NODE_CONFIG } from '../tokens';
import { BundleDeps, BundleRangeError, NotCheckpointedError, bundleNdjson, planBundle } from './audit-bundle';
import { CheckpointService } from './checkpoint.service';
import { ENTRY_FILTER_PARAMS, QueryError, integer, messageIdParam, parseEntryFilter } from './audit.query';
import { LedgerConfig } from './ledger.config';
import { LedgerIntegrity } from './ledger.integrity';
import { LedgerProofs } from './ledger.proofs';
import { LedgerRepository, StoredEntry } from './ledger.repository';
import { problem, ProblemException } from '../http/problem';
import { QueryParams } from '../http/request-shape';

type Query = Record<string, unknown>;

/** Waits for the client to take more (or leave), removing both listeners whichever comes first. */
async function drainedOrClosed(res: ServerResponse): Promise<void> {
  const done = new AbortController();
  try {
    await Promise.race([once(res, 'drain', { signal: done.signal }), once(res, 'close', { signal: done.signal })]);
  } finally {
    done.abort();
  }
}

function entryView(r: StoredEntry) {
  return { ...r.entry, leafHash: r.leafHash.toString('base64') };
}

function badRequest(e: QueryError | BundleRangeError): ProblemException {
  return new ProblemException(problem(400, 'invalid_request', e.message, { errors: [{ field: e.field, message: e.message }] }));
}

/** Runs a handler, turning validation errors into a 400 that names the field. */
async function validated<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof QueryError || e instanceof BundleRangeError) throw badRequest(e);
    throw e;
  }
}

@Controller('audit')
@Roles('auditor')
export class AuditController {
  constructor(
    private readonly repo: LedgerRepository,
    private readonly ledger: LedgerProofs,
    private readonly integrity: LedgerIntegrity,
    private readonly checkpoints: CheckpointService,
    private readonly keyring: AgencyKeyring,
    private readonly trust: TrustStore,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: LedgerConfig,
  ) {}

  /** Entries filtered by time range, counterpart, kind, event, message id; keyset pages by seq (`after`). */
  @Get('entries')
  @QueryParams(...ENTRY_FILTER_PARAMS)
  entries(@Query() query: Query) {
    return validated(async () => {
      const filter = parseEntryFilter(query);
      const rows = await this.repo.filteredEntries(filter, filter.limit + 1);
      const page = rows.slice(0, filter.limit);
      return {
        entries: page.map(entryView),
        next: rows.length > filter.limit ? String(page[page.length - 1].entry.seq) : null,
      };
    });
  }

  /** Everything the ledger holds about one message: its own entries and those that refer to it. */
  @Get('messages/:id/timeline')
  timeline(@Param('id') id: string) {
    return validated(async () => {
      const messageId = messageIdParam(id);
      const rows = await this.repo.timeline(messageId, 10000);
      if (rows.length === 0) throw new ProblemException(problem(404, 'not_found', `no ledger entry for message ${messageId}`));
      return { messageId, entries: rows.map(entryView) };
    });
  }

  @Get('proofs/inclusion')
  @QueryParams('seq', 'size')
  inclusion(@Query() query: Query) {
    return validated(async () => {
      const seq = integer(query, 'seq', { required: true }) as number;
      const head = await this.ledger.head();
      const size = integer(query, 'size', { min: 1, max: Number(head.size) }) ?? (await this.checkpoints.latest())?.size ?? Number(head.size);
      if (seq >= size) throw new QueryError('seq', `seq must be below size (${size})`);
      const leaf = await this.repo.leafHash(seq);
      if (leaf === null) throw new ProblemException(problem(404, 'not_found', `no entry ${seq}`));
      const proof = await this.ledger.inclusionProof(BigInt(seq), BigInt(size));
      const checkpoint = await this.checkpoints.status(size);
      return {
        seq,
        size,
        leafHash: encodeBase64(leaf),
        proof: proof.map(encodeBase64),
        rootHash: encodeBase64(await this.ledger.rootAt(BigInt(size))),
        checkpoint: checkpoint?.cosignedNote ?? null,
      };
    });
  }

  @Get('proofs/consistency')
  @QueryParams('from', 'to')
  consistency(@Query() query: Query) {
    return validated(async () => {
      const head = await this.ledger.head();
      const from = integer(query, 'from', { required: true, max: Number(head.size) }) as number;
      const to = integer(query, 'to', { required: true, max: Number(head.size) }) as number;
      if (from > to) throw new QueryError('from', 'from must not exceed to');
      const proof = await this.ledger.consistencyProof(BigInt(from), BigInt(to));
      return {
        from,
        to,
        proof: proof.map(encodeBase64),
        fromRootHash: encodeBase64(await this.ledger.rootAt(BigInt(from))),
        toRootHash: encodeBase64(await this.ledger.rootAt(BigInt(to))),
      };
    });
  }

  /** The latest checkpoint with its cosignatures and whether the quorum is reached (the admin's witness status too). */
  @Get('checkpoint')
  @Roles('auditor', 'admin')
  async checkpoint() {
    const status = await this.checkpoints.status();
    if (!status) throw new ProblemException(problem(404, 'not_found', 'no checkpoint yet'));
    return status;
  }

  /**
   * The operator's damage report: a full self-audit now, in one snapshot, naming every damage
   * (seq, kind); plus what the background audit currently knows. Reports only, never repairs.
   */
  @Get('integrity')
  @Roles('auditor', 'admin')
  integrityReport() {
    return validated(async () => {
      const report = await this.integrity.auditNow();
      return { ...report, background: this.integrity.status(), runbook: 'docs/runbook-ledger-damage.md' };
    });
  }

  /** Witness alerts: refused checkpoints with both signed notes as evidence (ours and those we raised). */
  @Get('alerts')
  @QueryParams('after', 'limit')
  alerts(@Query() query: Query) {
    return validated(async () => {
      const after = integer(query, 'after') ?? 0;
      const limit = integer(query, 'limit', { min: 1, max: 1000 }) ?? 100;
      const alerts = await this.repo.alerts(after, limit);
      return { alerts, next: alerts.length === limit ? String(alerts[alerts.length - 1].id) : null };
    });
  }

  /** The audit bundle (NDJSON), streamed from keyset pages: memory stays flat however large the range. */
  @Get('bundle')
  @QueryParams('from', 'to')
  async bundle(@Query() query: Query, @Res() res: ServerResponse): Promise<void> {
    const plan = await validated(async () => {
      return planBundle(this.deps(), integer(query, 'from'), integer(query, 'to'));
    }).catch((e: unknown) => {
      if (!(e instanceof NotCheckpointedError)) throw e;
      // Not a bad request: the next checkpoint round covers it, so say when to ask again.
      const retryAfter = Math.max(1, Math.ceil(this.config.checkpoint.everySeconds));
      throw new ProblemException(problem(409, 'not_checkpointed', e.message, { errors: [{ field: 'to', message: e.message }], retryAfterSeconds: retryAfter }), {
        'Retry-After': String(retryAfter),
      });
    });
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="audit-${this.config.agency}-${plan.header.from}-${plan.header.to}.ndjson"`);
    res.setHeader('Cache-Control', 'no-store');
    try {
      for await (const line of bundleNdjson(this.deps(), plan)) {
        if (res.destroyed) return;
        if (!res.write(line)) await drainedOrClosed(res);
      }
      res.end();
    } catch (e) {
      // Headers are gone: cut the stream so the bundle is visibly incomplete (no final checkpoint line).
      res.destroy(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private deps(): BundleDeps {
    return { ledger: this.ledger, repo: this.repo, checkpoints: this.checkpoints, keyring: this.keyring, trust: this.trust, clock: this.clock, config: this.config };
  }
}
