import type { INestApplication } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ProblemFilter } from './problem.filter';
import { QueryParamsGuard } from './request-shape';

/** The rules every route of the node's API follows: errors as problems, only declared query parameters. */
export function applyApiRules(app: INestApplication): void {
  app.useGlobalFilters(new ProblemFilter());
  app.useGlobalGuards(new QueryParamsGuard(app.get(Reflector)));
}
