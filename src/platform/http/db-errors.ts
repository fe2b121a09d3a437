// What the database refuses because of the value sent (PostgreSQL SQLSTATE classes 22 and 23,
// and 54000 for an index entry too long) becomes a 400 or 409 naming the column or constraint,
// rather than a 500 — a safety net behind the routes' own validation. A deadlock or a
// serialization failure answers 409 "try again".
export interface DbRefusal {
  status: number;
  code: 'bad_value' | 'conflict' | 'retry';
  params: { detail: string };
}

export function databaseError(err: any): DbRefusal | null {
  const code: unknown = err?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return null;
  const detail = String(err.column ?? err.constraint ?? err.routine ?? code).slice(0, 100);
  // Two transactions waited for each other (the audit chain's head is one of the locks every
  // write takes) or a serializable transaction lost: nothing was written; the caller may retry.
  if (code === '40P01' || code === '40001') return { status: 409, code: 'retry', params: { detail: code } };
  if (code === '23505' || code === '23503' || code === '23P01') return { status: 409, code: 'conflict', params: { detail } };
  if (code.startsWith('22') || code.startsWith('23') || code === '54000') return { status: 400, code: 'bad_value', params: { detail } };
  return null;
}
