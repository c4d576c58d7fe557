// `liaison reconcile <bundle of A> <bundle of B> [--root <jwk>] [--quorum N] [--json]`
// Fully offline: verifies both audit bundles (complete, unaltered, witnessed), then pairs every
// notice A sent to B with B's receipt of it (same digest, same channel sequence) and the other
// way round, and lists what is missing on either side, gaps, duplicates and digest mismatches.
// Both files are streamed; memory grows only with the entries that concern the pair.
import { DirectionReport, ReconcileReport, reconcileBundles } from '@liaison/ledger';
import { RECEIPT_KINDS } from '@liaison/notices';
import { Command } from 'commander';
import { act, EXIT, runStandalone } from '../args';
import { CliIo, processIo } from './cli-io';
import { VerifyFileReport, bundleLines, bundleOptions, commonOptions, formatReport, verifyBundleFile } from './verify';

export interface ReconcileFilesReport {
  ok: boolean;
  bundles: [VerifyFileReport, VerifyFileReport];
  reconciliation: ReconcileReport | null;
  errors: string[];
}

export async function reconcileFiles(fileA: string, fileB: string, options: Parameters<typeof verifyBundleFile>[1] = {}): Promise<ReconcileFilesReport> {
  const a = await verifyBundleFile(fileA, options);
  const b = await verifyBundleFile(fileB, options);
  const errors: string[] = [];
  if (a.agency !== null && a.agency === b.agency) errors.push(`both bundles come from ${a.agency}: give one bundle of each agency`);
  const reconciliation = await reconcileBundles(bundleLines(fileA), bundleLines(fileB), { receiptKinds: RECEIPT_KINDS });
  if (reconciliation === null) errors.push('a file does not start with an audit bundle header');
  return { ok: a.ok && b.ok && errors.length === 0 && reconciliation?.ok === true, bundles: [a, b], reconciliation, errors };
}

function refs(list: { seq: number; channelSeq: number | null; messageId: string | null }[], side: string): string {
  return list
    .slice(0, 20)
    .map((r) => `channel seq ${r.channelSeq ?? '-'} (message ${r.messageId ?? '-'}, ${side} ledger seq ${r.seq})`)
    .join('; ') + (list.length > 20 ? `; … ${list.length - 20} more` : '');
}

export function formatDirection(d: DirectionReport): string {
  const lines = [`${d.sender} → ${d.recipient}: ${d.sent} sent, ${d.received} received, ${d.matched} matched`];
  const item = (label: string, text: string) => lines.push(`  ${label}: ${text}`);
  if (d.notReceived.length) item(`sent but not received by ${d.recipient}`, refs(d.notReceived, d.sender));
  if (d.notSent.length) item(`received but never sent by ${d.sender}`, refs(d.notSent, d.recipient));
  for (const m of d.mismatches.slice(0, 20)) {
    item(`${m.field} mismatch`, `channel seq ${m.channelSeq}: ${d.sender} seq ${m.senderSeq} has ${m.senderValue ?? 'null'}, ${d.recipient} seq ${m.recipientSeq} has ${m.recipientValue ?? 'null'}`);
  }
  if (d.notDelivered.length) item(`received by ${d.recipient} but no delivery receipt recorded by ${d.sender}`, refs(d.notDelivered, d.recipient));
  if (d.deliveredNotReceived.length) item(`delivery recorded by ${d.sender} for messages ${d.recipient} never recorded`, refs(d.deliveredNotReceived, d.sender));
  for (const g of d.senderGaps) item(`gap in ${d.sender}'s channel sequence`, `${g.first}..${g.last}`);
  for (const g of d.recipientGaps) item(`gap in ${d.recipient}'s channel sequence`, `${g.first}..${g.last}`);
  for (const x of d.duplicates.slice(0, 20)) item(`duplicate on the ${x.side} side`, `channel seq ${x.channelSeq} (ledger seq ${x.seq})`);
  for (const x of d.misrouted.slice(0, 20)) item(`entry with a channel not naming both agencies (${x.side})`, `ledger seq ${x.seq}`);
  return `${lines.join('\n')}\n`;
}

export function formatReconcile(r: ReconcileFilesReport): string {
  let out = '';
  for (const b of r.bundles) out += formatReport(b) + '\n';
  if (r.reconciliation) out += formatDirection(r.reconciliation.aToB) + formatDirection(r.reconciliation.bToA);
  for (const e of r.errors) out += `problem: ${e}\n`;
  const [a, b] = r.bundles;
  out += r.ok
    ? `RESULT: OK: both ledgers verify and the exchange between ${a.agency} and ${b.agency} is complete and consistent\n`
    : `RESULT: FAILED${!a.ok || !b.ok ? ' (a bundle does not verify)' : ''}${r.reconciliation && !r.reconciliation.ok ? ' (the ledgers disagree)' : ''}\n`;
  return out;
}

/** `liaison reconcile <a> <b>`: exit 0 when both verify and agree, 1 otherwise. */
export function registerReconcile(program: Command, io: CliIo, code: { value: number }): void {
  const command = bundleOptions(
    program
      .command('reconcile')
      .summary("reconcile two agencies' audit bundles offline")
      .description("Verifies both bundles, then pairs every notice each agency sent the other with its receipt. Exit 0 when both verify and agree, 1 otherwise.")
      .argument('<bundle-a.ndjson>', "one agency's audit bundle")
      .argument('<bundle-b.ndjson>', "the other agency's audit bundle"),
  );
  act(command, code, async (parsed) => {
    const opts = commonOptions(parsed, io.env);
    const report = await reconcileFiles(opts.files[0], opts.files[1], { root: opts.root, quorum: opts.quorum });
    io.out(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatReconcile(report));
    return report.ok ? EXIT.ok : EXIT.failed;
  });
}

export function run(args: string[], io: CliIo = processIo): Promise<number> {
  return runStandalone('reconcile', registerReconcile, args, io);
}
