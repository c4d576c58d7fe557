// Streaming export of an audit bundle (format: libs/ledger bundle.ts, docs/protocol/ledger.md):
// header, entries read in keyset pages, signed checkpoints interleaved where they complete,
// the final (preferably witnessed) checkpoint with its cosignatures. Memory stays flat: one page
// of entries, one page of checkpoints and a bounded cache of subtree hashes for proofs.
import {
  BUNDLE_TYPE,
  BUNDLE_VERSION,
  BundleHeader,
  BundleLine,
  bundleLine,
  ed25519PublicJwk,
  encodeBase64,
  inclusionProof,
  isFullRange,
} from '@liaison/ledger';
import { AgencyKeyring, TrustStore } from '@liaison/envelope';
import { Clock } from '../tokens';
import { CheckpointService, CheckpointStatus } from './checkpoint.service';
import { originOf, signingKeysOf } from './checkpoint.protocol';
import { Queryable } from '../persistence/queryable';
import { LedgerConfig } from './ledger.config';
import { LedgerProofs } from './ledger.proofs';
import { LedgerRepository } from './ledger.repository';

export class BundleRangeError extends Error {
  constructor(
    readonly field: 'from' | 'to',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The range lies within the log but no signed checkpoint covers its end yet: not the caller's
 * mistake, and the next checkpoint round will cure it, so it is told apart from a bad range.
 */
export class NotCheckpointedError extends Error {}

export interface BundleDeps {
  ledger: LedgerProofs;
  repo: LedgerRepository;
  checkpoints: CheckpointService;
  keyring: AgencyKeyring;
  trust: TrustStore;
  clock: Clock;
  config: LedgerConfig;
  /** Where the bundle reads from (one snapshot, or the pool). */
  db?: Queryable;
}

/**
 * An entry line. Besides the format's members it carries `storedLeafHash`, the leaf hash this
 * node stored when it appended the entry: when only an entry's fields were altered, a verifier
 * can then name it exactly (the stored hashes still lead to the signed root). It is a hint,
 * never signed: verifiers recompute every leaf hash (docs/protocol/ledger.md).
 */
export interface ExportedEntryLine {
  type: 'entry';
  entry: unknown;
  proof?: string[];
  storedLeafHash: string;
}

/**
 * The checkpoint that will close a bundle. The whole log closes with the latest witnessed
 * checkpoint, else the latest (the verifier then reports the missing cosignatures). A range ending
 * at `to` closes with the smallest witnessed checkpoint covering it: a range is asked for to be
 * proven, so one that only an unwitnessed checkpoint covers waits for the witnesses.
 */
async function closingCheckpoint(deps: BundleDeps, to?: number): Promise<CheckpointStatus> {
  const { checkpoints, repo, db } = deps;
  if (to === undefined) {
    const latest = (await checkpoints.latestWitnessed()) ?? (await checkpoints.status());
    if (latest === null) throw new NotCheckpointedError('the ledger has no checkpoint yet');
    return latest;
  }
  const quorum = deps.config.checkpoint.witnessQuorum;
  const covering = await repo.coveringCheckpoint(to, quorum, db);
  if (covering === null) {
    const size = Number((await deps.ledger.head(db)).size);
    if (to > size) throw new BundleRangeError('to', `to (${to}) is beyond the ledger's ${size} entries`);
    throw new NotCheckpointedError(`no checkpoint covers entry ${to - 1} yet`);
  }
  if (!covering.witnessed) throw new NotCheckpointedError(`checkpoint ${covering.size} covers entry ${to - 1} but is not yet cosigned by ${quorum} witnesses`);
  return (await checkpoints.status(covering.size)) as CheckpointStatus;
}

/**
 * Resolves the range and the closing checkpoint. Throws BundleRangeError naming the field for a
 * range that cannot exist, NotCheckpointedError for one that will be provable after the next
 * checkpoint round.
 */
export async function planBundle(deps: BundleDeps, from?: number, to?: number): Promise<{ header: BundleHeader; checkpoint: CheckpointStatus }> {
  const quorum = deps.config.checkpoint.witnessQuorum;
  const checkpoint = await closingCheckpoint(deps, to);
  const end = to ?? checkpoint.size;
  const start = from ?? 0;
  if (start > end) throw new BundleRangeError('from', `from (${start}) is after to (${end})`);
  const directory = deps.trust.current();
  const witnesses = (directory?.agencies ?? [])
    .filter((a) => a.code !== deps.config.agency)
    .flatMap((a) => signingKeysOf(directory, a.code, deps.clock.now()).map((k) => ({ name: originOf(a.code), jwk: { kty: 'OKP' as const, crv: 'Ed25519' as const, x: k.jwk.x } })));
  const header: BundleHeader = {
    type: BUNDLE_TYPE,
    version: BUNDLE_VERSION,
    origin: originOf(deps.config.agency),
    agency: deps.config.agency,
    from: start,
    to: end,
    treeSize: checkpoint.size,
    directory: deps.trust.currentJws(),
    keys: { log: ed25519PublicJwk(deps.keyring.signingPublicKey), witnesses },
    quorum,
  };
  return { header, checkpoint };
}

/** Subtree hashes with a bounded memo: consecutive leaves' proofs share most of their siblings. */
function memoSubtree(ledger: LedgerProofs, db: Queryable | undefined, limit = 4096) {
  const memo = new Map<string, Uint8Array>();
  return async (start: bigint, end: bigint): Promise<Uint8Array> => {
    const key = `${start}:${end}`;
    const hit = memo.get(key);
    if (hit) return hit;
    const h = await ledger.subtreeHash(start, end, db);
    if (memo.size >= limit) memo.delete(memo.keys().next().value as string);
    memo.set(key, h);
    return h;
  };
}

/** Checkpoint notes with from < size < to, in size order, read in pages. */
async function* checkpointNotes(repo: LedgerRepository, db: Queryable | undefined, from: number, to: number): AsyncGenerator<{ size: number; note: string }> {
  let after = from;
  for (;;) {
    const rows = await repo.checkpointPage(after, to, db);
    if (rows.length === 0) return;
    yield* rows;
    after = rows[rows.length - 1].size;
  }
}

/** The bundle's NDJSON lines, each ending with '\n'. */
export async function* bundleNdjson(deps: BundleDeps, plan: { header: BundleHeader; checkpoint: CheckpointStatus }): AsyncGenerator<string> {
  const { header, checkpoint } = plan;
  const full = isFullRange(header);
  const line = (l: BundleLine) => `${bundleLine(l)}\n`;
  yield line(header);
  const subtree = full ? null : memoSubtree(deps.ledger, deps.db);
  const intermediates = full ? checkpointNotes(deps.repo, deps.db, 0, header.treeSize) : null;
  let nextCp = intermediates ? (await intermediates.next()).value : undefined;
  for await (const { entry, leafHash } of deps.ledger.entries(BigInt(header.from), BigInt(header.to), deps.db)) {
    let proof: string[] | undefined;
    if (subtree) {
      // A ledger damaged in the database (a leaf gone) cannot prove its entries: the line goes out
      // without a proof, and the verifier names it instead of the export failing half-way.
      proof = await inclusionProof(entry.seq, header.treeSize, subtree).then((p) => p.map(encodeBase64), () => []);
    }
    // The format's canonical entry line, extended with one member that verifiers may ignore.
    const base = bundleLine(proof === undefined ? { type: 'entry', entry } : { type: 'entry', entry, proof });
    yield `${base.slice(0, -1)},"storedLeafHash":"${encodeBase64(leafHash)}"}\n`;
    // A checkpoint goes right after the entry that completes it.
    while (intermediates && nextCp && nextCp.size <= entry.seq + 1) {
      if (nextCp.size === entry.seq + 1) yield line({ type: 'checkpoint', note: nextCp.note });
      nextCp = (await intermediates.next()).value;
    }
  }
  yield line({ type: 'checkpoint', note: checkpoint.cosignedNote });
}
