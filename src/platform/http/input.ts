// Input at the boundary, once for every route (app.ts runs it before any handler): every
// string in the body, query and path parameters — and every object key — must be storable
// text; numbers must be finite and within JavaScript's exact integer range; body text must not
// be made only of invisible characters (a name of zero-width spaces is no name). Passwords are
// exempt from the invisible-only rule (any characters are fine in a password, except those
// that are not text at all).
import type { FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';
import { badText, isInvisibleOnly } from '../text.ts';

const MAX_DEPTH = 64;
const SECRET_KEY = /password|passphrase|token/i;

function fieldName(path: (string | number)[]): string {
  const s = path.map(String).join('.') || '(body)';
  const clean = s.replace(/[\u0000-\u001F\uD800-\uDFFF\uFDD0-\uFDEF\uFFFE\uFFFF]/g, '?');
  return clean.length > 80 ? clean.slice(0, 80) + '…' : clean;
}

/** Throws a 400 naming the first field that is not acceptable. */
export function checkValue(root: unknown, where: 'body' | 'query' | 'params'): void {
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: root, path: [] }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (path.length > MAX_DEPTH) throw new AppError('validation', 400, { details: `${fieldName(path.slice(0, 3))}…: nested too deeply` });
    if (typeof v === 'string') {
      const reason = badText(v);
      if (reason) throw new AppError('bad_text', 400, { field: fieldName(path), reason }, { field: fieldName(path), in: where, reason });
      const key = path[path.length - 1];
      if (where === 'body' && !(typeof key === 'string' && SECRET_KEY.test(key)) && /[^\s]/.test(v) && isInvisibleOnly(v)) {
        throw new AppError('invisible_text', 400, { field: fieldName(path) }, { field: fieldName(path), in: where });
      }
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v) || Math.abs(v) > Number.MAX_SAFE_INTEGER) throw new AppError('number_range', 400, { field: fieldName(path) }, { field: fieldName(path), in: where });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: [...path, i] });
    } else if (v && typeof v === 'object' && !Buffer.isBuffer(v)) {
      for (const [k, x] of Object.entries(v)) {
        const reason = badText(k);
        if (reason) throw new AppError('bad_text', 400, { field: fieldName([...path, k]), reason }, { field: fieldName([...path, k]), in: where, reason });
        stack.push({ v: x, path: [...path, k] });
      }
    }
  }
}

export function checkInput(req: FastifyRequest) {
  checkValue(req.params, 'params');
  checkValue(req.query, 'query');
  checkValue(req.body, 'body');
}
