/** The rows of an UPDATE or DELETE … RETURNING: TypeORM's pg driver answers those as [rows, count], an INSERT or SELECT as rows. */
export function returnedRows<T>(result: unknown): T[] {
  return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
}
