#!/usr/bin/env node
// Generates libs/federation/src/api-types.ts, the TypeScript types NodeClient (and so the CLI and
// the tests) uses for the node's API, from the node's OpenAPI document with openapi-typescript.
//   bash deploy/local/prepare.sh && node deploy/api-types.js
//       builds the document offline (apps/node/src/http/openapi-export.ts: no broker, no database)
//       and rewrites the file;
//   node deploy/api-types.js --check <document.json>
//       exits 1 when the committed file is not what that document generates (test/e2e/node-openapi.spec.ts
//       gives it the document a running node serves, so an API change that was not regenerated fails).
const { readFileSync, writeFileSync } = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const TARGET = path.join(root, 'libs', 'federation', 'src', 'api-types.ts');
const HEADER = `// GENERATED from the node's OpenAPI document by openapi-typescript; do not edit.
// Regenerate after changing the API: bash deploy/local/prepare.sh && node deploy/api-types.js
// (test/e2e/node-openapi.spec.ts fails while this file differs from what a running node serves).
`;

async function generate(document) {
  // openapi-typescript is ESM (and so are its dependencies): imported, not required.
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  // A schema that names no properties (a loosely described answer) reads as unknown values, not as {}.
  const ast = await openapiTS(document, { emptyObjectsUnknown: true, silent: true });
  return HEADER + astToString(ast);
}

async function main(args) {
  if (args[0] === '--check') {
    if (!args[1]) throw new Error('usage: node deploy/api-types.js --check <document.json>');
    const expected = await generate(JSON.parse(readFileSync(args[1], 'utf8')));
    if (readFileSync(TARGET, 'utf8') !== expected) {
      process.stderr.write(`${path.relative(root, TARGET)} is not what the document generates: regenerate it (node deploy/api-types.js)\n`);
      return 1;
    }
    return 0;
  }
  if (args.length) throw new Error(`unknown argument ${args[0]} (usage: node deploy/api-types.js [--check <document.json>])`);
  require('./register-paths');
  const { offlineOpenApi } = require(path.join(root, 'dist', 'apps', 'node', 'src', 'http', 'openapi-export'));
  writeFileSync(TARGET, await generate(await offlineOpenApi()));
  process.stderr.write(`wrote ${path.relative(root, TARGET)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  },
);
