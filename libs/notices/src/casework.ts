/**
 * The officer's casework requests on a stored notice: assigning it to a named officer, and
 * internal notes (kept by this agency, never sent). Schemas exported for the OpenAPI document.
 */
import { freeText, line } from './schemas/common';
import { createAjv, toFieldErrors } from './validation';
import type { Validated } from './metadata';

export const assignmentSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['officer'],
  properties: {
    /** Who handles it from now on: the officer's name or reference in this agency. */
    officer: line(200),
  },
} as const;

export const MAX_NOTE_LENGTH = 4000;

export const noteSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['text'],
  properties: { text: freeText(MAX_NOTE_LENGTH) },
} as const;

export interface AssignmentRequest {
  officer: string;
}

export interface NoteRequest {
  text: string;
}

const ajv = createAjv();
const assignment = ajv.compile(assignmentSchema);
const note = ajv.compile(noteSchema);

function blank(value: string, field: string) {
  return value.trim() === '' ? [{ field, message: 'must not be blank' }] : [];
}

export function validateAssignmentRequest(input: unknown): Validated<AssignmentRequest> {
  if (!assignment(input)) return { ok: false, errors: toFieldErrors(assignment.errors) };
  const errors = blank((input as AssignmentRequest).officer, '/officer');
  return errors.length ? { ok: false, errors } : { ok: true, value: { officer: (input as AssignmentRequest).officer.trim() } };
}

export function validateNoteRequest(input: unknown): Validated<NoteRequest> {
  if (!note(input)) return { ok: false, errors: toFieldErrors(note.errors) };
  const errors = blank((input as NoteRequest).text, '/text');
  return errors.length ? { ok: false, errors } : { ok: true, value: input as NoteRequest };
}
