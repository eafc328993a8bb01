import { DatabaseSync } from 'node:sqlite';

const countries = ['KR', 'US', 'JP', 'DE'] as const;
const segments = ['retail', 'wholesale', 'vip'] as const;
const statuses = ['paid', 'pending', 'cancelled', 'shipped'] as const;
const products = ['pen', 'book', 'lamp', 'mug', 'desk'] as const;
const pick = <T>(list: readonly T[], i: number): T => list[i % list.length] as T;

/**
 * A small shop in SQLite with known values, for end-to-end suites that check what a pipeline moved: 40 customers
 * (country KR/US/JP/DE, segment, is_active 0/1, every email set), 120 orders (status paid/pending/cancelled/shipped,
 * amount 5.5..., discount NULL on every fifth order, created_at through 2026), and 2-3 order_items per order. The
 * values follow from the row number only, so the suite can count expected rows with SQL against the same file.
 */
export function createShopDatabase(file: string): void {
  const db = new DatabaseSync(file);
  db.exec(`
    CREATE TABLE customers (
      id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, country TEXT NOT NULL,
      segment TEXT NOT NULL, is_active INTEGER NOT NULL);
    CREATE TABLE orders (
      id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, status TEXT NOT NULL, amount REAL NOT NULL,
      discount REAL, created_at TEXT NOT NULL);
    CREATE TABLE order_items (
      id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL, product TEXT NOT NULL, quantity INTEGER NOT NULL,
      unit_price REAL NOT NULL);`);
  const customer = db.prepare('INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?)');
  for (let i = 1; i <= 40; i++) {
    customer.run(i, `Customer ${i}`, `c${i}@shop.test`, pick(countries, i), pick(segments, i), i % 5 === 0 ? 0 : 1);
  }
  const order = db.prepare('INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?)');
  const item = db.prepare('INSERT INTO order_items VALUES (?, ?, ?, ?, ?)');
  let itemId = 1;
  for (let i = 1; i <= 120; i++) {
    const month = String((i % 12) + 1).padStart(2, '0');
    const day = String((i % 28) + 1).padStart(2, '0');
    order.run(
      i,
      (i % 40) + 1,
      pick(statuses, i),
      5.5 + ((i * 37) % 250),
      i % 5 === 0 ? null : (i % 4) * 2.5,
      `2026-${month}-${day} 10:${String(i % 60).padStart(2, '0')}:00`,
    );
    for (let k = 0; k < 2 + (i % 2); k++) {
      item.run(itemId++, i, pick(products, i + k), 1 + ((i + k) % 4), 2 + ((i * 3 + k) % 20) * 1.25);
    }
  }
  db.close();
}
