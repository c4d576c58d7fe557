import { AGENCY_CODE, UUID, UUID_V7 } from '@liaison/ids';
import { MAX_ATTACHMENTS_PER_NOTICE } from '@liaison/attachments';
/**
 * Notice metadata (handling code, grades, priority, recipients, expiry) and validation of the
 * operator's and liaison officer's API requests. Every validator returns field errors
 * (JSON pointers) that the API turns into a 400 with the field and the reason.
 */
import type { ValidateFunction } from 'ajv/dist/2020';
import { defaultNoticeKinds, type NoticeKindRegistry } from './registry';
import { REFUSAL_GROUND_CODES, type RefusalGround } from './refusal-grounds';
import { freeText, isoDateTime } from './schemas/common';
import { createAjv, toFieldErrors, type FieldError } from './validation';

export const HANDLING_CODES = ['H0', 'H1', 'H2', 'H3'] as const;
export type HandlingCode = (typeof HANDLING_CODES)[number];

/** A handling code; `restriction` (free text) is present exactly when the code is H3. */
export interface Handling {
  code: HandlingCode;
  restriction?: string;
}

export const SOURCE_GRADES = ['A', 'B', 'C', 'X'] as const;
export type SourceGrade = (typeof SOURCE_GRADES)[number];
export const INFORMATION_GRADES = [1, 2, 3, 4] as const;
export type InformationGrade = (typeof INFORMATION_GRADES)[number];

export interface Grades {
  source: SourceGrade;
  information: InformationGrade;
}

/** Source reliability and information grades (4×4 evaluation), for the console. */
export const SOURCE_GRADE_EXPLANATIONS: Readonly<Record<SourceGrade, string>> = {
  A: 'No doubt about the authenticity, trustworthiness and competence of the source, or the source proved reliable in all instances.',
  B: 'The source has proved reliable in most instances.',
  C: 'The source has proved unreliable in most instances.',
  X: 'The reliability of the source cannot be assessed.',
};
export const INFORMATION_GRADE_EXPLANATIONS: Readonly<Record<InformationGrade, string>> = {
  1: 'Information whose accuracy is not in doubt.',
  2: 'Information known personally to the source but not known personally to the official passing it on.',
  3: 'Information not known personally to the source but corroborated by other information already recorded.',
  4: 'Information not known personally to the source and which cannot be corroborated.',
};

export const PRIORITIES = ['urgent', 'normal'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const MAX_RECIPIENTS = 20;
/** Expiry at most this far ahead unless the caller says otherwise. */
export const DEFAULT_MAX_EXPIRY_DAYS = 366;

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export interface ComposeRequest {
  kind: string;
  recipients: string[];
  handling: Handling;
  grades: Grades;
  priority: Priority;
  /** RFC 3339 date-time, in the future. */
  expiresAt: string;
  body: Record<string, unknown>;
  /** The earlier notice this one follows up or refers to (sent or received by this agency): its thread. */
  re?: string;
  /** The case the notice belongs to: the case's id. */
  case?: string;
  /** Uploaded attachments (POST /attachments) the notice carries, by id. */
  attachments?: string[];
}

export interface ComposeValidationOptions {
  /** Reference time for the expiry checks (default: now). */
  now?: Date;
  /** The sending agency: it may not be among the recipients. */
  sender?: string;
  maxExpiryDays?: number;
  /** Registry to look the kind up in (default: the process-wide one). */
  registry?: NoticeKindRegistry;
}

// The request schemas below are exported so the node's OpenAPI document shows exactly what the
// validators check (one source).
export const handlingSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['code'],
  properties: { code: { enum: HANDLING_CODES }, restriction: freeText(1000) },
} as const;

export const gradesSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['source', 'information'],
  properties: { source: { enum: SOURCE_GRADES }, information: { enum: INFORMATION_GRADES } },
} as const;

/** Uploads (POST /attachments) a notice or an answer carries, by id: they travel end to end encrypted with it (claim `att`). */
export const attachmentIdsSchema = {
  type: 'array',
  minItems: 1,
  maxItems: MAX_ATTACHMENTS_PER_NOTICE,
  uniqueItems: true,
  items: { type: 'string', pattern: UUID_V7.source },
  description: 'Ids of files uploaded with POST /attachments: they travel end to end encrypted with the notice (claim `att`).',
} as const;

/** Most notices one batch send (POST /notices/batch) may carry; the API's body limit applies too. */
export const BATCH_SEND_MAX = 500;

export const composeSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'recipients', 'handling', 'grades', 'priority', 'expiresAt', 'body'],
  properties: {
    kind: { type: 'string', minLength: 1, maxLength: 64 },
    recipients: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_RECIPIENTS,
      items: { type: 'string', pattern: AGENCY_CODE.source },
    },
    handling: handlingSchema,
    grades: gradesSchema,
    priority: { enum: PRIORITIES },
    expiresAt: isoDateTime,
    body: { type: 'object' },
    re: { type: 'string', pattern: UUID.source },
    case: { type: 'string', pattern: UUID.source },
    attachments: attachmentIdsSchema,
  },
} as const;

/** Answer = a `response` body with outcome hit/no-hit, optionally with its own handling and grades. */
export const answerEnvelopeSchema = {
  type: 'object',
  required: ['outcome'],
  properties: { handling: handlingSchema, grades: gradesSchema, attachments: attachmentIdsSchema },
} as const;

export const declineSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: {
    /** Directive (EU) 2023/977 Art. 6(1) ground (REFUSAL_GROUNDS); optional for clients written before it existed. */
    ground: { enum: REFUSAL_GROUND_CODES },
    reason: freeText(2000),
  },
} as const;

const ajv = createAjv();
const validators = {
  handling: ajv.compile(handlingSchema),
  grades: ajv.compile(gradesSchema),
  compose: ajv.compile(composeSchema),
  answer: ajv.compile(answerEnvelopeSchema),
  decline: ajv.compile(declineSchema),
};

function shape(validate: ValidateFunction, input: unknown, prefix = ''): FieldError[] {
  return validate(input) ? [] : toFieldErrors(validate.errors, prefix);
}

/** The rule ajv cannot say clearly: restriction text exactly with H3. */
function handlingRules(handling: Handling, at: string): FieldError[] {
  if (handling.code === 'H3') {
    if (handling.restriction === undefined || handling.restriction.trim() === '') {
      return [{ field: `${at}/restriction`, message: 'is required with H3: state the restriction' }];
    }
  } else if (handling.restriction !== undefined) {
    return [{ field: `${at}/restriction`, message: `is only allowed with H3, not with ${handling.code}` }];
  }
  return [];
}

export function validateHandling(input: unknown): Validated<Handling> {
  const errors = shape(validators.handling, input);
  if (errors.length === 0) errors.push(...handlingRules(input as Handling, ''));
  return errors.length ? { ok: false, errors } : { ok: true, value: input as Handling };
}

export function validateGrades(input: unknown): Validated<Grades> {
  const errors = shape(validators.grades, input);
  return errors.length ? { ok: false, errors } : { ok: true, value: input as Grades };
}

/** Recipients: 1..20 agency codes, no duplicates, not the sender itself. */
export function recipientErrors(recipients: readonly string[], sender?: string, at = '/recipients'): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  recipients.forEach((r, i) => {
    if (seen.has(r)) errors.push({ field: `${at}/${i}`, message: `lists ${r} a second time` });
    seen.add(r);
    if (sender !== undefined && r === sender) {
      errors.push({ field: `${at}/${i}`, message: 'is the sending agency itself' });
    }
  });
  return errors;
}

export function expiryErrors(expiresAt: string, now: Date, maxDays: number, at = '/expiresAt'): FieldError[] {
  const t = Date.parse(expiresAt);
  if (Number.isNaN(t)) return [{ field: at, message: 'is not a valid date-time' }];
  if (t <= now.getTime()) return [{ field: at, message: 'must be in the future' }];
  if (t - now.getTime() > maxDays * 86_400_000) {
    return [{ field: at, message: `must be at most ${maxDays} days ahead` }];
  }
  return [];
}

export const BODY_CASE_MESSAGE = 'is no longer part of the body: name the case in the request\'s case';

/** Validates the operator's "send notice" request (unknown JSON from the API). */
export function validateComposeRequest(input: unknown, options: ComposeValidationOptions = {}): Validated<ComposeRequest> {
  const registry = options.registry ?? defaultNoticeKinds;
  const errors = shape(validators.compose, input);
  const req = (input ?? {}) as Partial<ComposeRequest>;
  const fieldOk = (name: string) => !errors.some((e) => e.field === `/${name}` || e.field.startsWith(`/${name}/`));
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
    if (fieldOk('handling') && req.handling) errors.push(...handlingRules(req.handling, '/handling'));
    if (fieldOk('recipients') && Array.isArray(req.recipients)) {
      errors.push(...recipientErrors(req.recipients, options.sender));
    }
    if (fieldOk('expiresAt') && typeof req.expiresAt === 'string') {
      errors.push(...expiryErrors(req.expiresAt, options.now ?? new Date(), options.maxExpiryDays ?? DEFAULT_MAX_EXPIRY_DAYS));
    }
    if (fieldOk('kind') && typeof req.kind === 'string') {
      const kind = registry.get(req.kind);
      if (!kind) {
        errors.push({ field: '/kind', message: `is not a known notice kind (${[...registry.all.values()].filter((k) => k.isQuery).map((k) => k.name).join(', ')})` });
      } else if (!kind.isQuery) {
        errors.push({ field: '/kind', message: `"${kind.name}" cannot be composed; it is sent by the node itself` });
      } else if (req.body !== undefined && req.body !== null && typeof req.body === 'object' && !Array.isArray(req.body)) {
        // The case is the envelope's `case` claim (decision 0023): a body member naming it is read in
        // notices sent before, never composed.
        const { case: bodyCase, ...rest } = req.body as Record<string, unknown>;
        if (bodyCase !== undefined) errors.push({ field: '/body/case', message: BODY_CASE_MESSAGE });
        const body = registry.validate(kind.name, bodyCase === undefined ? req.body : rest, '/body');
        if (!body.ok) errors.push(...body.errors);
      }
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: input as ComposeRequest };
}

export interface AnswerRequest {
  outcome: 'hit' | 'no-hit';
  details?: Record<string, unknown>;
  /** Handling of the answer itself; when absent the node applies the query's handling. */
  handling?: Handling;
  grades?: Grades;
  /** Uploads the answer carries (a hit's photo of the matched identity, documents), by id. */
  attachments?: string[];
}

/** Validates a liaison officer's answer (hit with details, or no-hit). Declining has its own request. */
export function validateAnswerRequest(input: unknown, options: { registry?: NoticeKindRegistry } = {}): Validated<AnswerRequest> {
  const registry = options.registry ?? defaultNoticeKinds;
  const errors = shape(validators.answer, input);
  if (errors.length === 0) {
    // handling and grades describe the answer; the rest must be a valid `response` body.
    const { handling, grades: _grades, attachments: _attachments, ...response } = input as AnswerRequest;
    if (response.outcome === ('declined' as string)) {
      errors.push({ field: '/outcome', message: 'must be hit or no-hit; decline with a reason instead' });
    } else {
      const body = registry.validate('response', response);
      if (!body.ok) errors.push(...body.errors);
    }
    if (handling) errors.push(...handlingRules(handling, '/handling'));
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: input as AnswerRequest };
}

export interface DeclineRequest {
  reason: string;
  ground?: RefusalGround;
}

/** Validates a liaison officer's decline: a non-blank reason. */
export function validateDeclineRequest(input: unknown): Validated<DeclineRequest> {
  const errors = shape(validators.decline, input);
  if (errors.length === 0 && (input as DeclineRequest).reason.trim() === '') {
    errors.push({ field: '/reason', message: 'must not be blank' });
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: input as DeclineRequest };
}

/** The `response` body for an answer or a decline. */
export function toResponseBody(request: AnswerRequest | DeclineRequest): Record<string, unknown> {
  if ('reason' in request) return { outcome: 'declined', ...(request.ground ? { ground: request.ground } : {}), reason: request.reason };
  return request.outcome === 'hit' ? { outcome: 'hit', details: request.details } : { outcome: 'no-hit' };
}
