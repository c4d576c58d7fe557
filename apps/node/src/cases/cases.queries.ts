import { Inject, Injectable } from '@nestjs/common';
import { CaseState, everMembers } from '@liaison/cases';
import type { Principal } from '@liaison/auth';
import { FINAL_STATES, NoticeState, isOverdue } from '@liaison/notices';
import { isUuid } from '@liaison/ids';
import { NodeConfig } from '../config/node-config';
import { ContentCipher } from '../exchange/content-cipher';
import { openStoredBody, refuse } from '../exchange/refusals';
import { Clock, NODE_CONFIG } from '../tokens';
import { CaseRow, CasesRepository } from './cases.repository';

const MAX_PAGE = 200;

/** Who sees a case's text (title, purpose, legal basis) and notice content: operators and officers; auditors see metadata only. */
export function seesContent(principal: Principal): boolean {
  return principal.roles.includes('operator') || principal.roles.includes('liaison_officer');
}

/** This agency's standing in a case. */
export function standing(state: CaseState, me: string): 'owner' | 'member' | 'invited' | 'accepted' | 'declined' | 'left' | 'none' {
  if (state.definition.owner === me) return 'owner';
  for (const s of ['members', 'invited', 'accepted', 'declined', 'left'] as const) if (state[s].includes(me)) return s === 'members' ? 'member' : s;
  return 'none';
}

/** Read side of cases: the list, one case with its membership events and the timeline of its notices, and a notice's thread. */
@Injectable()
export class CasesQueries {
  constructor(
    private readonly repository: CasesRepository,
    private readonly cipher: ContentCipher,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  async list(principal: Principal, limit = 50) {
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE) throw refuse.invalid([{ field: 'limit', message: `must be from 1 to ${MAX_PAGE}` }]);
    return (await this.repository.list(limit)).map((row) => this.summary(row, principal));
  }

  /** One case: its definition, membership, the events this agency holds, and the timeline of its notices (metadata only, never content). */
  async show(principal: Principal, id: string) {
    const row = isUuid(id) ? await this.repository.get(id) : null;
    if (!row) throw refuse.notFound('case');
    const now = this.clock.now();
    const participants = new Set(everMembers(row.state));
    const events = (await this.repository.events(id)).map((e) => ({
      messageId: e.messageId, type: e.type, agency: e.agency, signer: e.signer, seq: e.seq, direction: e.direction, recipients: e.recipients, at: new Date(e.at).toISOString(),
    }));
    // A notice naming the case from an agency that never was a member does not join its timeline.
    const timeline = (await this.repository.notices(id)).filter((n) => participants.has(n.sender)).map((n) => {
      const states = n.states.map((s) => ({ agency: s.agency, status: s.status, updatedAt: new Date(s.updatedAt).toISOString() }));
      const open = states.filter((s) => !FINAL_STATES.has(s.status as NoticeState)).map((s) => s.agency);
      return {
        id: n.id, direction: n.direction, sender: n.sender, recipients: n.recipients, kind: n.kind, priority: n.priority, re: n.re,
        issuedAt: new Date(n.issuedAt).toISOString(), deadline: n.deadline ? new Date(n.deadline).toISOString() : null, states,
        open, overdue: n.deadline !== null && open.length > 0 && isOverdue(new Date(n.deadline), now),
      };
    });
    return { ...this.summary(row, principal), events, timeline };
  }

  /** The notices linked to `id` by `re` (what it follows up and its follow-ups), oldest first; content only for operators and officers. */
  async thread(principal: Principal, id: string) {
    const rows = await this.repository.thread(id);
    if (!rows.some((r) => r.id === id)) throw refuse.notFound('notice');
    const content = seesContent(principal);
    return rows.map((n) => ({
      id: n.id, direction: n.direction, sender: n.sender, recipients: n.recipients, kind: n.kind, priority: n.priority,
      handling: { code: n.handlingCode, ...(n.handlingRestriction ? { restriction: n.handlingRestriction } : {}) },
      re: n.re, case: n.caseId, issuedAt: n.issuedAt.toISOString(), deadline: n.deadline?.toISOString() ?? null, digest: n.digest,
      ...(content ? { body: openStoredBody(this.cipher, n) } : {}),
    }));
  }

  private summary(row: CaseRow, principal: Principal) {
    const { definition: d, ...s } = row.state;
    return {
      id: row.id, reference: row.reference, owner: row.owner, status: s.closed ? 'closed' : 'open', standing: standing(row.state, this.config.agency),
      members: s.members, invited: s.invited, accepted: s.accepted, declined: s.declined, left: s.left,
      handling: d.handling, period: d.period,
      ...(seesContent(principal) ? { title: d.title, purpose: d.purpose, legalBasis: d.legal_basis } : {}),
      openedAt: new Date(row.openedAt).toISOString(), updatedAt: new Date(row.updatedAt).toISOString(),
    };
  }
}
