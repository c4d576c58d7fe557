import { Command } from 'commander';
import { Role } from '@liaison/auth';
import { NodeClient } from '@liaison/federation';
import { act, EXIT } from '../args';
import { localFederation } from '../local-state';
import { CliIo } from './cli-io';

type Json = Record<string, any>;

/**
 * `liaison demo`: plays the brief's scenario against the running local federation over the
 * nodes' HTTP APIs (the API client every command uses), as operators and liaison officers
 * would, and prints each step.
 */
export function registerDemo(program: Command, io: CliIo, code: { value: number }): void {
  const command = program
    .command('demo')
    .summary('play the NL → ES/CO identity-query scenario against the running local federation')
    .description('Sends an urgent identity query from NL to ES and CO on the running local federation (npm run federation), then acknowledges and answers it as their liaison officers.');
  act(command, code, () => demo(io));
}

async function demo(io: CliIo): Promise<number> {
  const { spec, idp } = localFederation();
  const client = (agency: string, role: Role) =>
    new NodeClient({
      baseUrl: `http://127.0.0.1:${spec.agencies.find((a) => a.code === agency)?.port}`,
      token: () => idp.mint({ subject: `${role}.${agency.toLowerCase()}@demo`, agency, roles: [role], audience: `liaison-${agency.toLowerCase()}` }),
    });
  const call = (agency: string, role: Role, method: string, path: string, body?: unknown): Promise<Json> => client(agency, role).call<Json>(method, path, { body });
  const until = async (what: string, check: () => Promise<boolean>) => {
    for (let i = 0; i < 300; i++) {
      if (await check().catch(() => false)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const statuses = async (id: string) =>
    Object.fromEntries(((await call('NL', 'operator', 'GET', `/notices/${id}`)).recipients as Json[]).map((r) => [r.agency, r.status]));
  const step = (text: string) => io.out(`• ${text}\n`);

  const sent = await call('NL', 'operator', 'POST', '/notices', {
    kind: 'identity-query',
    recipients: ['ES', 'CO'],
    handling: { code: 'H1' },
    grades: { source: 'B', information: 2 },
    priority: 'urgent',
    expiresAt: new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString(),
    body: {
      names: { family: 'Janssen', given: 'Pieter' },
      date_of_birth: '1980-04-12',
      nationality: 'NL',
      identity_documents: [{ type: 'passport', number: 'NX1234567', issuing_country: 'NL' }],
      case_reference: 'NL-2026-0042',
      reason: 'Suspected use of a forged passport at Schiphol',
      legal_basis: 'Directive (EU) 2023/977, Art. 4',
    },
  });
  const id = sent.id as string;
  step(`NL operator sent urgent identity query ${id} to ES and CO (reply due ${sent.deadline})`);
  await until('delivery to ES and CO', async () => Object.values(await statuses(id)).every((s) => s === 'DELIVERED'));
  step(`NL sees it DELIVERED to ES and CO (signed receipts)`);
  for (const agency of ['ES', 'CO']) {
    await until(`${agency} inbox`, async () => ((await call(agency, 'liaison_officer', 'GET', '/inbox')) as unknown as Json[]).some((n) => n.id === id));
  }
  await call('ES', 'liaison_officer', 'POST', `/inbox/${id}/acknowledge`);
  step('ES liaison officer acknowledged it');
  await call('ES', 'liaison_officer', 'POST', `/inbox/${id}/answer`, { outcome: 'hit', details: { summary: 'Resident permit holder in Madrid since 2021' } });
  step('ES liaison officer answered: hit');
  await call('CO', 'liaison_officer', 'POST', `/inbox/${id}/answer`, { outcome: 'no-hit' });
  step('CO liaison officer answered: no-hit');
  await until('both answers at NL', async () => Object.values(await statuses(id)).every((s) => s === 'ANSWERED'));
  const detail = await call('NL', 'operator', 'GET', `/notices/${id}`);
  for (const r of detail.recipients as Json[]) step(`NL sees ${r.agency}: ${r.status} (${r.updatedAt})`);
  for (const r of detail.responses as Json[]) step(`answer from ${r.sender}: ${r.body.outcome}`);
  const timeline = await call('NL', 'auditor', 'GET', `/audit/messages/${id}/timeline`).catch(() => null);
  if (timeline) step(`NL ledger holds ${(timeline.entries ?? timeline).length} entries for this notice`);
  return EXIT.ok;
}
