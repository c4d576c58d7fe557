/**
 * Every topic and consumer group name of a federation, derived from one prefix so that a
 * federation (or a test run) never collides with another on a shared broker.
 * See docs/PROTOCOL.md, "Topics". A class, so it can be injected as itself.
 */
export class FederationTopics {
  /** The signed federation directory (compacted; written by the federation admin only). */
  readonly directory: string;
  /** Signed checkpoints and witness cosignatures of every agency's ledger. */
  readonly checkpoints: string;

  constructor(readonly prefix: string) {
    this.directory = `${prefix}.directory`;
    this.checkpoints = `${prefix}.checkpoints`;
  }

  /** Everything addressed to an agency: notices, receipts, acknowledgements, responses. */
  inbox(agency: string): string {
    return `${this.prefix}.inbox.${agency}`;
  }

  /**
   * Attachment chunks addressed to an agency (`@liaison/attachments`), apart from its inbox so that
   * a 50 MB transfer never waits in front of a small notice; written by every other agency, read
   * by that agency alone, like the inbox.
   */
  attachments(agency: string): string {
    return `${this.prefix}.attach.${agency}`;
  }

  /** Messages an agency's node refused, with the refusal reason in the headers. */
  deadLetter(agency: string): string {
    return `${this.prefix}.dead-letter.${agency}`;
  }

  /** Consumer groups an agency may use all start with this. */
  groupPrefix(agency: string): string {
    return `${this.prefix}.${agency}.`;
  }

  inboxGroup(agency: string): string {
    return `${this.groupPrefix(agency)}inbox`;
  }

  attachmentsGroup(agency: string): string {
    return `${this.groupPrefix(agency)}attach`;
  }
}

export function federationTopics(prefix: string): FederationTopics {
  return new FederationTopics(prefix);
}
