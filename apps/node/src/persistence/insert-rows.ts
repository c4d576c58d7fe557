import type { Queryable } from './queryable';

/** PostgreSQL accepts at most 65,535 parameters in one statement. */
const MAX_PARAMETERS = 65_535;

/**
 * One multi-row INSERT (a few if the rows need more parameters than one statement takes). The
 * hot paths insert hundreds of rows per transaction, where TypeORM's query builder spent more CPU
 * building the statement than PostgreSQL spent running it. Values go as parameters, never text.
 * `suffix` is appended to each statement (ON CONFLICT …, RETURNING …); the returned rows of all
 * statements are concatenated.
 */
export async function insertRows<R = unknown>(q: Queryable, table: string, columns: readonly string[], rows: readonly unknown[][], suffix = ''): Promise<R[]> {
  const perStatement = Math.floor(MAX_PARAMETERS / columns.length);
  const out: R[] = [];
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => {
      if (row.length !== columns.length) throw new Error(`insertRows(${table}): a row has ${row.length} values for ${columns.length} columns`);
      const first = params.length;
      params.push(...row);
      return `(${row.map((_, i) => `$${first + i + 1}`).join(', ')})`;
    });
    const result = await q.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')} ${suffix}`, params);
    if (Array.isArray(result)) out.push(...(result as R[]));
  }
  return out;
}
