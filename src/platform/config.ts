// Configuration comes from environment variables only; defaults suit a laptop at a border post.
import { resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  sessionHours: number;
  publicUrl: string;
  /** Cookies marked Secure: MARZ_SECURE_COOKIES=1, or whenever MARZ_PUBLIC_URL is https. */
  secureCookies: boolean;
  /** The reverse proxies whose X-Forwarded-For is believed: a hop count or their addresses (never everyone). */
  trustProxy: false | number | string[];
}

/**
 * MARZ_TRUST_PROXY: unset or 0 — no proxy; a number n — the n proxies nearest Marz (each
 * appends the address it saw); a comma-separated list of addresses or CIDR ranges — those
 * proxies. "true", "*" or "all" are refused: trusting every sender lets anyone choose their
 * address with a forged header and escape sign-in throttling.
 */
export function parseTrustProxy(v: string | undefined): false | number | string[] {
  const s = (v ?? '').trim();
  if (!s || s === '0' || s.toLowerCase() === 'false') return false;
  if (/^\d{1,2}$/.test(s)) return Number(s);
  const list = s.split(',').map((x) => x.trim()).filter(Boolean);
  const addr = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)(\/\d{1,3})?$|^(loopback|linklocal|uniquelocal)$/;
  const bad = list.find((x) => !addr.test(x) || /\/0+$/.test(x)); // a /0 range is everyone
  if (bad !== undefined || !list.length) {
    throw new Error(`MARZ_TRUST_PROXY must be a hop count (1, 2…) or the proxies' addresses (10.0.0.5,10.1.0.0/16), not "${v}": Marz never trusts every sender's X-Forwarded-For`);
  }
  return list;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, not "${env.PORT}"`);
  const host = env.HOST ?? '127.0.0.1';
  const shownHost = host === '0.0.0.0' || host === '127.0.0.1' ? 'localhost' : host;
  const publicUrl = (env.MARZ_PUBLIC_URL ?? `http://${shownHost}:${port}`).replace(/\/$/, '');
  return {
    port,
    host,
    dataDir: resolve(env.MARZ_DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL || null,
    sessionHours: Number(env.MARZ_SESSION_HOURS ?? 12),
    publicUrl,
    secureCookies: env.MARZ_SECURE_COOKIES === '1' || /^https:/i.test(publicUrl),
    trustProxy: parseTrustProxy(env.MARZ_TRUST_PROXY),
  };
}

export const VERSION: string = '0.1.0';
