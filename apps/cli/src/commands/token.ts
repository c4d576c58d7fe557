import { Command } from 'commander';
import { isRole, ROLES } from '@liaison/auth';
import { AGENCY_CODE } from '@liaison/ids';
import { act, EXIT, option, UsageError } from '../args';
import { localFederation } from '../local-state';
import { CliIo } from './cli-io';

const MAX_TTL_SECONDS = 7 * 24 * 3600;

/** `liaison token --agency NL --role operator [--subject s] [--ttl 43200]`: a development token of the local federation. */
export function registerToken(program: Command, io: CliIo, code: { value: number }): void {
  const command = program
    .command('token')
    .summary('mint a development token of the local federation')
    .description("Mints a development token with the local federation's identity provider (written by local-setup), for an agency listed in its directory.")
    .option('--agency <CODE>', 'an agency listed in the local federation\'s directory, e.g. NL')
    .option('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--subject <subject>', 'the token\'s subject (default <role>.<agency>@local)')
    .option('--ttl <seconds>', `lifetime, 60 to ${MAX_TTL_SECONDS} (default 43200)`);
  act(command, code, async (parsed) => {
    const agency = option(parsed, 'agency');
    const role = option(parsed, 'role');
    if (!AGENCY_CODE.test(agency)) throw new UsageError('--agency must be an agency code such as NL');
    if (!isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
    const ttlText = option(parsed, 'ttl', '43200');
    const ttl = Number(ttlText);
    if (!/^\d{1,7}$/.test(ttlText) || ttl < 60 || ttl > MAX_TTL_SECONDS) throw new UsageError(`--ttl must be a whole number of seconds from 60 to ${MAX_TTL_SECONDS}`);
    const subject = option(parsed, 'subject', `${role}.${agency.toLowerCase()}@local`);
    if (subject.length > 200 || /[\p{Cc}\s]/u.test(subject)) throw new UsageError('--subject must be 1 to 200 characters without spaces or control characters');
    const federation = localFederation();
    if (!federation.listed.includes(agency)) {
      throw new UsageError(`agency ${agency} is not in the ${federation.spec.federation} directory (listed: ${federation.listed.join(', ')})`);
    }
    const token = await federation.idp.mint({ subject, agency, roles: [role], audience: `liaison-${agency.toLowerCase()}`, ttlSeconds: ttl });
    io.out(`${token}\n`);
    return EXIT.ok;
  });
}
