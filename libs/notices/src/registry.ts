/**
 * The notice-kind registry. A kind is a name, a JSON Schema for its body and two flags; the
 * pipeline looks kinds up here, so a new kind is added by registering a schema, not by editing
 * the pipeline.
 */
import { checkAttachmentReferences } from './attachment-references';
import type Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv/dist/2020';
import { normaliseSelectorList } from '@liaison/selectors';
import { replyDeadline, type FederationDeadlines } from './deadlines';
import type { Priority } from './metadata';
import {
  acknowledgementSchema,
  attachmentReceiptSchema,
  identityQuerySchema,
  intelligenceReportSchema,
  locationQuerySchema,
  receiptSchema,
  responseSchema,
} from './schemas/kinds';
import { createAjv, MAX_REPORTED_ERRORS, summariseErrors, toFieldErrors, type FieldError, type ValidationResult } from './validation';

export interface NoticeKindOptions {
  /** Recipients answer it with a `response`; a reply deadline applies. */
  answerable: boolean;
  /** Operators may compose and send it through the API (as opposed to protocol kinds such as receipts). */
  isQuery: boolean;
  /**
   * Rules a JSON Schema cannot say, run on a body the schema accepted (e.g. selectors that must
   * normalise); each error's field is a pointer under `prefix`.
   */
  check?: (body: Record<string, unknown>, prefix: string) => FieldError[];
}

export interface NoticeKindDefinition extends Omit<NoticeKindOptions, 'check'> {
  readonly name: string;
  /** A frozen copy of the registered schema (the console may render it). */
  readonly schema: Readonly<Record<string, unknown>>;
}

export const NOTICE_KIND_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

export const BUILTIN_NOTICE_KINDS = [
  'identity-query',
  'location-query',
  'response',
  'receipt',
  'acknowledgement',
  'intelligence-report',
  'attachment-receipt',
] as const;
export type BuiltinNoticeKind = (typeof BUILTIN_NOTICE_KINDS)[number];

/**
 * The kinds that are themselves receipts: recorded on arrival (a ledger entry) but never stored
 * as notices nor receipted back, so reconciliation expects no 'delivered' entry for them.
 */
export const RECEIPT_KINDS: readonly BuiltinNoticeKind[] = ['receipt', 'acknowledgement', 'attachment-receipt'];

/** An untrusted kind name made safe to echo in messages and logs: printable ASCII, bounded. */
function printable(kind: unknown): string {
  return String(kind).slice(0, 64).replace(/[^\x20-\x7e]/g, '?').replace(/"/g, "'");
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value as object).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

export class NoticeKindRegistry {
  private readonly ajv: Ajv2020 = createAjv();
  private readonly kinds = new Map<string, NoticeKindDefinition>();
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly checks = new Map<string, NonNullable<NoticeKindOptions['check']>>();

  /** Read-only view of the registered kinds, by name. */
  get all(): ReadonlyMap<string, NoticeKindDefinition> {
    return this.kinds;
  }

  register(name: string, schema: object, options: NoticeKindOptions): NoticeKindDefinition {
    if (name.length > 64 || !NOTICE_KIND_NAME.test(name)) {
      throw new Error(`notice kind name "${name}" must be lowercase words joined by "-", at most 64 characters`);
    }
    if (this.kinds.has(name)) throw new Error(`notice kind "${name}" is already registered`);
    const copy = structuredClone(schema) as Record<string, unknown>;
    if (copy.type !== 'object') throw new Error(`notice kind "${name}": the schema must describe an object`);
    // The registry's ajv keeps schemas by $id; kinds are keyed by name instead.
    delete copy.$id;
    const validate = this.ajv.compile(copy); // throws on an invalid schema (strict mode)
    const definition: NoticeKindDefinition = Object.freeze({
      name,
      schema: deepFreeze(copy),
      answerable: options.answerable,
      isQuery: options.isQuery,
    });
    this.kinds.set(name, definition);
    this.validators.set(name, validate);
    if (options.check) this.checks.set(name, options.check);
    return definition;
  }

  get(name: string): NoticeKindDefinition | undefined {
    return this.kinds.get(name);
  }

  /** Validates a body; `prefix` is prepended to every field pointer (e.g. "/body"). */
  validate(kind: string, body: unknown, prefix = ''): ValidationResult {
    const validate = typeof kind === 'string' ? this.validators.get(kind) : undefined;
    if (!validate) {
      return { ok: false, errors: [{ field: '', message: `unknown notice kind "${printable(kind)}"` }] };
    }
    if (!validate(body)) return { ok: false, errors: toFieldErrors(validate.errors, prefix) };
    const errors = this.checks.get(kind)?.(body as Record<string, unknown>, prefix) ?? [];
    return errors.length ? { ok: false, errors } : { ok: true };
  }
}

/** A body's `selectors` must each normalise (docs/selectors.md); refusals name their place. */
export function selectorsCheck(body: Record<string, unknown>, prefix: string): FieldError[] {
  if (body.selectors === undefined) return [];
  const result = normaliseSelectorList(body.selectors, `${prefix}/selectors`, { maxErrors: MAX_REPORTED_ERRORS });
  return result.ok ? [] : result.errors;
}

/** The process-wide registry, with the built-in kinds. */
export const defaultNoticeKinds = new NoticeKindRegistry();
defaultNoticeKinds.register('identity-query', identityQuerySchema, { answerable: true, isQuery: true, check: selectorsCheck });
defaultNoticeKinds.register('location-query', locationQuerySchema, { answerable: true, isQuery: true, check: selectorsCheck });
defaultNoticeKinds.register('response', responseSchema, { answerable: false, isQuery: false });
defaultNoticeKinds.register('receipt', receiptSchema, { answerable: false, isQuery: false });
defaultNoticeKinds.register('acknowledgement', acknowledgementSchema, { answerable: false, isQuery: false });
defaultNoticeKinds.register('attachment-receipt', attachmentReceiptSchema, { answerable: false, isQuery: false });
// Composed and sent by operators like a query, but expects no answer (acknowledgement allowed).
defaultNoticeKinds.register('intelligence-report', intelligenceReportSchema, { answerable: false, isQuery: true, check: selectorsCheck });

/** The registered notice kinds, by name (a live read-only view of the default registry). */
export const NOTICE_KINDS: ReadonlyMap<string, NoticeKindDefinition> = defaultNoticeKinds.all;

export function registerNoticeKind(name: string, schema: object, options: NoticeKindOptions): NoticeKindDefinition {
  return defaultNoticeKinds.register(name, schema, options);
}

export function getNoticeKind(name: string): NoticeKindDefinition | undefined {
  return defaultNoticeKinds.get(name);
}

export function validateNoticeBody(kind: string, body: unknown): ValidationResult {
  return defaultNoticeKinds.validate(kind, body);
}

/**
 * For the envelope opener: null when the body is valid and every attachment it refers to is one
 * of the notice's (`att`), else one line naming the first problem.
 */
export function validateBodyForEnvelope(kind: string, body: unknown, att?: readonly { id: string; type: string }[]): string | null {
  const result = defaultNoticeKinds.validate(kind, body);
  if (!result.ok) return `${printable(kind)} body: ${summariseErrors(result.errors)}`;
  const references = checkAttachmentReferences(body, att);
  return references === null ? null : `${printable(kind)} body: ${references}`;
}

export type { FieldError };

/** How a stored notice of this kind behaves; an unknown kind (none is ever stored) counts as answerable. */
export function kindBehaviour(name: string): { name: string; answerable: boolean } {
  return { name, answerable: defaultNoticeKinds.get(name)?.answerable ?? true };
}

/** When an answer to a notice of this kind is due: null for kinds that expect none (reports). */
export function replyDeadlineOf(kind: string, priority: Priority, sentAt: Date, deadlines: FederationDeadlines): Date | null {
  return kindBehaviour(kind).answerable ? replyDeadline(priority, sentAt, deadlines) : null;
}
