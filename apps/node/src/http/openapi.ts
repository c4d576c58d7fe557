// The node's OpenAPI 3.1 document. Request schemas are the JSON Schemas (draft 2020-12) the
// validators in @liaison/notices use, so the contract cannot drift from what is enforced; every
// operation gets a summary, its parameters, its success schema, every error as a problem
// (application/problem+json), its security and, where it takes a body, examples that the test
// (test/e2e/node-openapi.spec.ts) sends to a running node.
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { AGENCY_CODE, UUID } from '@liaison/ids';
import { declineCaseRequestSchema, inviteRequestSchema, openCaseRequestSchema } from '@liaison/cases';
import { MAX_IMPORT_ENTRIES, matchCheckRequestSchema, matchImportRequestSchema } from '@liaison/match';
import { LEDGER_EVENTS } from '@liaison/ledger';
import { answerEnvelopeSchema, assignmentSchema, BATCH_SEND_MAX, composeSchema, declineSchema, gradesSchema, handlingSchema, noteSchema, NOTICE_KINDS, NOTICE_STATES, REFUSAL_GROUND_CODES } from '@liaison/notices';
import { PROBLEM_CONTENT_TYPE } from './problem';
import { IDEMPOTENCY_HEADER } from '../idempotency/idempotency-key';

type Json = Record<string, unknown>;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** A kind's schema under the name OpenAPI shows ("identity-query" → "IdentityQueryBody"). */
const kindSchemaName = (kind: string) => `${kind.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase())}Body`;

/**
 * A validator's schema as a component: without its `$id`, and without `discriminator` (an ajv
 * hint here): OpenAPI's discriminator maps values to $ref'd schemas, these branches are inline and
 * say the same with `const`, and openapi-typescript misreads it (it typed every schema that
 * includes ResponseBody as `outcome: "<its own name>"`).
 */
function asComponent(schema: object): Json {
  const { $id: _id, discriminator: _hint, ...rest } = structuredClone(schema) as Json;
  return rest;
}

function schemas(): Json {
  const kinds = [...NOTICE_KINDS.values()];
  const queries = kinds.filter((k) => k.isQuery);
  const out: Json = {
    Problem: {
      type: 'object',
      description: 'RFC 9457 problem details. `code` is stable (the last segment of `type`); `errors` names each field, query parameter, path parameter or header that was wrong.',
      required: ['type', 'title', 'status', 'detail', 'code', 'errors'],
      properties: {
        type: { type: 'string', format: 'uri', examples: ['urn:liaison:problem:invalid_request'] },
        title: { type: 'string' },
        status: { type: 'integer', minimum: 400, maximum: 599 },
        detail: { type: 'string' },
        instance: { type: 'string', description: 'The request path.' },
        code: { type: 'string', pattern: '^[a-z][a-z0-9_]*$' },
        errors: { type: 'array', items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } } },
        retryAfterSeconds: { type: 'integer', description: 'With 503 and some 409s: when to ask again (also in Retry-After).' },
      },
    },
    Handling: asComponent(handlingSchema),
    Grades: asComponent(gradesSchema),
    ComposeRequest: (() => {
      const compose = asComponent(composeSchema) as { properties: Json; description?: string };
      compose.description = `A notice to send. \`body\` follows the schema of its \`kind\`: ${queries.map((k) => `${k.name} → ${kindSchemaName(k.name)}`).join(', ')}.`;
      compose.properties = {
        ...compose.properties,
        kind: { ...(compose.properties.kind as Json), enum: queries.map((k) => k.name) },
        handling: ref('Handling'),
        grades: ref('Grades'),
        body: { oneOf: queries.map((k) => ref(kindSchemaName(k.name))) },
      };
      return compose;
    })(),
    AnswerRequest: { allOf: [asComponent(answerEnvelopeSchema), ref(kindSchemaName('response'))], description: 'A hit (with details) or no-hit; to decline, use the decline operation.' },
    DeclineRequest: asComponent(declineSchema),
    AssignmentRequest: asComponent(assignmentSchema),
    NoteRequest: asComponent(noteSchema),
    Correlation: {
      type: 'object',
      description: 'Another notice this agency holds that shares a correlating term (selector, document, name with date of birth) — found through the blind index, never plaintext.',
      required: ['id', 'sender', 'direction', 'kind', 'issuedAt', 'shared', 'case', 'caseReference', 'text'],
      properties: {
        id: { type: 'string', pattern: UUID.source },
        sender: { type: 'string', pattern: AGENCY_CODE.source },
        direction: { enum: ['outbound', 'inbound'] },
        kind: { type: 'string' },
        issuedAt: { type: 'string', format: 'date-time' },
        shared: { type: 'array', items: { type: 'string' }, description: 'Kinds of the shared terms: phone, email, url, username, document, person.' },
        case: { type: ['string', 'null'], description: 'The case (joint operation) its envelope names, else null.' },
        caseReference: { type: ['string', 'null'], description: 'That case\'s reference; for a notice of no case, the case reference its body gives.' },
        text: { type: 'string', examples: ['phone number also in intelligence-report from NL (case NL-2026-0042), 3 days ago'] },
      },
    },
    Casework: {
      type: 'object',
      required: ['id', 'sender', 'assignedTo', 'assignments', 'notes', 'correlations'],
      properties: {
        id: { type: 'string', pattern: UUID.source },
        sender: { type: 'string' },
        assignedTo: { type: ['string', 'null'] },
        assignments: { type: 'array', items: { type: 'object', required: ['officer', 'assignedBy', 'assignedAt'], properties: { officer: { type: 'string' }, assignedBy: { type: 'string' }, assignedAt: { type: 'string', format: 'date-time' } } } },
        notes: { type: 'array', items: { type: 'object', required: ['id', 'author', 'createdAt', 'text'], properties: { id: { type: 'string' }, author: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' }, text: { type: 'string' } } } },
        correlations: { type: 'array', items: ref('Correlation') },
      },
    },
    PassOnRequest: {
      type: 'object',
      additionalProperties: false,
      required: ['recipients'],
      properties: { recipients: { type: 'array', minItems: 1, items: { type: 'string', pattern: AGENCY_CODE.source } } },
    },
    SendResult: {
      type: 'object',
      required: ['id', 'deadline', 'status'],
      properties: { id: { type: 'string', pattern: UUID.source }, deadline: { type: ['string', 'null'], format: 'date-time', description: 'When answers are due; null for kinds that expect none (intelligence-report).' }, status: { const: 'SENT' } },
    },
    AttachmentFile: {
      type: 'object',
      required: ['id', 'name', 'type', 'size', 'sha256', 'chunks', 'status'],
      properties: {
        id: { type: 'string', pattern: UUID.source },
        name: { type: ['string', 'null'] },
        type: { type: 'string', description: 'Media type.' },
        size: { type: 'integer', minimum: 0, description: 'Bytes of the file.' },
        sha256: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'SHA-256 of the file, lowercase hex (signed in the notice\'s claim `att`).' },
        chunks: { type: 'integer', minimum: 1, description: '256 KiB chunks it travels in.' },
        status: { type: 'string' },
      },
    },
    AttachmentFacts: {
      allOf: [ref('AttachmentFile'), { type: 'object', properties: { status: { enum: ['uploaded', 'attached'], description: 'attached: sent with a notice (an upload goes with one notice only).' } } }],
    },
    SentAttachment: {
      allOf: [
        ref('AttachmentFile'),
        {
          type: 'object',
          required: ['recipients'],
          properties: {
            recipients: {
              type: 'array',
              items: {
                type: 'object',
                required: ['agency', 'status', 'chunksSent', 'code', 'deliveredAt'],
                properties: {
                  agency: { type: 'string', pattern: AGENCY_CODE.source },
                  status: { enum: ['sending', 'sent', 'delivered', 'failed'], description: 'delivered: the recipient verified it whole; failed: see `code`.' },
                  chunksSent: { type: 'integer', minimum: 0 },
                  code: { type: ['string', 'null'], description: "The recipient's reason, when it failed." },
                  deliveredAt: { type: ['string', 'null'], format: 'date-time' },
                },
              },
            },
          },
        },
      ],
    },
    ReceivedAttachment: {
      allOf: [
        ref('AttachmentFile'),
        {
          type: 'object',
          required: ['sender', 'available', 'completedAt'],
          properties: {
            sender: { type: 'string', pattern: AGENCY_CODE.source },
            available: { type: 'boolean', description: 'Arrived whole, its SHA-256 matched and its bytes agree with its type: it can be downloaded.' },
            completedAt: { type: ['string', 'null'], format: 'date-time' },
          },
        },
      ],
    },
    BatchSendRequest: {
      type: 'object',
      additionalProperties: false,
      required: ['notices'],
      properties: { notices: { type: 'array', minItems: 1, maxItems: BATCH_SEND_MAX, items: ref('ComposeRequest') } },
    },
    BatchSendResult: {
      type: 'object',
      required: ['sent', 'refused', 'results'],
      properties: {
        sent: { type: 'integer', minimum: 0 },
        refused: { type: 'integer', minimum: 0 },
        results: {
          type: 'array',
          description: 'One per notice of the request, in its order: sent (201, with id and deadline) or not (its status and problem).',
          items: {
            oneOf: [
              { type: 'object', required: ['status', 'id', 'deadline'], properties: { status: { const: 201 }, id: { type: 'string', pattern: UUID.source }, deadline: { type: ['string', 'null'], format: 'date-time' } } },
              { type: 'object', required: ['status', 'problem'], properties: { status: { type: 'integer', minimum: 400, maximum: 599 }, problem: ref('Problem') } },
            ],
          },
        },
      },
    },
    ActionResult: {
      type: 'object',
      required: ['id', 'status'],
      properties: { id: { type: 'string', pattern: UUID.source }, status: { enum: [...NOTICE_STATES] }, responseId: { type: 'string', pattern: UUID.source } },
    },
    Created: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: UUID.source } } },
    OpenCaseRequest: asComponent(openCaseRequestSchema),
    InviteRequest: asComponent(inviteRequestSchema),
    DeclineCaseRequest: asComponent(declineCaseRequestSchema),
    CaseNoticeRequest: {
      type: 'object',
      description: 'A ComposeRequest without `case` (the path names it); `recipients` may be left out (all participants: the current members but this agency) and so may `handling` (the case\'s default handling code).',
    },
    MatchImportRequest: asComponent(matchImportRequestSchema),
    MatchImportResult: {
      type: 'object', required: ['added', 'removed', 'unchanged', 'size'],
      properties: { added: { type: 'integer' }, removed: { type: 'integer' }, unchanged: { type: 'integer', description: 'Additions already held and removals of values not held.' }, size: { type: 'integer', description: 'Entries in the index now.' } },
    },
    MatchIndexStatus: { type: 'object', description: 'The index: size, entries per kind, last import, the OPRF key (id, createdAt, ageDays, rotatesAt; never the key), partners that may query it, holders this agency may query, the rate limit, the false-positive rate, and the last filter sent (digest, entries, bytes, parts, build time, partners).' },
    MatchCheckRequest: asComponent(matchCheckRequestSchema),
    MatchCheck: {
      type: 'object', required: ['id', 'createdAt', 'values', 'complete', 'partners'],
      description: 'One check: per holder its status (pending, answered, refused, failed with `code`), the indexes of the values (as sent, 0-based) that hit, and `answerId`, the holder\'s match-response: a follow-up identity query names it in `re`. Never a value.',
      properties: {
        id: { type: 'string', pattern: UUID.source }, createdAt: { type: 'string', format: 'date-time' }, values: { type: 'integer' }, complete: { type: 'boolean' },
        partners: { type: 'array', items: { type: 'object', required: ['partner', 'status', 'hits'], properties: { partner: { type: 'string' }, status: { enum: ['pending', 'answered', 'refused', 'failed'] }, hits: { type: 'array', items: { type: 'integer' } }, requestId: { type: 'string' }, answerId: { type: ['string', 'null'] }, answeredAt: { type: ['string', 'null'] }, code: { type: 'string' }, detail: { type: 'string' } } } },
      },
    },
    Case: { type: 'object', description: 'A case: id, reference, owner, status (open, closed), this agency\'s standing, members, invited, accepted, declined, left, handling, period; title, purpose and legalBasis only for operators and liaison officers; in the detail also its membership events and the timeline of its notices (metadata only).' },
  };
  for (const kind of kinds) out[kindSchemaName(kind.name)] = asComponent(kind.schema);
  return out;
}

/** The example notice; its expiry is a week after the document was built (it must lie ahead). */
const exampleNotice = (now: Date) => ({
  kind: 'identity-query',
  recipients: ['ES'],
  handling: { code: 'H1' },
  grades: { source: 'B', information: 2 },
  priority: 'normal',
  expiresAt: new Date(Math.ceil(now.getTime() / 86_400_000) * 86_400_000 + 7 * 86_400_000).toISOString().replace('.000Z', 'Z'),
  body: {
    case_reference: 'NL-2026-0042',
    reason: 'Suspect in a cross-border fraud investigation; identity to be confirmed.',
    legal_basis: 'Directive (EU) 2023/977, Art. 4',
    names: { family: 'Jansen', given: 'Pieter' },
    date_of_birth: '1980-05-17',
  },
});

/** The example report: to the example query's recipient, with one selector of each kind. */
const exampleReport = (query: ReturnType<typeof exampleNotice>) => ({
  ...query,
  kind: 'intelligence-report',
  handling: { code: 'H0' },
  body: {
    narrative: 'A Telegram group recruits for sham modelling contracts abroad; the numbers and accounts below run it.',
    case_reference: 'NL-2026-0042',
    subjects: [{ names: { family: 'Jansen', given: 'Pieter' }, date_of_birth: '1980-05-17' }],
    selectors: [
      { kind: 'phone', value: '+31 6 12345678' },
      { kind: 'username', value: '@JobsAbroad', platform: 'telegram' },
      { kind: 'url', value: 'https://t.me/jobsabroad' },
      { kind: 'email', value: 'recruit@example.com' },
    ],
  },
});

const EXAMPLE_HIT = {
  outcome: 'hit',
  details: {
    summary: 'Known to us for document fraud in 2024.',
    identity: {
      names: [{ family: 'Jansen', given: 'Pieter' }],
      date_of_birth: '1980-05-17',
      identity_documents: [{ type: 'passport', number: 'NX12AB345', issuing_country: 'NL' }],
      confidence: 'probable',
      record_reference: 'ES-DGP-2026-118',
    },
  },
};

interface Operation {
  summary: string;
  description: string;
  public?: boolean;
  query?: [string, Json, string][];
  /** `examples` are sent to a running node by test/e2e/node-openapi.spec.ts; left out where no fixture makes them meaningful. */
  body?: { schema: string; examples?: Record<string, { summary: string; value: unknown; status: number }> };
  /** A request body of raw bytes (an upload), in the media type its Content-Type declares. */
  binaryBody?: string;
  ok: { status: number; description: string; schema?: Json; type?: string };
  errors: number[];
}

/** Ids are unique per sender only: when two agencies used one id, which notice is meant. */
const SENDER_OF_ID: [string, Json, string] = ['sender', { type: 'string', pattern: AGENCY_CODE.source }, 'When two agencies sent notices with this id: which sender is meant (without it such an id answers 409 ambiguous_id).'];
const limit: [string, Json, string] = ['limit', { type: 'string', pattern: '^[0-9]{1,4}$' }, 'Page size, 1–1000 (default 50; 100 for the audit log).'];
const AUTH_ERRORS = [401, 403];
const LIST = { type: 'array', items: { type: 'object' } };

/** Keyed "METHOD /path" as Nest writes the path. */
const operations = (example: ReturnType<typeof exampleNotice>): Record<string, Operation> => ({
  'GET /health/live': { summary: 'Liveness', description: 'The process answers.', public: true, ok: { status: 200, description: 'Alive.', schema: { type: 'object' } }, errors: [] },
  'GET /health/ready': {
    summary: 'Readiness',
    description: 'The database and the broker are reachable.',
    public: true,
    ok: { status: 200, description: 'Ready.', schema: { type: 'object' } },
    errors: [503],
  },
  'GET /metrics': { summary: 'Prometheus metrics', description: 'Exchange counters, outbox backlog and consumer lag.', public: true, ok: { status: 200, description: 'Metrics in the Prometheus text format.', type: 'text/plain' }, errors: [] },
  'GET /directory.jws': { summary: 'The signed federation directory', description: 'The compact JWS exactly as this node verified it.', public: true, ok: { status: 200, description: 'Compact JWS.', type: 'text/html' }, errors: [] },
  'GET /directory': { summary: 'Agencies of the federation', description: 'Code, name and country of each agency in the directory this node trusts.', ok: { status: 200, description: 'The directory.', schema: { type: 'object' } }, errors: AUTH_ERRORS },
  'GET /me': { summary: 'Who am I', description: 'The principal the bearer token stands for: subject, agency, roles.', ok: { status: 200, description: 'The principal.', schema: { type: 'object' } }, errors: AUTH_ERRORS },
  'POST /notices': {
    summary: 'Send a notice',
    description: 'Signs, encrypts and sends a notice to one or more agencies (role operator). Takes an Idempotency-Key so that a retry never sends twice.',
    body: {
      schema: 'ComposeRequest',
      examples: {
        identityQuery: { summary: 'An identity query to ES', value: example, status: 201 },
        intelligenceReport: { summary: 'An intelligence report to ES, with selectors', value: exampleReport(example), status: 201 },
        credentialsInUrl: {
          summary: 'Refused: a URL selector with credentials',
          value: { ...exampleReport(example), body: { narrative: 'n', selectors: [{ kind: 'url', value: 'https://user:secret@example.com/' }] } },
          status: 400,
        },
        missingReason: { summary: 'Refused: no reason given', value: { ...example, body: { ...example.body, reason: undefined } }, status: 400 },
      },
    },
    ok: { status: 201, description: 'Sent (queued for the broker in the same transaction).', schema: ref('SendResult') },
    errors: [400, ...AUTH_ERRORS, 409, 413, 415, 422, 503],
  },
  'POST /notices/batch': {
    summary: 'Send many notices',
    description: `Up to ${BATCH_SEND_MAX} notices in one request (role operator), for systems that integrate system to system. Each is validated and written on its own: the answer lists, in order, each notice's id or its problem, and a refusal of one leaves the others sent. A malformed batch, or one that does not fit the send queue (503), is refused whole with nothing written. Takes an Idempotency-Key.`,
    body: {
      schema: 'BatchSendRequest',
      examples: {
        twoQueries: { summary: 'Two identity queries to ES, one of them without a reason (refused alone)', value: { notices: [example, { ...example, body: { ...example.body, reason: undefined } }] }, status: 200 },
        empty: { summary: 'Refused whole: no notices', value: { notices: [] }, status: 400 },
      },
    },
    ok: { status: 200, description: 'What became of each notice.', schema: ref('BatchSendResult') },
    errors: [400, ...AUTH_ERRORS, 409, 413, 415, 422, 503],
  },
  'POST /attachments': {
    summary: 'Upload an attachment',
    description: `Streams a file into encrypted storage (roles operator, liaison officer), to send with a notice: name its id in the notice's \`attachments\`. The body is the file's bytes; \`Content-Type\` is its media type, which must be allowed in the federation (images JPEG, PNG, WebP, HEIC; PDF; plain text; CSV; LIAISON_ATTACHMENT_MEDIA_TYPES) and agree with the file's first bytes. At most LIAISON_ATTACHMENT_MAX_BYTES (default 50 MiB; LIAISON_ATTACHMENT_MAX_NOTICE_BYTES in all per notice, default 100 MiB); a refused upload leaves nothing behind. Unsent uploads are deleted after a day.`,
    query: [['name', { type: 'string', maxLength: 255 }, 'The file name to show and offer on download (never used as a path).']],
    binaryBody: 'The file, as it is (never re-encoded).',
    ok: { status: 201, description: 'Stored: its id, size, SHA-256 of the plaintext and chunk count.', schema: ref('AttachmentFacts') },
    errors: [400, ...AUTH_ERRORS, 413, 415],
  },
  'GET /attachments/{id}': { summary: 'One of your uploads', description: 'Its id, name, type, size, SHA-256 and whether it was sent (uploader only).', ok: { status: 200, description: 'The upload.', schema: ref('AttachmentFacts') }, errors: [400, ...AUTH_ERRORS, 404] },
  'GET /notices/{id}/attachments': {
    summary: 'Attachments of a sent notice',
    description: 'Each attachment with, per recipient, its transfer: `sending` (chunks published so far), `sent`, `delivered` (the recipient verified it whole) or `failed` (with the recipient\'s reason).',
    ok: { status: 200, description: 'The attachments.', schema: { type: 'array', items: ref('SentAttachment') } },
    errors: [400, ...AUTH_ERRORS],
  },
  'GET /notices/{id}/attachments/{attachment}': {
    summary: 'Download an attachment of a sent notice',
    description: 'The file exactly as uploaded, streamed; one byte range with `Range: bytes=a-b` (206). Served with nosniff, a sandboxing CSP and `Content-Disposition: attachment` (`?disposition=inline` for images).',
    query: [['disposition', { enum: ['inline', 'attachment'] }, 'inline: for previewing an image in the console.']],
    ok: { status: 200, description: 'The file (206 for a range).', type: 'application/octet-stream' },
    errors: [400, ...AUTH_ERRORS, 404, 409, 416],
  },
  'GET /inbox/{id}/attachments': {
    summary: 'Attachments of a received notice',
    description: 'Each attachment the notice declared, with `available` once it arrived whole, its SHA-256 matched and its bytes agree with its media type; a partial attachment is never offered. Liaison officers; operators for the responses to their notices (a hit\'s photo).',
    query: [SENDER_OF_ID],
    ok: { status: 200, description: 'The attachments.', schema: { type: 'array', items: ref('ReceivedAttachment') } },
    errors: [400, ...AUTH_ERRORS, 404, 409],
  },
  'GET /inbox/{id}/attachments/{attachment}': {
    summary: 'Download an attachment of a received notice',
    description: 'The file byte for byte as the sender uploaded it (verified on arrival), streamed; `Range` supported (206). Served with nosniff, a sandboxing CSP and `Content-Disposition: attachment` (`?disposition=inline` for images). 409 until it is available. Liaison officers; operators for the responses to their notices.',
    query: [SENDER_OF_ID, ['disposition', { enum: ['inline', 'attachment'] }, 'inline: for previewing an image in the console.']],
    ok: { status: 200, description: 'The file (206 for a range).', type: 'application/octet-stream' },
    errors: [400, ...AUTH_ERRORS, 404, 409, 416],
  },
  'GET /notices': { summary: 'Notices this agency sent', description: 'Newest first, without content.', query: [limit], ok: { status: 200, description: 'Sent notices.', schema: LIST }, errors: [400, ...AUTH_ERRORS] },
  'GET /notices/{id}': { summary: 'One sent notice', description: 'With its content, the case it belongs to (`case`, null for none) and each recipient\'s status.', ok: { status: 200, description: 'The notice.', schema: { type: 'object' } }, errors: [400, ...AUTH_ERRORS, 404] },
  'GET /inbox': {
    summary: 'The inbox',
    description: 'Received queries, open work first (role liaison_officer).',
    query: [
      ['status', { enum: [...NOTICE_STATES] }, 'Only notices in this state.'],
      ['kind', { type: 'string' }, 'Only this notice kind.'],
      ['priority', { enum: ['urgent', 'normal'] }, 'Only this priority.'],
      ['sender', { type: 'string', pattern: AGENCY_CODE.source }, 'Only from this agency.'],
      ['overdue', { enum: ['true', 'false'] }, 'Only those past their deadline.'],
      limit,
    ],
    ok: { status: 200, description: 'Received notices.', schema: LIST },
    errors: [400, ...AUTH_ERRORS],
  },
  'GET /inbox/{id}': { summary: 'One received notice', description: 'With its content, handling code, deadline and the case it belongs to (`case`, null for none).', query: [SENDER_OF_ID], ok: { status: 200, description: 'The notice.', schema: { type: 'object' } }, errors: [400, ...AUTH_ERRORS, 404, 409] },
  'POST /inbox/{id}/acknowledge': {
    summary: 'Acknowledge a received notice',
    description: 'Tells the sender it is being handled. Takes an Idempotency-Key.',
    query: [SENDER_OF_ID],
    ok: { status: 200, description: 'Acknowledged.', schema: ref('ActionResult') },
    errors: [400, ...AUTH_ERRORS, 404, 409, 422, 503],
  },
  'POST /inbox/{id}/answer': {
    summary: 'Answer a received query',
    description: 'Hit (with details: a summary, optionally the matched identity — names, date of birth, documents, confidence, the record reference — and attachment references) or no-hit, sent back to the sender signed and encrypted. Refused for kinds that expect no answer (intelligence-report). Takes an Idempotency-Key.',
    body: { schema: 'AnswerRequest', examples: { noHit: { summary: 'Nothing found', value: { outcome: 'no-hit' }, status: 200 }, structuredHit: { summary: 'A hit with the matched identity', value: EXAMPLE_HIT, status: 200 }, declinedHere: { summary: 'Refused: decline has its own operation', value: { outcome: 'declined' }, status: 400 } } },
    query: [SENDER_OF_ID],
    ok: { status: 200, description: 'Answered.', schema: ref('ActionResult') },
    errors: [400, ...AUTH_ERRORS, 404, 409, 413, 415, 422, 503],
  },
  'POST /inbox/{id}/decline': {
    summary: 'Decline a received query',
    description: `With a reason, and a refusal ground of Directive (EU) 2023/977 Art. 6(1) (\`ground\`: ${REFUSAL_GROUND_CODES.join(', ')}), sent back to the sender. Takes an Idempotency-Key.`,
    body: { schema: 'DeclineRequest', examples: { outOfScope: { summary: 'Outside our competence', value: { reason: 'Outside our competence' }, status: 200 }, minorOffence: { summary: 'Declined on an Art. 6 ground', value: { ground: 'minor_offence', reason: 'Punishable by at most six months here.' }, status: 200 }, blank: { summary: 'Refused: a blank reason', value: { reason: ' ' }, status: 400 } } },
    query: [SENDER_OF_ID],
    ok: { status: 200, description: 'Declined.', schema: ref('ActionResult') },
    errors: [400, ...AUTH_ERRORS, 404, 409, 413, 415, 422, 503],
  },
  'POST /inbox/{id}/pass-on': {
    summary: 'Pass a received notice on',
    description: 'As a new notice to other agencies, citing the original; refused for H2. Takes an Idempotency-Key.',
    body: { schema: 'PassOnRequest', examples: { toCo: { summary: 'Pass on to CO', value: { recipients: ['CO'] }, status: 201 }, none: { summary: 'Refused: no recipients', value: { recipients: [] }, status: 400 } } },
    query: [SENDER_OF_ID],
    ok: { status: 201, description: 'Passed on.', schema: ref('Created') },
    errors: [400, ...AUTH_ERRORS, 404, 409, 413, 415, 422, 503],
  },
  'POST /cases': {
    summary: 'Open a case (joint operation)',
    description: 'This agency owns it; a reference <agency>-<year>-<serial> is assigned; the agencies in `invite` receive signed invitations. Recorded as a `case-opened` ledger entry (role operator). Takes an Idempotency-Key.',
    body: {
      schema: 'OpenCaseRequest',
      examples: {
        lantern: { summary: 'A four-day operation, nobody invited yet', value: { title: 'Operation Lantern', purpose: 'Trafficking facilitated online', legalBasis: 'Directive (EU) 2023/977', handling: { code: 'H1' }, period: { from: '2026-12-01', until: '2026-12-04' } }, status: 201 },
        oversize: { summary: 'Refused: a title over 200 characters', value: { title: 'x'.repeat(201), purpose: 'p', legalBasis: 'b', handling: { code: 'H0' }, period: { from: '2026-12-01', until: '2026-12-04' } }, status: 400 },
      },
    },
    ok: { status: 201, description: 'Opened.', schema: { type: 'object', required: ['id', 'reference'], properties: { id: { type: 'string', pattern: UUID.source }, reference: { type: 'string' } } } },
    errors: [400, ...AUTH_ERRORS, 409, 413, 415, 503],
  },
  'GET /cases': { summary: 'Cases this agency knows', description: 'Newest first: owned, joined, invited to, declined or left. Auditors see metadata only (no title, purpose or legal basis).', query: [limit], ok: { status: 200, description: 'Cases.', schema: { type: 'array', items: ref('Case') } }, errors: [400, ...AUTH_ERRORS] },
  'GET /cases/{id}': { summary: 'One case with its timeline', description: 'Membership, the membership events this agency holds, and the timeline of the case\'s notices across agencies: who sent what to whom, each recipient\'s workflow state, what is open and what is overdue. Metadata only, never notice content.', ok: { status: 200, description: 'The case.', schema: ref('Case') }, errors: [400, ...AUTH_ERRORS, 404] },
  'POST /cases/{id}/invite': { summary: 'Invite an agency to a case', description: 'Owner only; a signed invitation carrying the case\'s definition goes to the invitee and to every member and invitee. Takes an Idempotency-Key.', body: { schema: 'InviteRequest' }, ok: { status: 200, description: 'Invited; the case as it is now.', schema: ref('Case') }, errors: [400, ...AUTH_ERRORS, 404, 409, 413, 415, 503] },
  'POST /cases/{id}/accept': { summary: 'Accept an invitation', description: 'Only the invitee; the signed acceptance goes to the owner, who answers with a signed `join` to every member. Takes an Idempotency-Key.', ok: { status: 200, description: 'Accepted.', schema: ref('Case') }, errors: [400, ...AUTH_ERRORS, 404, 409, 503] },
  'POST /cases/{id}/decline': { summary: 'Decline an invitation', description: 'Only the invitee, with an optional reason; sent to every member and invitee. Takes an Idempotency-Key.', body: { schema: 'DeclineCaseRequest' }, ok: { status: 200, description: 'Declined.', schema: ref('Case') }, errors: [400, ...AUTH_ERRORS, 404, 409, 413, 415, 503] },
  'POST /cases/{id}/leave': { summary: 'Leave a case', description: 'A member leaves itself (the owner closes instead); sent to every member and invitee. Takes an Idempotency-Key.', ok: { status: 200, description: 'Left.', schema: ref('Case') }, errors: [400, ...AUTH_ERRORS, 404, 409, 503] },
  'POST /cases/{id}/close': { summary: 'Close a case', description: 'Owner only; afterwards every membership event and every notice of the case is refused. Takes an Idempotency-Key.', ok: { status: 200, description: 'Closed.', schema: ref('Case') }, errors: [400, ...AUTH_ERRORS, 404, 409, 503] },
  'POST /cases/{id}/notices': { summary: 'Send a notice of a case', description: 'To the members named, or to all participants (the current members but this agency, expanded now); the case\'s handling code unless another is given; `re` makes it a follow-up in a thread. Members only, while the case is open (role operator). Takes an Idempotency-Key.', body: { schema: 'CaseNoticeRequest' }, ok: { status: 201, description: 'Sent.', schema: ref('SendResult') }, errors: [400, ...AUTH_ERRORS, 404, 409, 413, 415, 503] },
  'GET /notices/{id}/thread': { summary: 'The thread of a notice', description: 'Every notice this agency holds that is linked to it by `re` (what it follows up, and every follow-up), oldest first, at most 500; content only for operators and liaison officers, metadata for auditors.', ok: { status: 200, description: 'The thread.', schema: LIST }, errors: [400, ...AUTH_ERRORS, 404] },
  'GET /inbox/{id}/casework': {
    summary: 'Casework of a received notice',
    description: 'Who it is assigned to (and the history), internal notes, and correlations: other notices this agency holds sharing a selector, document or name with date of birth (role liaison_officer).',
    query: [SENDER_OF_ID],
    ok: { status: 200, description: 'The casework.', schema: ref('Casework') },
    errors: [400, ...AUTH_ERRORS, 404, 409],
  },
  'POST /inbox/{id}/assign': {
    summary: 'Assign a received notice to an officer',
    description: 'Recorded with who assigned it and when; the newest assignment counts. Local to this agency, never sent. Takes an Idempotency-Key.',
    body: { schema: 'AssignmentRequest', examples: { toOfficer: { summary: 'To an officer', value: { officer: 'Insp. M. García' }, status: 200 }, blank: { summary: 'Refused: a blank name', value: { officer: ' ' }, status: 400 } } },
    query: [SENDER_OF_ID],
    ok: { status: 200, description: 'Assigned.', schema: { type: 'object', required: ['id', 'officer', 'assignedBy', 'assignedAt'] } },
    errors: [400, ...AUTH_ERRORS, 404, 409, 413, 415, 422],
  },
  'POST /inbox/{id}/notes': {
    summary: 'Add an internal note to a received notice',
    description: 'Kept by this agency only (sealed at rest, never sent), with its author and time. Takes an Idempotency-Key.',
    body: { schema: 'NoteRequest', examples: { note: { summary: 'A note', value: { text: 'Checked against the national register: no record.' }, status: 201 }, blank: { summary: 'Refused: a blank note', value: { text: ' ' }, status: 400 } } },
    query: [SENDER_OF_ID],
    ok: { status: 201, description: 'Noted.', schema: { type: 'object', required: ['id', 'notice', 'author', 'createdAt'] } },
    errors: [400, ...AUTH_ERRORS, 404, 409, 413, 415, 422],
  },
  'GET /notices/{id}/casework': {
    summary: 'Casework of a sent notice',
    description: 'Internal notes and correlations of a notice this agency sent (role operator).',
    ok: { status: 200, description: 'The casework.', schema: ref('Casework') },
    errors: [400, ...AUTH_ERRORS, 404],
  },
  'POST /notices/{id}/notes': {
    summary: 'Add an internal note to a sent notice',
    description: 'Kept by this agency only (sealed at rest, never sent), with its author and time (role operator). Takes an Idempotency-Key.',
    body: { schema: 'NoteRequest', examples: {} },
    ok: { status: 201, description: 'Noted.', schema: { type: 'object', required: ['id', 'notice', 'author', 'createdAt'] } },
    errors: [400, ...AUTH_ERRORS, 404, 413, 415, 422],
  },
  'GET /search': {
    summary: 'Search this agency\'s notices',
    description: 'By case reference, person name (given names first, or the family name alone), date of birth, document number (with its issuing country) and selector (with its kind; platform for usernames, country for national phone numbers). Every criterion is normalised (docs/selectors.md) and looked up in the blind index; all must match. Metadata and summary only (roles operator, liaison_officer; never auditors).',
    query: [
      ['case_reference', { type: 'string', maxLength: 100 }, 'Case reference (compared without letter case): of the case a notice belongs to, or the one its body gives.'],
      ['name', { type: 'string', maxLength: 200 }, 'A person\'s name: given names then family name, or the family name alone.'],
      ['date_of_birth', { type: 'string', pattern: '^\\d{4}(-\\d{2}(-\\d{2})?)?$' }, 'YYYY, YYYY-MM or YYYY-MM-DD, as written in the notice.'],
      ['document', { type: 'string', maxLength: 40 }, 'Document number (separators ignored); needs document_country.'],
      ['document_country', { type: 'string', pattern: '^[A-Z]{2}$' }, 'Issuing country of the document.'],
      ['selector', { type: 'string', maxLength: 2048 }, 'A selector value; needs selector_kind.'],
      ['selector_kind', { enum: ['phone', 'email', 'url', 'username'] }, 'The selector\'s kind.'],
      ['platform', { type: 'string', maxLength: 40 }, 'The platform of a username.'],
      ['country', { type: 'string', pattern: '^[A-Z]{2}$' }, 'The country of a phone number written without its country code.'],
      ['limit', { type: 'string', pattern: '^[0-9]{1,3}$' }, 'Page size, 1–100 (default 50).'],
    ],
    ok: { status: 200, description: 'Matching notices, newest first.', schema: LIST },
    errors: [400, ...AUTH_ERRORS],
  },
  'GET /correlations': {
    summary: 'Correlations of a case',
    description: 'Every notice of the case with this reference (its envelope names the case) or whose body gives this case reference, each with the other notices it correlates with (roles operator, liaison_officer).',
    query: [['case_reference', { type: 'string', maxLength: 100 }, 'The case reference (required): a case\'s reference, or the one a body gives.']],
    ok: { status: 200, description: 'The case\'s notices and their correlations.', schema: LIST },
    errors: [400, ...AUTH_ERRORS],
  },
  'GET /rejected': { summary: 'Refused inbox messages', description: 'Metadata and reason of each message the inbox refused (roles admin, auditor).', query: [limit], ok: { status: 200, description: 'Refusals.', schema: LIST }, errors: [400, ...AUTH_ERRORS] },
  'GET /audit/entries': {
    summary: 'Ledger entries',
    description: 'Metadata and digests (never notice content), filtered; keyset pages by seq (role auditor).',
    query: [
      ['from', { type: 'string', format: 'date-time' }, 'From this time (inclusive).'],
      ['to', { type: 'string', format: 'date-time' }, 'Before this time.'],
      ['counterpart', { type: 'string', pattern: AGENCY_CODE.source }, 'The other agency.'],
      ['kind', { type: 'string' }, 'Notice kind.'],
      ['event', { enum: [...LEDGER_EVENTS] }, 'Ledger event.'],
      ['messageId', { type: 'string' }, 'One message.'],
      ['after', { type: 'string', pattern: '^[0-9]+$' }, 'Keyset cursor: entries after this seq.'],
      limit,
    ],
    ok: { status: 200, description: 'A page of entries.', schema: { type: 'object' } },
    errors: [400, ...AUTH_ERRORS],
  },
  'GET /audit/messages/{id}/timeline': { summary: 'Timeline of one message', description: 'Its entries and those that refer to it.', ok: { status: 200, description: 'The timeline.', schema: { type: 'object' } }, errors: [400, ...AUTH_ERRORS, 404] },
  'GET /audit/proofs/inclusion': {
    summary: 'Inclusion proof',
    description: 'RFC 6962 inclusion proof of entry `seq` in the tree of `size` entries.',
    query: [
      ['seq', { type: 'string', pattern: '^[0-9]+$' }, 'The entry (required).'],
      ['size', { type: 'string', pattern: '^[0-9]+$' }, 'Tree size (default: the latest checkpoint).'],
    ],
    ok: { status: 200, description: 'The proof.', schema: { type: 'object' } },
    errors: [400, ...AUTH_ERRORS, 404],
  },
  'GET /audit/proofs/consistency': {
    summary: 'Consistency proof',
    description: 'RFC 6962 consistency proof between two tree sizes.',
    query: [
      ['from', { type: 'string', pattern: '^[0-9]+$' }, 'Older size (required).'],
      ['to', { type: 'string', pattern: '^[0-9]+$' }, 'Newer size (required).'],
    ],
    ok: { status: 200, description: 'The proof.', schema: { type: 'object' } },
    errors: [400, ...AUTH_ERRORS],
  },
  'POST /match/index/entries': {
    summary: 'Import match index entries',
    description: `Adds and removes up to ${MAX_IMPORT_ENTRIES} values of this agency's private-match index (role admin): each canonicalised (docs/PROTOCOL.md §6), sealed at rest, evaluated under the agency's OPRF key; the filter is rebuilt and sent to every partner once the index has been quiet for LIAISON_MATCH_PUBLISH_DELAY_MS. \`liaison match-index import\` sends a file through this.`,
    body: { schema: 'MatchImportRequest', examples: { documents: { summary: 'Two document numbers, one removal', value: { entries: [{ kind: 'document', value: 'X1234567', country: 'ES' }, { kind: 'phone', value: '+34 612 345 678' }, { op: 'remove', kind: 'document', value: 'Y7654321', country: 'ES' }] }, status: 200 }, badCountry: { summary: 'Refused: a document without its issuing country', value: { entries: [{ kind: 'document', value: 'X1234567' }] }, status: 400 } } },
    ok: { status: 200, description: 'What changed.', schema: ref('MatchImportResult') },
    errors: [400, ...AUTH_ERRORS, 413, 415],
  },
  'GET /match/index': { summary: 'The match index', description: 'Size, last import, key age and rotation, partners, the last filter sent (role admin). Never a value, never the key.', ok: { status: 200, description: 'The status.', schema: ref('MatchIndexStatus') }, errors: AUTH_ERRORS },
  'GET /match/holders': { summary: 'Holders this agency may check against', description: 'Each configured holder (LIAISON_MATCH_HOLDERS) and the filter held of it (key id, entries, when issued and received), or null (role operator).', ok: { status: 200, description: 'The holders.', schema: LIST }, errors: AUTH_ERRORS },
  'POST /match/checks': {
    summary: 'Check values against other agencies (private hit/no-hit)',
    description: 'Blinds each value and sends one match-request to each holder named; waits up to LIAISON_MATCH_CHECK_WAIT_MS (default 5 s) for the answers: 200 with every result, or 202 with Location while an answer is outstanding (GET it until `complete`). The holder learns only that a query of n values was made; hits are checked here against its filter. Refused: a holder not configured (403 match_not_authorised), one whose filter has not arrived (409 match_no_filter). Role operator.',
    body: { schema: 'MatchCheckRequest', examples: { oneDocument: { summary: 'A document number against ES (refused here: the example node is configured to query no holder)', value: { values: [{ kind: 'document', value: 'X-1234567', country: 'ES' }], partners: ['ES'] }, status: 403 }, noPartner: { summary: 'Refused: no holder named', value: { values: [{ kind: 'document', value: 'X1234567', country: 'ES' }], partners: [] }, status: 400 } } },
    ok: { status: 200, description: 'Every holder answered (202 and the same body while one has not).', schema: ref('MatchCheck') },
    errors: [400, ...AUTH_ERRORS, 409, 413, 415, 503],
  },
  'GET /match/checks/{id}': { summary: 'One check', description: 'Its status per holder and the hits (indexes of the values sent); role operator.', ok: { status: 200, description: 'The check.', schema: ref('MatchCheck') }, errors: [...AUTH_ERRORS, 404] },
  'GET /match/audit': {
    summary: 'Private-match counts',
    description: 'Served (as holder), per partner: requests evaluated, elements evaluated, refusals by code (rate limit included), follow-up queries received that refer to an answer. Asked (as requester), per holder: requests, elements, hits, refusals, follow-ups sent. Counts only (role auditor).',
    ok: { status: 200, description: 'The counts.', schema: { type: 'object', required: ['served', 'asked'], properties: { served: LIST, asked: LIST } } },
    errors: AUTH_ERRORS,
  },
  'GET /audit/checkpoint': { summary: 'Latest checkpoint', description: 'With its witness cosignatures and whether the quorum is reached. Roles auditor, admin.', ok: { status: 200, description: 'The checkpoint.', schema: { type: 'object' } }, errors: [...AUTH_ERRORS, 404] },
  'GET /audit/integrity': {
    summary: 'Ledger damage report',
    description: 'A full self-audit now, in one snapshot: every damage found (seq and kind: edited, missing, inserted, reordered), and what the background audit knows. Reports only, never repairs (docs/runbook-ledger-damage.md). Roles auditor, admin.',
    ok: { status: 200, description: 'The report.', schema: { type: 'object' } },
    errors: [...AUTH_ERRORS],
  },
  'GET /audit/alerts': {
    summary: 'Witness alerts',
    description: 'Refused checkpoints with both signed notes as evidence.',
    query: [['after', { type: 'string', pattern: '^[0-9]+$' }, 'Keyset cursor.'], limit],
    ok: { status: 200, description: 'A page of alerts.', schema: { type: 'object' } },
    errors: [400, ...AUTH_ERRORS],
  },
  'GET /audit/bundle': {
    summary: 'Audit bundle',
    description: 'NDJSON, streamed: entries, proofs and the cosigned checkpoint that covers them, verifiable offline.',
    query: [
      ['from', { type: 'string', pattern: '^[0-9]+$' }, 'First seq.'],
      ['to', { type: 'string', pattern: '^[0-9]+$' }, 'Tree size to prove against.'],
    ],
    ok: { status: 200, description: 'The bundle.', type: 'application/x-ndjson' },
    errors: [400, ...AUTH_ERRORS, 409],
  },
});

const ERROR_TEXT: Record<number, string> = {
  400: 'The request is invalid: `errors` names each field, parameter or header.',
  401: 'No valid bearer token (WWW-Authenticate says why).',
  403: 'The token lacks the role, or the handling code forbids the action.',
  404: 'Not found.',
  409: 'The notice is not in a state that allows this, or a request with the same Idempotency-Key is still being processed (Retry-After).',
  413: 'The body is larger than 256 KiB (an upload: larger than the federation allows).',
  415: 'The body is not uncompressed UTF-8 JSON (an upload: its media type is not allowed, or the file is not of that type).',
  422: 'The Idempotency-Key was already used for a different request.',
  503: 'Busy or not ready: retry after Retry-After seconds (nothing was written).',
};

function problemResponse(status: number): Json {
  return { description: ERROR_TEXT[status] ?? 'Error.', content: { [PROBLEM_CONTENT_TYPE]: { schema: ref('Problem') } } };
}

/** Fills in what the controllers' decorators do not say; fails when an operation is not described. */
export function describeOperations(document: OpenAPIObject, now: Date): OpenAPIObject {
  const OPERATIONS = operations(exampleNotice(now));
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...(schemas() as Record<string, never>) } };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item as Record<string, Json>)) {
      const key = `${method.toUpperCase()} ${path}`;
      const spec = OPERATIONS[key];
      if (!spec) throw new Error(`OpenAPI: no description for ${key} (apps/node/src/http/openapi.ts)`);
      op.summary = spec.summary;
      op.description = spec.description;
      op.security = spec.public ? [] : [{ bearer: [] }];
      const params = ((op.parameters as Json[] | undefined) ?? []).filter((p) => p.in !== 'query');
      for (const p of params) {
        if (p.in === 'path') Object.assign(p, { description: 'The notice or message id.', schema: path.startsWith('/audit/') ? { type: 'string', maxLength: 128 } : { type: 'string', format: 'uuid', pattern: UUID.source } });
        if (p.in === 'header' && p.name === IDEMPOTENCY_HEADER) p.schema = { type: 'string', maxLength: 257 };
      }
      for (const [name, schema, description] of spec.query ?? []) params.push({ name, in: 'query', required: false, description, schema });
      op.parameters = params;
      if (spec.body) {
        op.requestBody = {
          required: true,
          content: {
            'application/json': {
              schema: ref(spec.body.schema),
              ...(spec.body.examples ? { examples: Object.fromEntries(Object.entries(spec.body.examples).map(([name, e]) => [name, { summary: e.summary, value: e.value, 'x-expected-status': e.status }])) } : {}),
            },
          },
        };
      }
      if (spec.binaryBody) op.requestBody = { required: true, description: spec.binaryBody, content: { '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } };
      const ok: Json = { description: spec.ok.description };
      if (spec.ok.schema || spec.ok.type) ok.content = { [spec.ok.type ?? 'application/json']: { schema: spec.ok.schema ?? { type: 'string' } } };
      const errors = [...new Set([...spec.errors, ...(spec.query ? [400] : [])])].sort();
      op.responses = { [String(spec.ok.status)]: ok, ...Object.fromEntries(errors.map((s) => [String(s), problemResponse(s)])) };
    }
  }
  return document;
}

export function buildOpenApi(app: INestApplication, agency: string, now = new Date()): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setOpenAPIVersion('3.1.0')
      .setTitle(`Liaison node ${agency}`)
      .setVersion('1')
      .setDescription('Send, receive, acknowledge and answer notices; audit the exchange ledger. Errors are RFC 9457 problems (docs/api.md).')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
      .build(),
  );
  return describeOperations(document, now);
}
