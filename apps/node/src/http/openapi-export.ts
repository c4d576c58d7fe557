// The node's OpenAPI document without a broker, a database or keys: the module graph is built in
// Nest's preview mode (modules, controllers and their decorators, no provider instantiated), which
// is all the document is made of. deploy/api-types.js uses it to regenerate the typed client
// (libs/federation/src/api-types.ts); test/e2e/node-openapi.spec.ts checks it equals what a running
// node serves.
import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from '../app.module';
import type { NodeRuntime } from '../runtime';
import { buildOpenApi } from './openapi';

/** The agency named in the exported document's title (the document is the same for every agency but for it). */
export const EXPORT_AGENCY = 'XX';

export async function offlineOpenApi(agency = EXPORT_AGENCY, now = new Date()): Promise<OpenAPIObject> {
  // Only what the module definitions read while they are declared; preview mode never calls a provider.
  const runtime = {
    config: { agency, auth: { issuer: 'https://issuer.invalid', audience: 'liaison', jwks: { keys: [] } } },
    keyring: { agency },
  } as unknown as NodeRuntime;
  const app = await NestFactory.create(AppModule.forRuntime(runtime), { preview: true, logger: false, abortOnError: false });
  try {
    return buildOpenApi(app, agency, now);
  } finally {
    await app.close();
  }
}
