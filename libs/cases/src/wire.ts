/**
 * Case events on the wire: one notice kind per event type (`case-invite`, …), the case id in the
 * envelope's `case` claim, the event in the body. The schemas are registered in the notice-kind
 * registry, so the envelope opener refuses a malformed or oversize event before anything is
 * recorded. API requests to open a case are checked here too.
 */
import { AGENCY_CODE, CASE_REFERENCE } from '@liaison/ids';
import { createAjv, freeText, line, registerNoticeKind, getNoticeKind, toFieldErrors, type FieldError, handlingSchema, MAX_RECIPIENTS, validateHandling } from '@liaison/notices';
import { caseEventKind, type CaseDefinition, type CaseEvent, type CaseEventType } from './membership';

/** Limits of a case's text fields (API and wire alike). */
export const CASE_LIMITS = { title: 200, purpose: 2000, legalBasis: 1000, declineReason: 2000, members: 64 } as const;

const agency = { type: 'string', pattern: AGENCY_CODE.source } as const;
const agencies = { type: 'array', maxItems: CASE_LIMITS.members, uniqueItems: true, items: agency } as const;
const calendarDate = { type: 'string', format: 'date' } as const;
const seq = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

export const caseDefinitionSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['reference', 'title', 'purpose', 'legal_basis', 'handling', 'period', 'owner'],
  properties: {
    reference: { type: 'string', pattern: CASE_REFERENCE.source },
    title: line(CASE_LIMITS.title),
    purpose: freeText(CASE_LIMITS.purpose),
    legal_basis: freeText(CASE_LIMITS.legalBasis),
    handling: handlingSchema,
    period: { type: 'object', additionalProperties: false, required: ['from', 'until'], properties: { from: calendarDate, until: calendarDate } },
    owner: agency,
  },
} as const;

/** The body of each event kind. */
export const caseEventSchemas: Record<Exclude<CaseEventType, 'open'>, object> = {
  invite: { type: 'object', additionalProperties: false, required: ['agency', 'seq', 'case', 'members', 'invited'], properties: { agency, seq, case: caseDefinitionSchema, members: agencies, invited: agencies } },
  accept: { type: 'object', additionalProperties: false, required: ['agency'], properties: { agency } },
  decline: { type: 'object', additionalProperties: false, required: ['agency'], properties: { agency, reason: freeText(CASE_LIMITS.declineReason) } },
  join: { type: 'object', additionalProperties: false, required: ['agency', 'seq', 'members'], properties: { agency, seq, members: agencies } },
  leave: { type: 'object', additionalProperties: false, required: ['agency'], properties: { agency } },
  close: { type: 'object', additionalProperties: false, required: ['agency', 'seq'], properties: { agency, seq } },
};

/** Registers the case event kinds (not composable, not answerable). Idempotent. */
export function registerCaseEventKinds(): void {
  for (const [type, schema] of Object.entries(caseEventSchemas)) {
    const kind = caseEventKind(type as CaseEventType);
    if (!getNoticeKind(kind)) registerNoticeKind(kind, { title: `Case event: ${type}`, ...schema }, { answerable: false, isQuery: false });
  }
}
registerCaseEventKinds();

/** The event body carried by the envelope. */
export function caseEventBody(event: CaseEvent): Record<string, unknown> {
  const body: Record<string, unknown> = { agency: event.agency };
  if (event.seq !== undefined) body.seq = event.seq;
  if (event.type === 'invite') Object.assign(body, { case: event.definition, members: event.members, invited: event.invited });
  if (event.type === 'join') body.members = event.members;
  if (event.reason !== undefined) body.reason = event.reason;
  return body;
}

/** The event an accepted envelope carries (its body already validated against the kind's schema). */
export function caseEventOf(type: CaseEventType, caseId: string, body: unknown): CaseEvent {
  const b = body as { agency: string; seq?: number; case?: CaseDefinition; members?: string[]; invited?: string[]; reason?: string };
  return { type, caseId, agency: b.agency, seq: b.seq, definition: b.case, members: b.members, invited: b.invited, reason: b.reason };
}

export interface OpenCaseRequest {
  title: string;
  purpose: string;
  legalBasis: string;
  handling: CaseDefinition['handling'];
  period: { from: string; until: string };
  /** Agencies to invite at once. */
  invite?: string[];
}

export const openCaseRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['title', 'purpose', 'legalBasis', 'handling', 'period'],
  properties: {
    title: line(CASE_LIMITS.title),
    purpose: freeText(CASE_LIMITS.purpose),
    legalBasis: freeText(CASE_LIMITS.legalBasis),
    handling: handlingSchema,
    period: caseDefinitionSchema.properties.period,
    invite: { type: 'array', maxItems: MAX_RECIPIENTS, uniqueItems: true, items: agency },
  },
} as const;

export const inviteRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['agency'],
  properties: { agency },
} as const;

export const declineCaseRequestSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { reason: freeText(CASE_LIMITS.declineReason) },
} as const;

const ajv = createAjv();
const checkOpen = ajv.compile(openCaseRequestSchema);
const checkInvite = ajv.compile(inviteRequestSchema);
const checkDecline = ajv.compile(declineCaseRequestSchema);

type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** An operator's request to open a case: shape, H3 restriction, a period that ends on or after it starts, not inviting itself. */
export function validateOpenCaseRequest(input: unknown, me: string): Checked<OpenCaseRequest> {
  if (!checkOpen(input)) return { ok: false, errors: toFieldErrors(checkOpen.errors) };
  const r = input as unknown as OpenCaseRequest;
  const errors: FieldError[] = [];
  const handling = validateHandling(r.handling);
  if (!handling.ok) errors.push(...handling.errors.map((e) => ({ ...e, field: `/handling${e.field}` })));
  if (r.period.until < r.period.from) errors.push({ field: '/period/until', message: 'must not be before period.from' });
  (r.invite ?? []).forEach((a, i) => a === me && errors.push({ field: `/invite/${i}`, message: 'is this agency itself' }));
  return errors.length ? { ok: false, errors } : { ok: true, value: r };
}

export function validateInviteRequest(input: unknown, me: string): Checked<{ agency: string }> {
  if (!checkInvite(input)) return { ok: false, errors: toFieldErrors(checkInvite.errors) };
  const r = input as unknown as { agency: string };
  return r.agency === me ? { ok: false, errors: [{ field: '/agency', message: 'is this agency itself' }] } : { ok: true, value: r };
}

export function validateDeclineCaseRequest(input: unknown): Checked<{ reason?: string }> {
  const body = input ?? {};
  if (!checkDecline(body)) return { ok: false, errors: toFieldErrors(checkDecline.errors) };
  return { ok: true, value: body as { reason?: string } };
}
