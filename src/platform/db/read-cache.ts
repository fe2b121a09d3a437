// Figures computed from the database, kept while nothing has changed since (see changes.ts).
// While changes are not being followed (tests, commands, a lost listening connection) every read
// is computed afresh.
import type { Database } from './database.ts';

export class ReadCache {
  private readonly entries = new Map<string, { version: number; value: unknown }>();
  constructor(private readonly max = 500) {}

  async get<T>(db: Database, key: string, compute: () => Promise<T>): Promise<T> {
    const changes = db.changes;
    if (!changes.reliable) return compute();
    const version = changes.version;
    const hit = this.entries.get(key);
    if (hit && hit.version === version) return hit.value as T;
    const value = await compute();
    // Kept only if nothing changed meanwhile: the value may predate a commit seen since.
    if (changes.reliable && changes.version === version) {
      this.entries.delete(key);
      this.entries.set(key, { version, value });
      if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    }
    return value;
  }
}
