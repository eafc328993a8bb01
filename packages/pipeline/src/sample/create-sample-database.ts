import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export interface SampleDatabase {
  path: string;
  tables: { name: string; rows: number }[];
}

/** A small deterministic PRNG (mulberry32), so the sample is byte-for-byte the same everywhere. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EVENT_TYPES = ['page_view', 'signup', 'purchase', 'refund', 'logout'];
const COUNTRIES = ['KR', 'US', 'DE', 'JP', 'BR'];

/**
 * The demo's source: a SQLite file with `events` (2,000 rows: event_id, user_id, event_type, amount, country,
 * timestamp) and `users` (200 rows). Recreated from scratch each time.
 */
export function createSampleDatabase(path: string, options: { events?: number; users?: number } = {}): SampleDatabase {
  const events = options.events ?? 2000;
  const users = options.users ?? 200;
  mkdirSync(dirname(path), { recursive: true });
  rmSync(path, { force: true });
  const db = new DatabaseSync(path);
  const next = random(20261125);
  try {
    db.exec(`
      CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, country TEXT NOT NULL, signed_up_at TIMESTAMP NOT NULL);
      CREATE TABLE events (
        event_id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        event_type TEXT NOT NULL,
        amount REAL,
        country TEXT NOT NULL,
        "timestamp" TIMESTAMP NOT NULL
      );
    `);
    db.exec('BEGIN');
    const base = Date.UTC(2026, 0, 1);
    const addUser = db.prepare('INSERT INTO users VALUES (?, ?, ?, ?)');
    for (let i = 1; i <= users; i++) {
      const at = new Date(base + Math.floor(next() * 90 * 86_400_000));
      addUser.run(
        i,
        `user${i}@example.com`,
        COUNTRIES[i % COUNTRIES.length] as string,
        at.toISOString().slice(0, 19).replace('T', ' '),
      );
    }
    const addEvent = db.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)');
    for (let i = 1; i <= events; i++) {
      const type = EVENT_TYPES[Math.floor(next() * EVENT_TYPES.length)] as string;
      const amount = type === 'purchase' || type === 'refund' ? Math.round(next() * 50_000) / 100 : null;
      const userId = 1 + Math.floor(next() * users);
      const at = new Date(base + i * 3_600_000 + Math.floor(next() * 3_600_000));
      addEvent.run(
        i,
        userId,
        type,
        amount,
        COUNTRIES[userId % COUNTRIES.length] as string,
        at.toISOString().slice(0, 19).replace('T', ' '),
      );
    }
    db.exec('COMMIT');
  } finally {
    db.close();
  }
  return {
    path,
    tables: [
      { name: 'events', rows: events },
      { name: 'users', rows: users },
    ],
  };
}
