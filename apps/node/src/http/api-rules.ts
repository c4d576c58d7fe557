import type { INestApplication } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AllowedMethods, ProblemFilter } from './problem.filter';
import { QueryParamsGuard } from './request-shape';

/** Path → methods of the operations an OpenAPI document lists (`{id}` matches one segment). */
export function documentedMethods(document: OpenAPIObject): AllowedMethods {
  const routes = Object.entries(document.paths).map(([path, item]) => ({
    pattern: new RegExp(`^${path.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
    methods: Object.keys(item).map((m) => m.toUpperCase()),
  }));
  return (path) => routes.find((r) => r.pattern.test(path))?.methods ?? [];
}

/** The rules every route of the node's API follows: errors as problems, only declared query parameters. */
export function applyApiRules(app: INestApplication, allowedMethods?: AllowedMethods): void {
  app.useGlobalFilters(new ProblemFilter(allowedMethods));
  app.useGlobalGuards(new QueryParamsGuard(app.get(Reflector)));
}
