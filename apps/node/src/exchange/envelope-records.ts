import { epochSeconds, uuidv7 } from '@liaison/ids';
import type { Handling, ReceiptBody } from '@liaison/notices';
import type { EnvelopeDraft } from './dispatcher';
import type { NoticeRow } from './exchange.repository';

/** The notice row (without its encrypted content) for an envelope we sent (outbound) or accepted (inbound). */
export function noticeRecordOf(
  claims: EnvelopeDraft,
  direction: NoticeRow['direction'],
  record: { digest: string; deadline: Date | null; createdBy: string | null },
): Omit<NoticeRow, 'content'> {
  return {
    id: claims.jti,
    direction,
    sender: claims.iss,
    recipients: claims.aud,
    kind: claims.kind,
    priority: claims.priority,
    handlingCode: claims.handling.code,
    handlingRestriction: claims.handling.restriction ?? null,
    grades: claims.grades ?? null,
    re: claims.re ?? null,
    caseId: claims.case ?? null,
    issuedAt: new Date(claims.iat * 1000),
    expiresAt: new Date(claims.exp * 1000),
    ...record,
  };
}

/** How long a reply lives: at least a day, or as long as the longest-lived envelope it answers. */
function replyExpiry(originals: { expiresAt: Date }[], now: Date): number {
  return Math.max(epochSeconds(now) + 24 * 3600, ...originals.map((o) => epochSeconds(o.expiresAt)));
}

/**
 * An envelope from this agency back to the sender of `original` (acknowledgement, response):
 * it refers to it (`re`) and lives at least a day, or as long as the original.
 */
export function replyDraft(
  from: string,
  original: { id: string; sender: string; expiresAt: Date; priority: EnvelopeDraft['priority'] },
  kind: string,
  body: unknown,
  handling: Handling,
  now: Date,
): EnvelopeDraft {
  return {
    iss: from,
    aud: [original.sender],
    jti: uuidv7(() => now.getTime()),
    iat: epochSeconds(now),
    exp: replyExpiry([original], now),
    kind,
    handling,
    priority: original.priority,
    re: original.id,
    body,
  };
}

/**
 * One receipt for envelopes from `sender` recorded together (PROTOCOL.md §2, batch receipts):
 * it names each by id and digest, carries no `re`, is urgent if any of them is, and lives as
 * long as the longest-lived of them.
 */
export function receiptDraft(
  from: string,
  sender: string,
  envelopes: { id: string; digest: string; expiresAt: Date; priority: EnvelopeDraft['priority'] }[],
  now: Date,
): EnvelopeDraft {
  const body: ReceiptBody = { received_at: now.toISOString(), received: envelopes.map(({ id, digest }) => ({ id, digest })) };
  return {
    iss: from,
    aud: [sender],
    jti: uuidv7(() => now.getTime()),
    iat: epochSeconds(now),
    exp: replyExpiry(envelopes, now),
    kind: 'receipt',
    handling: { code: 'H0' },
    priority: envelopes.some((e) => e.priority === 'urgent') ? 'urgent' : 'normal',
    body,
  };
}
