/** Anything that runs SQL: an EntityManager (inside a transaction) or the DataSource. Repositories take one. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}
