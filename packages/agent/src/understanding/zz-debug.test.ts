import { it } from 'vitest';
import { parseWordsExpression } from './parse-words-expression.js';
import { readComputed } from './read-computed.js';
import { RequestText } from './request-text.js';
import { Vocabulary, type TableSchema } from './vocabulary.js';
const t = (name: string, columns: string[]): TableSchema => ({ name, columns: columns.map((c) => ({ name: c, type: 'text' as const })), rowCount: undefined });
const T: Record<string, TableSchema> = {
  sessions: t('sessions', ['session_id','user_id','device','browser','country','started_at','ended_at','duration_ms','is_bounce']),
  payments: t('payments', ['id','order_id','amount','method','status','fee','currency','paid_at']),
  page_views: t('page_views', ['id','session_id','user_id','url','path','referrer','title','duration_ms','ts']),
  products: t('products', ['id','name','sku','category','brand','price','stock','weight_kg','is_active','created_at']),
  orders: t('orders', ['id','customer_id','status','amount','discount','currency','channel','created_at','shipped_at','note']),
};
it('debug', () => {
  const cases = JSON.parse(process.env.CASES ?? '[]') as [string, string][];
  for (const [table, text] of cases) {
    const vocab = new Vocabulary(Object.values(T));
    vocab.play([T[table] as TableSchema]);
    const rt = new RequestText(text);
    const computed = readComputed(rt, vocab);
    console.log(text, '=>', JSON.stringify(computed), JSON.stringify(rt.leftovers().map((l) => l.text)));
    if (process.env.EXPR) console.log('expr', parseWordsExpression(process.env.EXPR, vocab));
  }
});
