// Exports a node's audit bundle to a file, the way GET /audit/bundle streams it.
import { createWriteStream } from 'fs';
import { once } from 'events';
import { join } from 'path';
import { BundleDeps, bundleNdjson, planBundle } from '../../apps/node/src/ledger/audit-bundle';
import { LedgerFederation, LedgerNode } from './ledger-nodes';

export function bundleDeps(f: LedgerFederation, node: LedgerNode): BundleDeps {
  const agency = f.fed.agencies.find((a) => a.code === node.agency);
  if (!agency) throw new Error(`no agency ${node.agency}`);
  return { ledger: node.proofs, repo: node.repo, checkpoints: node.checkpoints, keyring: agency.keyring, trust: f.fed.trust, clock: node.clock, config: node.config };
}

export async function exportBundleTo(dir: string, f: LedgerFederation, node: LedgerNode, name: string, range: { from?: number; to?: number } = {}): Promise<string> {
  const file = join(dir, `${name}.ndjson`);
  const out = createWriteStream(file);
  const deps = bundleDeps(f, node);
  for await (const line of bundleNdjson(deps, await planBundle(deps, range.from, range.to))) {
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return file;
}
