import { readFileSync } from 'fs';
import { join } from 'path';
import { caseEventBody, caseEventOf, caseEventTypeOfKind, foldCaseLog, type CaseDefinition, type CaseEvent } from '@liaison/cases';
import { sha256Hex } from '@liaison/envelope';
import { canonicalJson } from '@liaison/ledger';
import { validateNoticeBody } from '@liaison/notices';

const doc = readFileSync(join(__dirname, '../../../../docs/PROTOCOL.md'), 'utf8');

/** docs/PROTOCOL.md §5's case event bodies, one `<kind> <body>` per line of its text block. */
function documentedEvents(): { kind: string; text: string }[] {
  const section = doc.slice(doc.indexOf('## 5. Cases'), doc.indexOf('## 6.'));
  const block = /```text\n([\s\S]*?)\n```/.exec(section)?.[1] ?? '';
  return block.split('\n').map((line) => ({ kind: line.slice(0, line.indexOf(' ')), text: line.slice(line.indexOf(' ') + 1) }));
}

const CASE_ID = '019ad5e2-0000-7000-8000-000000000042';

describe('docs/PROTOCOL.md §5: case events byte for byte', () => {
  const events = documentedEvents();

  it('documents every event kind, each body valid by its schema and what the node serialises, byte for byte', () => {
    expect(events.map((e) => e.kind)).toEqual(['case-invite', 'case-invite', 'case-accept', 'case-join', 'case-decline', 'case-leave', 'case-close']);
    for (const { kind, text } of events) {
      const body = JSON.parse(text);
      expect([kind, validateNoticeBody(kind, body)]).toEqual([kind, { ok: true }]);
      expect(JSON.stringify(caseEventBody(caseEventOf(caseEventTypeOfKind(kind) as CaseEvent['type'], CASE_ID, body)))).toBe(text);
    }
  });

  it('replays as a case log (open, the events in order, each signed as the table says) and states the definition digest of case-opened', () => {
    const definition = (JSON.parse(events[0].text) as { case: CaseDefinition }).case;
    const signers: Record<string, (agency: string) => string> = {
      'case-invite': () => 'NL', 'case-join': () => 'NL', 'case-close': () => 'NL',
      'case-accept': (a) => a, 'case-decline': (a) => a, 'case-leave': (a) => a,
    };
    const log = [
      { event: { type: 'open', caseId: CASE_ID, agency: 'NL', seq: 0, definition } as CaseEvent, signer: 'NL' },
      ...events.map(({ kind, text }) => {
        const event = caseEventOf(caseEventTypeOfKind(kind) as CaseEvent['type'], CASE_ID, JSON.parse(text));
        return { event, signer: signers[kind](event.agency) };
      }),
    ];
    const state = foldCaseLog(log, 'NL');
    expect(state).toMatchObject({ closed: true, ownerSeq: 4, members: ['NL'], invited: [], left: ['ES'], declined: ['CO'] });

    const digest = sha256Hex(Buffer.from(canonicalJson(definition), 'utf8'));
    expect(/`([0-9a-f]{64})` \(SHA-256 of its RFC 8785 JSON/.exec(doc)?.[1]).toBe(digest);
  });
});
