import { join } from 'path';
import { DevTokenIssuer, isRole } from '@liaison/auth';
import { AGENCY_CODE } from '@liaison/ids';
import { option, parseArgs, UsageError } from '../args';
import { LOCAL_IDP_FILE, localFederationSpec, localStateDir } from '../local-state';

/** `liaison token --agency NL --role operator [--subject s] [--ttl 3600]`: a development token. */
export async function run(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  const agency = option(parsed, 'agency');
  const role = option(parsed, 'role');
  if (!AGENCY_CODE.test(agency)) throw new UsageError('--agency must be an agency code such as NL');
  if (!isRole(role)) throw new UsageError('--role must be operator, liaison_officer, auditor or admin');
  const ttl = Number(option(parsed, 'ttl', '43200'));
  const spec = localFederationSpec();
  const idp = DevTokenIssuer.loadOrGenerate(`urn:liaison:${spec.federation}:dev-idp`, join(localStateDir(), 'federation', LOCAL_IDP_FILE));
  const token = await idp.mint({
    subject: option(parsed, 'subject', `${role}.${agency.toLowerCase()}@local`),
    agency,
    roles: [role],
    audience: `liaison-${agency.toLowerCase()}`,
    ttlSeconds: ttl,
  });
  process.stdout.write(`${token}\n`);
  return 0;
}
