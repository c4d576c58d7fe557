// Several agencies' ledgers (one database each) wired as the LedgerModule wires them, with the
// checkpoints topic replaced by an in-memory router (the Kafka path is covered separately).
import { AgencyKeyring, addAgency, emptyDirectory, generateAgencyKeys, generateRootKey, publicJwks, signDirectory, TrustStore } from '@liaison/envelope';
import { FederationTopics, federationTopics, MessageConsumer, MessagePublisher } from '@liaison/transport';
import { COUNTRIES, MemoryDirectoryCache, TestAgency, TestFederation } from '../../libs/envelope/src/testing/fixtures';
import { CheckpointService } from '../../apps/node/src/ledger/checkpoint.service';
import { LedgerConfig } from '../../apps/node/src/ledger/ledger.config';
import { LedgerIntegrity } from '../../apps/node/src/ledger/ledger.integrity';
import { LedgerMetrics } from '../../apps/node/src/ledger/ledger.metrics';
import { LedgerProofs } from '../../apps/node/src/ledger/ledger.proofs';
import { LedgerRepository } from '../../apps/node/src/ledger/ledger.repository';
import { LedgerSequencer } from '../../apps/node/src/ledger/ledger.sequencer';
import { DatabasePools } from '../../apps/node/src/persistence/pools';
import { Transactions } from '../../apps/node/src/persistence/transactions';
import { WitnessOutcome, WitnessService } from '../../apps/node/src/ledger/witness.service';
import { ConsumerFactory } from '../../apps/node/src/tokens';
import { createLedgerDatabase, TestDatabase } from './ledger-db';
import { asInbound, MemoryPublisher, SteppingClock } from './ledger-fixtures';

/** Consumers that never deliver: the test routes the checkpoints topic itself. */
export class NoConsumers extends ConsumerFactory {
  create(): MessageConsumer {
    return { start: async () => undefined, stop: async () => undefined };
  }
}

export interface LedgerNode {
  agency: string;
  db: TestDatabase;
  clock: SteppingClock;
  repo: LedgerRepository;
  /** The sequencer (what the exchange appends through). */
  ledger: LedgerSequencer;
  proofs: LedgerProofs;
  integrity: LedgerIntegrity;
  metrics: LedgerMetrics;
  checkpoints: CheckpointService;
  witness: WitnessService;
  publisher: MemoryPublisher;
  config: LedgerConfig;
}

export interface LedgerFederation {
  fed: TestFederation;
  topics: FederationTopics;
  nodes: LedgerNode[];
  /** Delivers everything published to every node until nothing new is published; returns the outcomes. */
  route(): Promise<{ agency: string; type: string; outcome: WitnessOutcome }[]>;
  close(): Promise<void>;
}

/** A signed directory of agencies with these codes (keys valid from 2026-01-01 for 730 days), trusted by a TrustStore. */
export async function makeCodedFederation(codes: string[], since = new Date('2026-01-01T00:00:00Z')): Promise<TestFederation> {
  const root = await generateRootKey();
  const agencies: TestAgency[] = [];
  let directory = emptyDirectory('ledger-test', since);
  for (const [i, code] of codes.entries()) {
    const keys = await generateAgencyKeys(code);
    agencies.push({ code, keys, keyring: await AgencyKeyring.import(keys) });
    directory = addAgency(directory, { code, name: `Agency ${code}`, country: COUNTRIES[i % COUNTRIES.length], keys: publicJwks(keys) }, { at: since });
  }
  const jws = await signDirectory(directory, root.privateJwk);
  const trust = new TrustStore(root.publicJwk, new MemoryDirectoryCache());
  const accepted = await trust.accept(jws);
  if (!accepted.ok) throw new Error(`fixture directory refused: ${accepted.reason}`);
  return { root, agencies, directory, jws, trust, since };
}

export interface FederationWiring {
  /** Agency codes (default AG0, AG1, …). */
  codes?: string[];
  topics?: FederationTopics;
  /** Real publishers / consumers per agency (default: in-memory, routed by route()). */
  publisher?: (agency: string) => MessagePublisher;
  consumers?: (agency: string) => ConsumerFactory;
}

/** The self-audit as tests run it: sweeps back to back, at the default rate. */
export const TEST_SELF_AUDIT: LedgerConfig['selfAudit'] = { entriesPerSecond: 10_000, pauseSeconds: 1 };

/** The ledger's services over one database, wired as the LedgerModule wires them. */
export function ledgerServices(db: TestDatabase, clock: SteppingClock, config: LedgerConfig, keyring: AgencyKeyring, trust: TrustStore, topics: FederationTopics, publisher: MessagePublisher) {
  const repo = new LedgerRepository(db.app);
  const metrics = new LedgerMetrics();
  const proofs = new LedgerProofs(repo);
  const integrity = new LedgerIntegrity(repo, clock, config, metrics, keyring, publisher, topics);
  const ledger = new LedgerSequencer(repo, clock, integrity);
  const checkpoints = new CheckpointService(repo, proofs, integrity, clock, publisher, config, keyring, trust, topics, new Transactions(DatabasePools.shared(db.app)));
  return { repo, metrics, proofs, integrity, ledger, checkpoints };
}

export async function makeLedgerFederation(n: number, checkpoint: LedgerConfig['checkpoint'], label: string, wiring: FederationWiring = {}): Promise<LedgerFederation> {
  const fed = await makeCodedFederation(wiring.codes ?? Array.from({ length: n }, (_, i) => `AG${i}`));
  const topics = wiring.topics ?? federationTopics(`t${label}`);
  const nodes: LedgerNode[] = [];
  for (const a of fed.agencies) {
    const db = await createLedgerDatabase(`${label}_${a.code}`);
    const clock = new SteppingClock();
    const memory = new MemoryPublisher();
    const publisher = wiring.publisher?.(a.code) ?? memory;
    const config: LedgerConfig = { agency: a.code, checkpoint, selfAudit: TEST_SELF_AUDIT };
    const services = ledgerServices(db, clock, config, a.keyring, fed.trust, topics, publisher);
    const witness = new WitnessService(services.repo, services.checkpoints, clock, publisher, config, a.keyring, fed.trust, topics, wiring.consumers?.(a.code) ?? new NoConsumers());
    nodes.push({ agency: a.code, db, clock, ...services, witness, publisher: memory, config });
  }
  const route = async () => {
    const outcomes: { agency: string; type: string; outcome: WitnessOutcome }[] = [];
    for (let round = 0; round < 10; round++) {
      const pending = nodes.flatMap((node) => node.publisher.take());
      if (pending.length === 0) break;
      for (const m of pending) {
        for (const node of nodes) {
          outcomes.push({ agency: node.agency, type: m.headers['liaison-type'], outcome: await node.witness.handle(asInbound(m)) });
        }
      }
    }
    return outcomes;
  };
  return {
    fed,
    topics,
    nodes,
    route,
    close: async () => {
      for (const node of nodes) await node.db.drop();
    },
  };
}
