// Configuration comes from environment variables only; defaults suit a laptop at a border post.
import { resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  sessionHours: number;
  publicUrl: string;
  secureCookies: boolean;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, not "${env.PORT}"`);
  const host = env.HOST ?? '127.0.0.1';
  const shownHost = host === '0.0.0.0' || host === '127.0.0.1' ? 'localhost' : host;
  return {
    port,
    host,
    dataDir: resolve(env.MARZ_DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL || null,
    sessionHours: Number(env.MARZ_SESSION_HOURS ?? 12),
    publicUrl: (env.MARZ_PUBLIC_URL ?? `http://${shownHost}:${port}`).replace(/\/$/, ''),
    secureCookies: env.MARZ_SECURE_COOKIES === '1',
  };
}

export const VERSION: string = '0.1.0';
