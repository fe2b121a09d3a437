// The screening form's offline queue, encrypted: a screening that cannot be sent is encrypted
// with AES-256-GCM (WebCrypto) under the user's key, which the server hands out and the page
// keeps in memory only (never in storage). What waits on the device therefore cannot be read
// from the device alone; it is sent (with its own ids, so a resend is stored once) when the
// connection returns, and wiped with the rest of the device data at sign-out (the key name
// starts with marz.flows., whose entries the sign-out wipe removes and counts as unsent).
import { get } from '../../app/api.ts';

export const QUEUE_KEY = 'marz.flows.queue.protection-screenings';

let key: CryptoKey | null = null;
let keyUser: string | null = null;

const b64 = (b: ArrayBuffer | Uint8Array) => btoa(String.fromCharCode(...new Uint8Array(b instanceof Uint8Array ? b : new Uint8Array(b))));
const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

/** A random (version 4) UUID; crypto.randomUUID exists only on HTTPS or localhost. */
export function uuid(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Fetches the user's key (online) into memory. Returns whether a key is now held. WebCrypto
 * exists only on HTTPS or localhost: elsewhere there is no offline queue (the form needs the
 * connection).
 */
export async function loadKey(userId: string): Promise<boolean> {
  if (key && keyUser === userId) return true;
  if (!globalThis.crypto?.subtle) return false;
  try {
    const { key: raw } = await get<{ key: string }>('/api/v1/protection/offline-key');
    key = await crypto.subtle.importKey('raw', unb64(raw), 'AES-GCM', false, ['encrypt', 'decrypt']);
    keyUser = userId;
    return true;
  } catch {
    return false;
  }
}

export function hasKey(userId: string): boolean {
  return !!key && keyUser === userId;
}

export function forgetKey() {
  key = null;
  keyUser = null;
}

interface Sealed {
  iv: string;
  ct: string;
}

function read(): Sealed[] {
  try {
    const v = JSON.parse(localStorage.getItem(QUEUE_KEY) ?? '[]');
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

export function queuedCount(): number {
  return read().length;
}

/** Encrypts a screening and adds it to the queue. */
export async function enqueue(body: unknown): Promise<void> {
  if (!key) throw new Error('no key');
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode(JSON.stringify(body)));
  localStorage.setItem(QUEUE_KEY, JSON.stringify([...read(), { iv: b64(iv), ct: b64(ct) }]));
}

/**
 * Sends what waits, oldest first; stops at the first failure (offline again). An entry the
 * server refuses (4xx other than a network problem) is kept for the user to see. Returns the
 * number sent.
 */
export async function flush(send: (body: unknown) => Promise<void>): Promise<number> {
  if (!key) return 0;
  let sent = 0;
  for (;;) {
    const [first, ...rest] = read();
    if (!first) break;
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: unb64(first.iv) }, key, unb64(first.ct));
    await send(JSON.parse(new TextDecoder().decode(plain)));
    localStorage.setItem(QUEUE_KEY, JSON.stringify(rest));
    sent++;
  }
  return sent;
}
