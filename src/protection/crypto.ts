// Encryption of protection fields in the application: AES-256-GCM (node:crypto) before a value
// reaches the database, keys outside the database, the key id inside every ciphertext (so a
// rotation can re-encrypt), and blind indexes (HMAC-SHA-256 under a separately derived key,
// over normalised text) for equality search.
//
// Keys: MARZ_PROTECTION_KEY (an environment secret: 32 bytes as base64 or hex, or a keyring
// JSON {"current":"id","keys":{"id":"base64",…}}), else the key file MARZ_PROTECTION_KEY_FILE,
// else <data dir>/protection.key, created with mode 0600 on first use.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { normalisePersian } from '../platform/text.ts';

export interface Keyring {
  current: string;
  keys: Record<string, Buffer>;
  /** Where it came from: a file path (rotatable) or 'env'. */
  source: string;
}

interface Derived {
  enc: Buffer;
  idx: Buffer;
}

const PREFIX = 'v1';

function derive(master: Buffer): Derived {
  return {
    enc: Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'marz/protection/field-encryption/v1', 32)),
    idx: Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'marz/protection/blind-index/v1', 32)),
  };
}

function parseKey(s: string): Buffer {
  const t = s.trim();
  const b = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (b.length !== 32) throw new Error('A protection key must be 32 bytes (base64 or 64 hex digits).');
  return b;
}

export function parseKeyring(text: string, source: string): Keyring {
  const t = text.trim();
  if (t.startsWith('{')) {
    const j = JSON.parse(t) as { current?: string; keys?: Record<string, string> };
    if (!j.current || !j.keys || !j.keys[j.current]) throw new Error(`The protection keyring (${source}) has no current key.`);
    const keys: Record<string, Buffer> = {};
    for (const [id, k] of Object.entries(j.keys)) {
      if (!/^[a-z0-9]{1,16}$/.test(id)) throw new Error(`Key id "${id}" must be 1–16 lowercase letters or digits.`);
      keys[id] = parseKey(k);
    }
    return { current: j.current, keys, source };
  }
  // A bare key: its id is fixed so that ciphertexts made with it name it.
  return { current: 'env', keys: { env: parseKey(t) }, source };
}

export function serialiseKeyring(k: Keyring): string {
  return JSON.stringify({ current: k.current, keys: Object.fromEntries(Object.entries(k.keys).map(([id, b]) => [id, b.toString('base64')])) }, null, 2) + '\n';
}

export function newKeyId(): string {
  return 'k' + randomBytes(5).toString('hex');
}

/** The key file in use (when no environment secret is set). */
export function keyFilePath(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.MARZ_PROTECTION_KEY_FILE || join(dataDir, 'protection.key');
}

/** Writes a keyring file atomically with mode 0600. */
export function writeKeyFile(path: string, k: Keyring) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, serialiseKeyring(k), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/** Loads (or on first use creates) the keyring. */
export function loadKeyring(dataDir: string, env: NodeJS.ProcessEnv = process.env): Keyring {
  if (env.MARZ_PROTECTION_KEY) return parseKeyring(env.MARZ_PROTECTION_KEY, 'env');
  const path = keyFilePath(dataDir, env);
  if (!existsSync(path)) {
    const id = newKeyId();
    const k: Keyring = { current: id, keys: { [id]: randomBytes(32) }, source: path };
    mkdirSync(dirname(path), { recursive: true });
    try {
      writeFileSync(path, serialiseKeyring(k), { mode: 0o600, flag: 'wx' });
      return k;
    } catch (e: any) {
      if (e.code !== 'EEXIST') throw e; // another process made it first: read theirs
    }
  }
  const mode = statSync(path).mode & 0o077;
  if (mode) throw new Error(`The protection key file ${path} is readable by others (mode ${(statSync(path).mode & 0o777).toString(8)}); chmod 600 it.`);
  return parseKeyring(readFileSync(path, 'utf8'), path);
}

/** Field encryption and blind indexes under one keyring. */
export class FieldCipher {
  private derived = new Map<string, Derived>();
  constructor(readonly keyring: Keyring) {
    for (const [id, k] of Object.entries(keyring.keys)) this.derived.set(id, derive(k));
  }

  get currentKeyId() {
    return this.keyring.current;
  }

  /** Encrypts text; `context` (table.field.row id) is bound as associated data. */
  encrypt(plain: string | null | undefined, context: string): string | null {
    if (plain == null || plain === '') return null;
    const id = this.keyring.current;
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.derived.get(id)!.enc, iv);
    c.setAAD(Buffer.from(context));
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return `${PREFIX}.${id}.${Buffer.concat([iv, body, c.getAuthTag()]).toString('base64url')}`;
  }

  decrypt(stored: string | null | undefined, context: string): string | null {
    if (stored == null) return null;
    const [v, id, data] = stored.split('.');
    if (v !== PREFIX || !id || !data) throw new Error('Not a protection ciphertext.');
    const d = this.derived.get(id);
    if (!d) throw new Error(`The protection key "${id}" is not in the keyring (${this.keyring.source}).`);
    const raw = Buffer.from(data, 'base64url');
    const dec = createDecipheriv('aes-256-gcm', d.enc, raw.subarray(0, 12));
    dec.setAAD(Buffer.from(context));
    dec.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([dec.update(raw.subarray(12, raw.length - 16)), dec.final()]).toString('utf8');
  }

  /** The key id a ciphertext was made with. */
  static keyIdOf(stored: string): string {
    return stored.split('.')[1]!;
  }

  /** Blind index of a value for equality search (null for empty). */
  blindIndex(field: string, plain: string | null | undefined): string | null {
    const n = normaliseForIndex(plain);
    if (!n) return null;
    return createHmac('sha256', this.derived.get(this.keyring.current)!.idx).update(`${field}\u0000${n}`).digest('base64url').slice(0, 32);
  }
}

/** The form of a name compared by equality search: Persian letters unified, case and spacing ignored. */
export function normaliseForIndex(s: string | null | undefined): string {
  if (!s) return '';
  return normalisePersian(s.normalize('NFKC'), { asciiDigits: true }).replace(/\u200C/g, ' ').replace(/\s+/g, ' ').trim().toLocaleLowerCase('en');
}

const cache = new Map<string, FieldCipher>();

/** The cipher for a data directory (cached per key source). */
export function cipherFor(dataDir: string, env: NodeJS.ProcessEnv = process.env): FieldCipher {
  const source = env.MARZ_PROTECTION_KEY ? 'env:' + env.MARZ_PROTECTION_KEY : 'file:' + keyFilePath(dataDir, env);
  let c = cache.get(source);
  if (!c) {
    c = new FieldCipher(loadKeyring(dataDir, env));
    cache.set(source, c);
  }
  return c;
}

/** Forgets cached keyrings (after a rotation). */
export function resetCipherCache() {
  cache.clear();
}
