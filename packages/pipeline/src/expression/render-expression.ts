import type { ExprNode } from './parse-expression.js';
import type { DatePart, SqlDialect } from './sql-dialect.js';

const DATE_PARTS: Readonly<Record<string, DatePart>> = { year: 'YEAR', month: 'MONTH', day: 'DAY', hour: 'HOUR' };

/** SQL text for a parsed expression in one dialect: identifiers quoted, strings escaped, every node parenthesised. */
export function renderExpression(node: ExprNode, d: SqlDialect): string {
  const r = (n: ExprNode) => renderExpression(n, d);
  switch (node.kind) {
    case 'column':
      return d.ident(node.name);
    case 'number':
      return node.value;
    case 'string':
      return d.string(node.value);
    case 'boolean':
      return d.engine === 'sqlite' ? (node.value ? '1' : '0') : node.value ? 'TRUE' : 'FALSE';
    case 'null':
      return 'NULL';
    case 'unary':
      return node.op === 'NOT' ? `(NOT ${r(node.arg)})` : `(-${r(node.arg)})`;
    case 'binary':
      if (node.op === '||') return `(${d.concat([r(node.left), r(node.right)])})`;
      return `(${r(node.left)} ${node.op} ${r(node.right)})`;
    case 'isnull':
      return `(${r(node.arg)} IS ${node.negated ? 'NOT ' : ''}NULL)`;
    case 'in':
      return `(${r(node.arg)} ${node.negated ? 'NOT ' : ''}IN (${node.list.map(r).join(', ')}))`;
    case 'like':
      return `(${r(node.arg)} ${node.negated ? 'NOT ' : ''}LIKE ${r(node.pattern)})`;
    case 'between':
      return `(${r(node.arg)} ${node.negated ? 'NOT ' : ''}BETWEEN ${r(node.low)} AND ${r(node.high)})`;
    case 'case':
      return `(CASE ${node.whens.map((w) => `WHEN ${r(w.when)} THEN ${r(w.then)}`).join(' ')}${node.otherwise ? ` ELSE ${r(node.otherwise)}` : ''} END)`;
    case 'call': {
      const args = node.args.map(r);
      if (node.name === 'concat') return `(${d.concat(args)})`;
      if (node.name === 'date') return d.engine === 'sqlite' ? `date(${args[0]})` : `CAST(${args[0]} AS DATE)`;
      const part = DATE_PARTS[node.name];
      if (part) return d.datePart(part, args[0] as string);
      if (node.name === 'substr' && d.engine === 'mysql') return `SUBSTRING(${args.join(', ')})`;
      if (node.name === 'length' && d.engine === 'mysql') return `CHAR_LENGTH(${args[0]})`;
      return `${node.name.toUpperCase()}(${args.join(', ')})`;
    }
  }
}
