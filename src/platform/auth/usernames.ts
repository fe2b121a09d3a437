// Usernames that look alike. Two names are confusable when their "skeletons" are equal: the
// name in lower case, decomposed (NFD), with every character replaced by the one it is
// commonly mistaken for, as Unicode's confusables table says (UTS #39, via the unhomoglyph
// package). So `аdmin` (Cyrillic а), `adrnin` and `ADMIN` all have the skeleton of `admin`.
import unhomoglyph from 'unhomoglyph';
import type { Queryable } from '../db/database.ts';
import { AppError } from '../http/errors.ts';
import { normaliseUsername } from '../text.ts';

export function usernameSkeleton(name: string): string {
  return unhomoglyph(normaliseUsername(name).toLowerCase().normalize('NFD'))
    .normalize('NFD')
    .replace(/[\u0300-\u036f\u064B-\u065F\u0670\u200C\u200D]/g, ''); // combining marks, Arabic diacritics, ZWNJ/ZWJ
}

/** Refuses a new username equal to, or looking like, an existing one (except the user's own). */
export async function refuseLookAlike(q: Queryable, username: string, exceptUserId: string | null = null) {
  const skeleton = usernameSkeleton(username);
  const { rows } = await q.query('SELECT id, username FROM users WHERE id IS DISTINCT FROM $1', [exceptUserId]);
  for (const r of rows) {
    if (r.username.toLowerCase() === username.toLowerCase()) throw new AppError('username_taken', 409, { username });
    if (usernameSkeleton(r.username) === skeleton) throw new AppError('username_lookalike', 409, { username, existing: r.username });
  }
}
