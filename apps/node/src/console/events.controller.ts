import { Controller, MessageEvent, OnModuleDestroy, Req, Sse } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { createHash } from 'crypto';
import { decodeJwt } from 'jose';
import { EMPTY, NEVER, Observable, Subject, catchError, distinctUntilChanged, exhaustMap, from, interval, map, merge, shareReplay, startWith, takeUntil, timer } from 'rxjs';
import { bearerToken, CurrentPrincipal, Principal, Roles } from '@liaison/auth';
import { NoticeQueries } from '../exchange/notice.queries';
import { CheckpointService } from '../ledger/checkpoint.service';
import { LedgerProofs } from '../ledger/ledger.proofs';

/** How often the node looks for changes on behalf of every open console (one query per list). */
const EVENTS_POLL_MS = 2000;
/** A comment line now and then keeps idle proxies from closing the stream. */
const HEARTBEAT_MS = 25_000;
const INBOX_WATCH_LIMIT = 200;
const SENT_WATCH_LIMIT = 100;

/**
 * Server-sent events for the console: `inbox` when the agency's inbox changed, `sent` when a
 * sent notice's progress changed, `ledger` (to auditors and admins) when the ledger grew or the
 * latest checkpoint or its cosignatures changed. The events carry no notice data; the console
 * then reads the list through the normal API with its own filters. One shared query per list serves every
 * open console, and only while someone listens. The console reads the stream with fetch() and
 * its bearer header (EventSource cannot send one), so no token is ever put in a URL; the stream
 * ends when the token expires and the reconnect is authenticated again.
 */
@ApiExcludeController()
@Controller('console/api')
export class ConsoleEventsController implements OnModuleDestroy {
  private readonly stopped = new Subject<void>();
  private readonly inbox$: Observable<string>;
  private readonly sent$: Observable<string>;
  private readonly ledger$: Observable<string>;

  constructor(queries: NoticeQueries, proofs: LedgerProofs, checkpoints: CheckpointService) {
    this.inbox$ = this.watch(() => queries.inbox({ limit: INBOX_WATCH_LIMIT }));
    this.sent$ = this.watch(() => queries.sent(SENT_WATCH_LIMIT));
    this.ledger$ = this.watch(async () => {
      const [head, checkpoint] = await Promise.all([proofs.head(), checkpoints.status()]);
      return [String(head.size), checkpoint?.size ?? null, checkpoint?.cosignatures.map((c) => c.witness) ?? []];
    });
  }

  onModuleDestroy(): void {
    this.stopped.next();
    this.stopped.complete();
  }

  @Sse('events')
  @Roles('operator', 'liaison_officer', 'auditor', 'admin')
  events(@CurrentPrincipal() principal: Principal, @Req() req: { headers: { authorization?: string } }): Observable<MessageEvent> {
    const streams: Observable<MessageEvent>[] = [interval(HEARTBEAT_MS).pipe(map(() => ({ type: 'heartbeat', data: '' })))];
    if (principal.roles.includes('liaison_officer')) streams.push(this.inbox$.pipe(map(() => ({ type: 'inbox', data: '' }))));
    if (principal.roles.includes('operator')) streams.push(this.sent$.pipe(map(() => ({ type: 'sent', data: '' }))));
    if (principal.roles.some((r) => r === 'auditor' || r === 'admin')) streams.push(this.ledger$.pipe(map(() => ({ type: 'ledger', data: '' }))));
    const lifetime = tokenLifetimeMs(req.headers.authorization);
    return merge(...streams).pipe(takeUntil(merge(lifetime === null ? NEVER : timer(lifetime), this.stopped)));
  }

  /** A digest of the list each time it changes; the newest digest is replayed to a new listener. */
  private watch(read: () => Promise<unknown>): Observable<string> {
    return interval(EVENTS_POLL_MS).pipe(
      startWith(0),
      exhaustMap(() => from(read()).pipe(catchError(() => EMPTY))), // a failed read is retried at the next tick
      map((rows) => createHash('sha256').update(JSON.stringify(rows)).digest('base64')),
      distinctUntilChanged(),
      shareReplay({ bufferSize: 1, refCount: true }),
    );
  }
}

/** Milliseconds until the (already verified) bearer token expires; null when it sets no expiry. */
export function tokenLifetimeMs(authorization: string | undefined, now = Date.now()): number | null {
  const token = bearerToken(authorization);
  if (!token) return 0;
  const exp = decodeJwt(token).exp;
  return typeof exp === 'number' ? Math.max(0, exp * 1000 - now) : null;
}
