import { entryFilterSql, parseEntryFilter, QueryError } from './audit.query';

function fieldOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    return e instanceof QueryError ? e.field : 'not a QueryError';
  }
}

describe('auditor entry filters', () => {
  it('parses every filter and builds a parameterised query', () => {
    const f = parseEntryFilter({ from: '2026-11-24T08:00:00Z', to: '2026-11-25T00:00:00+02:00', counterpart: 'NL', kind: 'identity-query', event: 'sent', messageId: 'q-1', after: '41', limit: '50' });
    expect(f).toMatchObject({ counterpart: 'NL', kind: 'identity-query', event: 'sent', messageId: 'q-1', after: 41, limit: 50 });
    const { where, params } = entryFilterSql(f);
    expect(where).toBe('WHERE seq > $1 AND time >= $2 AND time < $3 AND counterpart = $4 AND kind = $5 AND event = $6 AND message_id = $7');
    expect(params).toEqual([41, '2026-11-24T08:00:00.000Z', '2026-11-24T22:00:00.000Z', 'NL', 'identity-query', 'sent', 'q-1']);
    expect(parseEntryFilter({})).toEqual({ limit: 100 });
    expect(entryFilterSql({ limit: 1 }).where).toBe('');
  });

  it.each([
    [{ limit: '0' }, 'limit'],
    [{ limit: '1001' }, 'limit'],
    [{ after: '1e3' }, 'after'],
    [{ after: '99999999999999999' }, 'after'],
    [{ from: '2026-11-24' }, 'from'],
    [{ to: 'now' }, 'to'],
    [{ event: 'Sent' }, 'event'],
    [{ kind: "x'; DROP TABLE ledger_entry; --" }, 'kind'],
    [{ counterpart: 'N L' }, 'counterpart'],
    [{ messageId: 'x'.repeat(129) }, 'messageId'],
    [{ limit: ['1', '2'] }, 'limit'],
    [{ seq: '1' }, 'seq'],
    [{ from: '2026-11-25T00:00:00Z', to: '2026-11-24T00:00:00Z' }, 'from'],
  ])('refuses %j naming %s', (query, field) => {
    expect(fieldOf(() => parseEntryFilter(query as Record<string, unknown>))).toBe(field);
  });
});
