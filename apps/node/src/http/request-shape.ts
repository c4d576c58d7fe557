// One rule for every route's query string and path ids: a route names the query parameters it
// takes (@QueryParams); anything else, `__proto__[limit]` included, is refused before the handler
// runs, and so is a parameter given twice. Path ids are checked by UuidPipe (400, never a 500 from
// the database's uuid cast).
import { CanActivate, ExecutionContext, Injectable, PipeTransform, SetMetadata, ArgumentMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { isUuid } from '@liaison/ids';
import { invalid, invalidField, ProblemField } from './problem';

export const QUERY_PARAMS_KEY = 'liaison:query-params';

/** The query parameters a route (or every route of a controller) takes; without it, none. */
export const QueryParams = (...names: string[]) => SetMetadata(QUERY_PARAMS_KEY, names);

/** What is wrong with a parsed query string for a route that takes `allowed` (pure). */
export function queryErrors(query: Record<string, unknown>, allowed: readonly string[]): ProblemField[] {
  const errors: ProblemField[] = [];
  for (const key of Object.keys(query)) {
    const field = key.replace(/[^\x20-\x7e]/g, '?').slice(0, 64);
    if (!allowed.includes(key)) errors.push({ field, message: allowed.length ? `is not a query parameter of this endpoint (it takes ${allowed.join(', ')})` : 'is not a query parameter of this endpoint (it takes none)' });
    else if (typeof query[key] !== 'string') errors.push({ field, message: 'must be given once, as a single value' });
  }
  return errors;
}

@Injectable()
export class QueryParamsGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const allowed = this.reflector.getAllAndOverride<string[] | undefined>(QUERY_PARAMS_KEY, [context.getHandler(), context.getClass()]) ?? [];
    const errors = queryErrors(context.switchToHttp().getRequest<{ query?: Record<string, unknown> }>().query ?? {}, allowed);
    if (errors.length) throw invalid(errors);
    return true;
  }
}

/** `@Param('id', UuidPipe)`: the id must be a UUID; the refusal names the parameter. */
@Injectable()
export class UuidPipe implements PipeTransform<unknown, string> {
  transform(value: unknown, metadata: ArgumentMetadata): string {
    if (typeof value !== 'string' || !isUuid(value)) throw invalidField(metadata.data ?? 'id', 'must be a UUID such as 0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b');
    return value;
  }
}
