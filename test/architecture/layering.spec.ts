import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative, sep } from 'path';

/**
 * The tree's rules, checked on every run (issue 10): SQL and TypeORM calls only in repositories,
 * migrations and persistence/; persistence/ and the core module import no feature module; a lib
 * is imported only through its public entry and never imports an app. Each failure names the
 * file and the line.
 */
const ROOT = join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'console' && dir.endsWith(join('apps', 'node')) ? [] : sources(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

const files = [...sources(join(ROOT, 'apps')), ...sources(join(ROOT, 'libs'))].map((path) => ({ path: relative(ROOT, path).split(sep).join('/'), text: readFileSync(path, 'utf8') }));

function offending(predicate: (file: string) => boolean, pattern: RegExp): string[] {
  return files
    .filter((f) => predicate(f.path))
    .flatMap((f) => f.text.split('\n').flatMap((line, i) => (pattern.test(line) && !line.trim().startsWith('//') && !line.trim().startsWith('*') ? [`${f.path}:${i + 1}: ${line.trim().slice(0, 120)}`] : [])));
}

/** Where statements may be written: repositories, migrations and the persistence layer itself. */
const MAY_RUN_SQL = (path: string) => /\.repository\.ts$/.test(path) || /\/migrations\//.test(path) || path.startsWith('apps/node/src/persistence/');

/** Calls that run SQL or go through TypeORM's data access. */
const SQL_OR_TYPEORM = /\.query\s*(<[^>]*>)?\(|\bgetRepository\(|createQueryBuilder\(|\.transaction\(|\b(manager|tx|dataSource|queryRunner)\.(find|findOne|findBy|update|insert|delete|save|increment)\(/;

const FEATURE_IMPORT = /from '\.\.\/(exchange|ledger|directory|console|health)\//;

describe('architecture of the tree', () => {
  it('runs SQL and TypeORM calls only in repositories, migrations and persistence/', () => {
    expect(offending((p) => !MAY_RUN_SQL(p), SQL_OR_TYPEORM)).toEqual([]);
  });

  it('keeps persistence/ free of feature modules', () => {
    expect(offending((p) => p.startsWith('apps/node/src/persistence/'), FEATURE_IMPORT)).toEqual([]);
  });

  it('keeps the core module free of feature modules', () => {
    expect(offending((p) => p === 'apps/node/src/core.module.ts', /from '\.\/(exchange|ledger|directory|console|health)\//)).toEqual([]);
  });

  it('imports a lib only through its public entry, and no lib imports an app', () => {
    expect(offending(() => true, /from '@liaison\/[a-z-]+\//)).toEqual([]);
    expect(offending((p) => p.startsWith('libs/'), /from '(\.\.\/)+(apps|libs)\//)).toEqual([]);
  });
});
