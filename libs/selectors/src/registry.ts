/**
 * The selector-kind registry: a kind is a name, a normaliser and whether reports may list it.
 * Matching, search and the match helper all go through `normaliseSelector`, so a kind added
 * here (with its rule documented in docs/selectors.md) is normalised the same way everywhere.
 */
import { normaliseCaseReference, normaliseDateOfBirth, normaliseDocument, normaliseName } from './identifiers';
import { normaliseEmail, normalisePhone, normaliseUrl, normaliseUsername, type SelectorContext } from './kinds';
import { refused, type Normalised } from './text';

/** Most selectors one report (or query) may carry: the one limit, imported by the notice schemas. */
export const MAX_SELECTORS = 1000;

export const SELECTOR_KIND_NAME = /^[a-z][a-z0-9_]{0,31}$/;

export interface SelectorKindDefinition {
  readonly kind: string;
  /** One line for the console and the docs. */
  readonly description: string;
  /** May appear in a notice's `selectors` list (else it is an identifier taken from subjects: names, documents). */
  readonly listable: boolean;
  /** The context members the normaliser reads (`platform`, `country`). */
  readonly context: readonly (keyof SelectorContext)[];
  readonly normalise: (value: unknown, context: SelectorContext) => Normalised;
}

export class SelectorKindRegistry {
  private readonly kinds = new Map<string, SelectorKindDefinition>();

  register(definition: SelectorKindDefinition): SelectorKindDefinition {
    if (!SELECTOR_KIND_NAME.test(definition.kind)) throw new Error(`selector kind "${definition.kind}" must be lowercase letters, digits or "_", at most 32`);
    if (this.kinds.has(definition.kind)) throw new Error(`selector kind "${definition.kind}" is already registered`);
    const frozen = Object.freeze({ ...definition, context: Object.freeze([...definition.context]) });
    this.kinds.set(definition.kind, frozen);
    return frozen;
  }

  get(kind: string): SelectorKindDefinition | undefined {
    return typeof kind === 'string' ? this.kinds.get(kind) : undefined;
  }

  /** Kinds a notice's `selectors` list may use, in registration order. */
  listable(): string[] {
    return [...this.kinds.values()].filter((k) => k.listable).map((k) => k.kind);
  }

  normalise(kind: string, value: unknown, context: SelectorContext = {}): Normalised {
    const definition = this.get(kind);
    if (!definition) return refused(`is not a known selector kind (${this.listable().join(', ')})`);
    return definition.normalise(value, context);
  }
}

/** The process-wide registry with the built-in kinds. */
export const defaultSelectorKinds = new SelectorKindRegistry();
defaultSelectorKinds.register({ kind: 'phone', description: 'Phone number, to E.164', listable: true, context: ['country'], normalise: normalisePhone });
defaultSelectorKinds.register({ kind: 'email', description: 'E-mail address, domain lowercased and IDN to ASCII', listable: true, context: [], normalise: normaliseEmail });
defaultSelectorKinds.register({ kind: 'url', description: 'URL (http/https) by the WHATWG URL Standard', listable: true, context: [], normalise: normaliseUrl });
defaultSelectorKinds.register({ kind: 'username', description: 'Username on a platform, by the platform\'s rules', listable: true, context: ['platform'], normalise: normaliseUsername });
defaultSelectorKinds.register({ kind: 'name', description: 'Person name, folded', listable: false, context: [], normalise: normaliseName });
defaultSelectorKinds.register({ kind: 'date_of_birth', description: 'Date of birth (YYYY[-MM[-DD]])', listable: false, context: [], normalise: normaliseDateOfBirth });
defaultSelectorKinds.register({ kind: 'case_reference', description: 'Case reference, uppercased', listable: false, context: [], normalise: normaliseCaseReference });
defaultSelectorKinds.register({ kind: 'document', description: 'Identity document: issuing country and number', listable: false, context: ['country'], normalise: normaliseDocument });

export function registerSelectorKind(definition: SelectorKindDefinition): SelectorKindDefinition {
  return defaultSelectorKinds.register(definition);
}

/**
 * The one normalisation entry point: `normaliseSelector('phone', '0031 6 1234 5678', {})` →
 * `{ok: true, value: '+31612345678'}`; a refusal says what is wrong with the value (no echo).
 */
export function normaliseSelector(kind: string, value: unknown, context: SelectorContext = {}): Normalised {
  return defaultSelectorKinds.normalise(kind, value, context);
}

/**
 * The string a blind index hashes for a normalised value: `<kind>\u0000<value>`, so equal
 * values of two kinds (a name and a username) never share a term.
 */
export function indexTerm(kind: string, normalised: string): string {
  return `${kind}\u0000${normalised}`;
}
