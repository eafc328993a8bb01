// The planning evaluation's source databases, created by code (nothing binary is committed): shop.db (customers,
// orders, products, payments, users, order_items) and events.db (events, sessions, page_views). Deterministic:
// one seeded PRNG per file, so the same rows everywhere. Written with node:sqlite, like the pipeline's sample.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/** mulberry32, the same small PRNG as the pipeline's sample database: a function returning floats in [0, 1). */
export function random(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COUNTRIES = ['KR', 'US', 'DE', 'JP', 'BR', 'FR', 'GB'];
const CITIES = {
  KR: ['Seoul', 'Busan', 'Incheon'],
  US: ['New York', 'Austin', 'Seattle'],
  DE: ['Berlin', 'Munich'],
  JP: ['Tokyo', 'Osaka'],
  BR: ['Sao Paulo', 'Rio de Janeiro'],
  FR: ['Paris', 'Lyon'],
  GB: ['London', 'Leeds'],
};
const FIRST = ['Minji', 'Jisoo', 'Alice', 'Bob', 'Hana', 'Lukas', 'Yuki', 'Ana', 'Chloe', 'Tom', 'Seojun', 'Marta'];
const LAST = ['Kim', 'Lee', 'Park', 'Smith', 'Muller', 'Tanaka', 'Silva', 'Martin', 'Brown', 'Choi'];

/** Column declarations of every fixture table, in order: what the corpus may name. */
export const FIXTURE_SCHEMA = {
  'shop.db': {
    customers: [
      'id INTEGER PRIMARY KEY',
      'name TEXT NOT NULL',
      'email TEXT',
      'phone TEXT',
      'country TEXT',
      'city TEXT',
      'segment TEXT',
      'is_active BOOLEAN',
      'created_at TIMESTAMP',
      'birth_date DATE',
      'lifetime_value REAL',
    ],
    orders: [
      'id INTEGER PRIMARY KEY',
      'customer_id INTEGER',
      'status TEXT',
      'amount REAL',
      'discount REAL',
      'currency TEXT',
      'channel TEXT',
      'created_at TIMESTAMP',
      'shipped_at TIMESTAMP',
      'note TEXT',
    ],
    products: [
      'id INTEGER PRIMARY KEY',
      'name TEXT NOT NULL',
      'sku TEXT',
      'category TEXT',
      'brand TEXT',
      'price REAL',
      'stock INTEGER',
      'weight_kg REAL',
      'is_active BOOLEAN',
      'created_at TIMESTAMP',
    ],
    payments: [
      'id INTEGER PRIMARY KEY',
      'order_id INTEGER',
      'amount REAL',
      'method TEXT',
      'status TEXT',
      'fee REAL',
      'currency TEXT',
      'paid_at TIMESTAMP',
    ],
    users: [
      'id INTEGER PRIMARY KEY',
      'username TEXT NOT NULL',
      'email TEXT',
      'country TEXT',
      'role TEXT',
      'age INTEGER',
      'is_active BOOLEAN',
      'signup_at TIMESTAMP',
      'last_login_at TIMESTAMP',
    ],
    order_items: [
      'id INTEGER PRIMARY KEY',
      'order_id INTEGER',
      'product_id INTEGER',
      'quantity INTEGER',
      'unit_price REAL',
      'discount REAL',
    ],
  },
  'events.db': {
    events: [
      'event_id INTEGER PRIMARY KEY',
      'user_id INTEGER',
      'session_id TEXT',
      'event_type TEXT',
      'device TEXT',
      'country TEXT',
      'amount REAL',
      'occurred_at TIMESTAMP',
    ],
    sessions: [
      'session_id TEXT PRIMARY KEY',
      'user_id INTEGER',
      'device TEXT',
      'browser TEXT',
      'country TEXT',
      'started_at TIMESTAMP',
      'ended_at TIMESTAMP',
      'duration_ms INTEGER',
      'is_bounce BOOLEAN',
    ],
    page_views: [
      'id INTEGER PRIMARY KEY',
      'session_id TEXT',
      'user_id INTEGER',
      'url TEXT',
      'path TEXT',
      'referrer TEXT',
      'title TEXT',
      'duration_ms INTEGER',
      'ts TIMESTAMP',
    ],
  },
};

/** Column names of a fixture table, in order (undefined for an unknown file or table). */
export function fixtureColumns(file, table) {
  return FIXTURE_SCHEMA[file]?.[table]?.map((declaration) => declaration.split(' ')[0]);
}

function timestamp(ms) {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** Rows per table, built with `next` (the file's PRNG). Values vary; some are NULL. */
function shopRows(next) {
  const pick = (list) => list[Math.floor(next() * list.length)];
  const maybe = (value, nullShare) => (next() < nullShare ? null : value);
  const money = (max) => Math.round(next() * max * 100) / 100;
  const base = Date.UTC(2025, 6, 1);
  const at = (days) => timestamp(base + Math.floor(next() * days * 86_400_000));
  const customers = [];
  for (let id = 1; id <= 300; id++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const country = pick(COUNTRIES);
    customers.push([
      id,
      id % 17 === 0 ? `  ${first} ${last} ` : `${first} ${last}`,
      maybe(`${first}.${last}${id}@example.com`.toLowerCase(), 0.08),
      maybe(`+${10 + (id % 80)}-${1000 + Math.floor(next() * 9000)}-${1000 + id}`, 0.2),
      maybe(country, 0.03),
      maybe(pick(CITIES[country]), 0.1),
      pick(['retail', 'wholesale', 'vip']),
      next() < 0.8 ? 1 : 0,
      at(500),
      maybe(`${1950 + Math.floor(next() * 55)}-0${1 + Math.floor(next() * 9)}-1${Math.floor(next() * 9)}`, 0.15),
      money(5000),
    ]);
  }
  const orders = [];
  for (let id = 1; id <= 500; id++) {
    const status = pick(['pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded']);
    const created = base + Math.floor(next() * 520 * 86_400_000);
    orders.push([
      id,
      1 + Math.floor(next() * 300),
      status,
      money(900) + 5,
      maybe(money(30), 0.6),
      pick(['KRW', 'USD', 'EUR', 'USD']),
      pick(['web', 'app', 'store']),
      timestamp(created),
      status === 'shipped' || status === 'delivered' ? timestamp(created + 2 * 86_400_000) : null,
      maybe(pick(['gift wrap', 'leave at door', 'call first', '선물 포장']), 0.85),
    ]);
  }
  const products = [];
  for (let id = 1; id <= 200; id++) {
    const category = pick(['electronics', 'books', 'clothing', 'home', 'toys', 'food']);
    products.push([
      id,
      `${pick(['Smart', 'Classic', 'Mini', 'Pro', 'Eco'])} ${pick(['Lamp', 'Kettle', 'Novel', 'Jacket', 'Robot', 'Tea'])} ${id}`,
      `${category.slice(0, 3).toUpperCase()}-${String(1000 + id)}`,
      category,
      maybe(pick(['Acme', 'Hanil', 'Nordic', 'Kumo']), 0.1),
      money(500) + 1,
      Math.floor(next() * 120) - (id % 23 === 0 ? 5 : 0),
      maybe(Math.round(next() * 2000) / 100, 0.25),
      next() < 0.85 ? 1 : 0,
      at(400),
    ]);
  }
  const payments = [];
  for (let id = 1; id <= 450; id++) {
    const status = pick(['ok', 'ok', 'ok', 'failed', 'pending']);
    payments.push([
      id,
      1 + Math.floor(next() * 500),
      money(900) + 5,
      pick(['card', 'bank_transfer', 'paypal', 'kakao_pay']),
      status,
      maybe(money(12), 0.3),
      pick(['KRW', 'USD', 'EUR']),
      status === 'pending' ? null : at(520),
    ]);
  }
  const users = [];
  for (let id = 1; id <= 300; id++) {
    const first = pick(FIRST).toLowerCase();
    users.push([
      id,
      `${first}${id}`,
      maybe(`${first}${id}@example.org`, 0.05),
      maybe(pick(COUNTRIES), 0.05),
      pick(['member', 'member', 'member', 'admin', 'guest']),
      maybe(16 + Math.floor(next() * 60), 0.2),
      next() < 0.75 ? 1 : 0,
      at(600),
      maybe(at(600), 0.3),
    ]);
  }
  const items = [];
  for (let id = 1; id <= 900; id++) {
    items.push([
      id,
      1 + Math.floor(next() * 500),
      1 + Math.floor(next() * 200),
      1 + Math.floor(next() * 6),
      money(300) + 1,
      maybe(money(10), 0.7),
    ]);
  }
  return { customers, orders, products, payments, users, order_items: items };
}

function eventRows(next) {
  const pick = (list) => list[Math.floor(next() * list.length)];
  const base = Date.UTC(2026, 0, 1);
  const sessions = [];
  for (let i = 1; i <= 500; i++) {
    const started = base + Math.floor(next() * 120 * 86_400_000);
    const duration = Math.floor(next() * 1_800_000);
    sessions.push([
      `s${String(i).padStart(5, '0')}`,
      1 + Math.floor(next() * 300),
      pick(['mobile', 'desktop', 'tablet']),
      pick(['chrome', 'safari', 'firefox', 'edge', 'samsung']),
      next() < 0.04 ? null : pick(COUNTRIES),
      timestamp(started),
      next() < 0.1 ? null : timestamp(started + duration),
      duration,
      duration < 30_000 ? 1 : 0,
    ]);
  }
  const events = [];
  for (let id = 1; id <= 2000; id++) {
    const session = pick(sessions);
    const type = pick(['page_view', 'page_view', 'click', 'signup', 'purchase', 'refund', 'logout']);
    events.push([
      id,
      session[1],
      session[0],
      type,
      session[2],
      session[4],
      type === 'purchase' || type === 'refund' ? Math.round(next() * 40_000) / 100 : null,
      timestamp(base + id * 5_400_000 + Math.floor(next() * 3_600_000)),
    ]);
  }
  const views = [];
  for (let id = 1; id <= 1500; id++) {
    const session = pick(sessions);
    const path = pick(['/', '/products', '/products/42', '/cart', '/checkout', '/search', '/help']);
    views.push([
      id,
      session[0],
      session[1],
      `https://shop.example.com${path}`,
      path,
      next() < 0.5 ? null : pick(['https://google.com', 'https://naver.com', 'https://t.co', 'newsletter']),
      pick(['Home', 'Products', 'Cart', 'Checkout', 'Search', 'Help']),
      Math.floor(next() * 120_000),
      timestamp(base + id * 6_000_000 + Math.floor(next() * 3_600_000)),
    ]);
  }
  return { events, sessions, page_views: views };
}

function writeDatabase(path, schema, rows) {
  rmSync(path, { force: true });
  const db = new DatabaseSync(path);
  try {
    for (const [table, columns] of Object.entries(schema)) db.exec(`CREATE TABLE ${table} (${columns.join(', ')})`);
    db.exec('BEGIN');
    for (const [table, values] of Object.entries(rows)) {
      const insert = db.prepare(`INSERT INTO ${table} VALUES (${schema[table].map(() => '?').join(', ')})`);
      for (const row of values) insert.run(...row);
    }
    db.exec('COMMIT');
  } finally {
    db.close();
  }
}

/** Creates shop.db and events.db in `dir` (recreated from scratch) and returns their paths. */
export function createPlanningFixtures(dir) {
  mkdirSync(dir, { recursive: true });
  const shop = join(dir, 'shop.db');
  const events = join(dir, 'events.db');
  writeDatabase(shop, FIXTURE_SCHEMA['shop.db'], shopRows(random(20261206)));
  writeDatabase(events, FIXTURE_SCHEMA['events.db'], eventRows(random(20261207)));
  return { dir, shop, events };
}
