/**
 * A migration's statement about the node's application role (`<database>_app`, which owns no
 * table): `statement` names the role as `%I`, filled in by PostgreSQL's `format`, so a
 * migration never spells the database's name.
 */
export const forAppRole = (statement: string): string => `
  DO $$
  BEGIN
    EXECUTE format('${statement}', current_database() || '_app');
  END $$`;
