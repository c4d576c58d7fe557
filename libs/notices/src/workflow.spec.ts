import fc from 'fast-check';
import {
  FINAL_STATES,
  NOTICE_EVENTS,
  NOTICE_STATES,
  allowedEvents,
  isFinalState,
  transition,
  type NoticeEvent,
  type NoticeState,
} from './index';

const ok = (state: NoticeState, changed = true) => ({ ok: true, state, changed });
const refused = (event: NoticeEvent, state: NoticeState) => ({
  ok: false,
  error: 'illegal_transition',
  message: `cannot ${event} a notice that is ${state}`,
});

describe('workflow per recipient agency', () => {
  it.each<[NoticeState, NoticeEvent, NoticeState]>([
    ['SENT', 'deliver', 'DELIVERED'],
    ['DELIVERED', 'acknowledge', 'ACKNOWLEDGED'],
    ['ACKNOWLEDGED', 'answer', 'ANSWERED'],
    ['ACKNOWLEDGED', 'decline', 'DECLINED'],
    ['DELIVERED', 'answer', 'ANSWERED'], // answering without an explicit acknowledgement is allowed
    ['DELIVERED', 'decline', 'DECLINED'],
    ['SENT', 'acknowledge', 'ACKNOWLEDGED'], // the receipt may arrive after the acknowledgement
    ['SENT', 'answer', 'ANSWERED'],
    ['SENT', 'decline', 'DECLINED'],
    ['SENT', 'expire', 'EXPIRED'],
    ['DELIVERED', 'expire', 'EXPIRED'],
    ['ACKNOWLEDGED', 'expire', 'EXPIRED'],
  ])('%s --%s--> %s', (from, event, to) => {
    expect(transition(from, event)).toEqual(ok(to));
  });

  it.each<NoticeState>(['DELIVERED', 'ACKNOWLEDGED', 'ANSWERED', 'DECLINED', 'EXPIRED'])(
    'a late or repeated receipt on %s changes nothing and is not an error',
    (state) => {
      expect(transition(state, 'deliver')).toEqual(ok(state, false));
    },
  );

  it.each<[NoticeState, NoticeEvent]>([
    ['ACKNOWLEDGED', 'acknowledge'],
    ['ANSWERED', 'acknowledge'],
    ['ANSWERED', 'answer'],
    ['ANSWERED', 'decline'],
    ['ANSWERED', 'expire'],
    ['DECLINED', 'answer'],
    ['DECLINED', 'acknowledge'],
    ['DECLINED', 'expire'],
    ['EXPIRED', 'answer'],
    ['EXPIRED', 'acknowledge'],
    ['EXPIRED', 'decline'],
  ])('refuses %s + %s with a clear message', (state, event) => {
    expect(transition(state, event)).toEqual(refused(event, state));
  });

  it('uses the exact wording the API returns', () => {
    expect(transition('ANSWERED', 'acknowledge')).toEqual({
      ok: false,
      error: 'illegal_transition',
      message: 'cannot acknowledge a notice that is ANSWERED',
    });
  });

  it('refuses unknown states and events, including prototype names', () => {
    expect(transition('LOST' as NoticeState, 'deliver').ok).toBe(false);
    expect(transition('SENT', 'constructor' as NoticeEvent).ok).toBe(false);
    expect(transition('SENT', 'toString' as NoticeEvent).ok).toBe(false);
  });

  it('lists what may still happen, nothing in a final state', () => {
    expect(allowedEvents('DELIVERED')).toEqual(['acknowledge', 'answer', 'decline', 'expire']);
    for (const s of FINAL_STATES) expect(allowedEvents(s)).toEqual([]);
    expect(NOTICE_STATES.filter(isFinalState)).toEqual(['ANSWERED', 'DECLINED', 'EXPIRED']);
  });

  describe('properties', () => {
    const events = fc.array(fc.constantFrom(...NOTICE_EVENTS), { maxLength: 30 });

    function run(start: NoticeState, seq: readonly NoticeEvent[]): NoticeState[] {
      const visited = [start];
      let state = start;
      for (const e of seq) {
        const r = transition(state, e);
        if (r.ok) state = r.state;
        visited.push(state);
      }
      return visited;
    }

    it('no sequence of events leaves a final state', () => {
      fc.assert(
        fc.property(fc.constantFrom(...FINAL_STATES), events, (final, seq) => {
          expect(run(final, seq).every((s) => s === final)).toBe(true);
        }),
      );
    });

    it('every path from SENT stays in legal states and never goes backwards', () => {
      const rank: Record<NoticeState, number> = { SENT: 0, DELIVERED: 1, ACKNOWLEDGED: 2, ANSWERED: 3, DECLINED: 3, EXPIRED: 3 };
      fc.assert(
        fc.property(events, (seq) => {
          const visited = run('SENT', seq);
          for (const s of visited) expect(NOTICE_STATES).toContain(s);
          for (let i = 1; i < visited.length; i++) expect(rank[visited[i]]).toBeGreaterThanOrEqual(rank[visited[i - 1]]);
          // once final, always that final state
          const firstFinal = visited.findIndex(isFinalState);
          if (firstFinal >= 0) expect(new Set(visited.slice(firstFinal)).size).toBe(1);
        }),
      );
    });

    it('a refused transition names the event and the state; an accepted one is in the table or an idempotent deliver', () => {
      fc.assert(
        fc.property(fc.constantFrom(...NOTICE_STATES), fc.constantFrom(...NOTICE_EVENTS), (state, event) => {
          const r = transition(state, event);
          if (r.ok) {
            expect(allowedEvents(state).includes(event) || (event === 'deliver' && !r.changed && r.state === state)).toBe(true);
          } else {
            expect(r.message).toBe(`cannot ${event} a notice that is ${state}`);
            expect(allowedEvents(state)).not.toContain(event);
          }
        }),
      );
    });

    it('delivering twice is the same as delivering once', () => {
      fc.assert(
        fc.property(events, (seq) => {
          const once = run('SENT', ['deliver', ...seq]).at(-1);
          const twice = run('SENT', ['deliver', 'deliver', ...seq]).at(-1);
          expect(twice).toBe(once);
        }),
      );
    });
  });
});
