import { epochSeconds, uuidv7 } from '@liaison/ids';
import type { Handling } from '@liaison/notices';
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

/**
 * An envelope from this agency back to the sender of `original` (receipt, acknowledgement,
 * response): it refers to it (`re`) and lives at least a day, or as long as the original.
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
    exp: Math.max(epochSeconds(original.expiresAt), epochSeconds(now) + 24 * 3600),
    kind,
    handling,
    priority: original.priority,
    re: original.id,
    body,
  };
}
