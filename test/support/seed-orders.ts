import { DatabaseSync } from 'node:sqlite';

/** One SQLite table of `rows` orders (order_id 1..rows, a customer, amount = order_id * `amountStep`). */
export function seedOrders(file: string, table: string, rows: number, amountStep = 1.5): void {
  const db = new DatabaseSync(file);
  db.exec(`CREATE TABLE ${table} (order_id INTEGER PRIMARY KEY, customer TEXT NOT NULL, amount REAL NOT NULL)`);
  const insert = db.prepare(`INSERT INTO ${table} VALUES (?, ?, ?)`);
  db.exec('BEGIN');
  for (let i = 1; i <= rows; i += 1) insert.run(i, `customer-${i % 17}`, i * amountStep);
  db.exec('COMMIT');
  db.close();
}
