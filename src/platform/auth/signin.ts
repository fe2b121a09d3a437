// Signing in, with throttling that cannot be turned against someone else.
//
// Every refusal looks the same: an unknown username, a wrong password and a deactivated
// account all answer 401 "the username or password is not right" after the same Argon2 work.
// Failures are counted under three keys, each allowing a few free attempts and then a delay
// that doubles with every further failure (1 s, 2 s, 4 s … up to 15 minutes):
//   - the (username, address) pair: someone guessing one account from one place;
//   - the address: someone trying many accounts from one place — but not for an account that
//     signed in from that address before, so colleagues behind one NAT keep their own budgets;
//   - the username from any address (a guess spread over many addresses) — but addresses this
//     account signed in from successfully in the last 30 days are exempt from this key, so an
//     attacker who hammers an account from elsewhere does not lock its owner out.
// A throttled attempt is refused with 429 and Retry-After before the password is looked at,
// identically for existing and unknown usernames (the keys are the typed name, not the user).
// Nothing is ever locked: a delay ends on its own.
import type { Database } from '../db/database.ts';
import { AppError } from '../http/errors.ts';
import { audit, type Actor } from '../audit.ts';
import { checkPassword, burnTime } from './passwords.ts';
import { createSession } from './sessions.ts';
import { normaliseUsername } from '../text.ts';

export const THROTTLE = {
  pair: { free: 3, windowMinutes: 15 },
  address: { free: 10, windowMinutes: 15 },
  account: { free: 20, windowMinutes: 60 },
  maxDelaySeconds: 15 * 60,
  knownAddressDays: 30,
};

export const delayFor = (failures: number, free: number) => (failures < free ? 0 : Math.min(2 ** (failures - free), THROTTLE.maxDelaySeconds));

export interface SignInResult {
  userId: string;
  token: string;
  csrf: string;
}

/** Seconds to wait before this (username, address) may try again; 0 when it may try now. */
export async function throttleWait(db: Database, username: string, ip: string): Promise<number> {
  const r = await db.one(
    `WITH f AS (SELECT ip, at, lower(username) = $2 AS same_name FROM sign_in_failures
                 WHERE at > now() - make_interval(mins => $5) AND (ip = $1 OR lower(username) = $2)),
          known AS (SELECT 1 FROM audit_log a JOIN users u ON u.id = a.actor_id
                     WHERE lower(u.username) = $2 AND a.action = 'auth.sign_in' AND a.ip = $1
                       AND a.at > now() - make_interval(days => $6) LIMIT 1)
     SELECT count(*) FILTER (WHERE same_name AND ip = $1 AND at > now() - make_interval(mins => $3)) AS pair_n,
            max(at) FILTER (WHERE same_name AND ip = $1 AND at > now() - make_interval(mins => $3)) AS pair_at,
            count(*) FILTER (WHERE ip = $1 AND at > now() - make_interval(mins => $4)) AS addr_n,
            max(at) FILTER (WHERE ip = $1 AND at > now() - make_interval(mins => $4)) AS addr_at,
            count(*) FILTER (WHERE same_name) AS acct_n,
            max(at) FILTER (WHERE same_name) AS acct_at,
            EXISTS (SELECT 1 FROM known) AS known,
            now() AS now
       FROM f`,
    [ip, username.toLowerCase(), THROTTLE.pair.windowMinutes, THROTTLE.address.windowMinutes, THROTTLE.account.windowMinutes, THROTTLE.knownAddressDays],
  );
  const now = new Date(r!.now).getTime();
  const wait = (n: unknown, at: unknown, free: number) => {
    const d = delayFor(Number(n), free);
    if (!d || !at) return 0;
    return Math.max(0, Math.ceil((new Date(at as string).getTime() + d * 1000 - now) / 1000));
  };
  // An account signing in from an address it used before is held back only by its own pair key:
  // neither failures of others behind the same address (an office NAT) nor guesses at the
  // account from elsewhere delay its owner.
  return Math.max(
    wait(r!.pair_n, r!.pair_at, THROTTLE.pair.free),
    r!.known ? 0 : wait(r!.addr_n, r!.addr_at, THROTTLE.address.free),
    r!.known ? 0 : wait(r!.acct_n, r!.acct_at, THROTTLE.account.free),
  );
}

export async function signIn(db: Database, typed: string, password: string, ip: string, userAgent: string | undefined, hours: number, actor: Actor): Promise<SignInResult> {
  const username = normaliseUsername(typed).slice(0, 200);
  const wait = await throttleWait(db, username, ip);
  if (wait > 0) {
    await audit(db, actor, 'auth.sign_in.throttled', 'user', null, { username, wait_seconds: wait });
    throw new AppError('sign_in_throttled', 429, { seconds: wait }, { retry_after: wait });
  }
  const user = await db.one('SELECT id, username, password_hash, active FROM users WHERE lower(username) = lower($1)', [username]);
  const ok = user ? (await checkPassword(user.password_hash, password)) && user.active : (await burnTime(password), false);
  if (!ok) {
    await db.tx(async (c) => {
      await c.query('INSERT INTO sign_in_failures (ip, username) VALUES ($1, $2)', [ip, username]);
      await audit(c, actor, 'auth.sign_in.failed', 'user', user?.id ?? null, { username, ...(user && !user.active ? { inactive: true } : {}) });
    });
    throw new AppError('bad_credentials', 401);
  }
  return db.tx(async (c) => {
    await c.query('DELETE FROM sign_in_failures WHERE ip = $1 AND lower(username) = lower($2)', [ip, username]);
    const s = await createSession(c, user!.id, hours, ip, userAgent);
    await audit(c, { ...actor, userId: user!.id, label: user!.username }, 'auth.sign_in', 'user', user!.id, {});
    return { userId: user!.id, ...s };
  });
}
