import { AppError } from '@airflow-mcp/core';

/**
 * A small, closed expression language for computed columns and filters: column names, literals, arithmetic,
 * comparisons, AND/OR/NOT, IS [NOT] NULL, [NOT] IN, [NOT] LIKE, [NOT] BETWEEN, CASE WHEN, and a few functions.
 * No statements, comments, semicolons, subqueries or unknown functions: anything else is refused with the position.
 */
export type ExprNode =
  | { kind: 'column'; name: string }
  | { kind: 'number'; value: string }
  | { kind: 'string'; value: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'unary'; op: '-' | 'NOT'; arg: ExprNode }
  | { kind: 'binary'; op: string; left: ExprNode; right: ExprNode }
  | { kind: 'isnull'; arg: ExprNode; negated: boolean }
  | { kind: 'in'; arg: ExprNode; list: ExprNode[]; negated: boolean }
  | { kind: 'like'; arg: ExprNode; pattern: ExprNode; negated: boolean }
  | { kind: 'between'; arg: ExprNode; low: ExprNode; high: ExprNode; negated: boolean }
  | { kind: 'call'; name: string; args: ExprNode[] }
  | { kind: 'case'; whens: { when: ExprNode; then: ExprNode }[]; otherwise: ExprNode | undefined };

/** Functions and their argument counts [min, max]. */
export const ALLOWED_FUNCTIONS: Readonly<Record<string, readonly [number, number]>> = {
  lower: [1, 1],
  upper: [1, 1],
  trim: [1, 1],
  length: [1, 1],
  substr: [2, 3],
  coalesce: [1, 10],
  nullif: [2, 2],
  round: [1, 2],
  abs: [1, 1],
  concat: [1, 10],
  date: [1, 1],
  year: [1, 1],
  month: [1, 1],
  day: [1, 1],
  hour: [1, 1],
};

const KEYWORDS = new Set([
  'and',
  'or',
  'not',
  'is',
  'null',
  'in',
  'like',
  'between',
  'case',
  'when',
  'then',
  'else',
  'end',
  'true',
  'false',
]);

interface Token {
  type: 'ident' | 'number' | 'string' | 'op' | 'eof';
  text: string;
  pos: number;
}

function fail(source: string, pos: number, what: string): never {
  throw new AppError(
    'INVALID_INPUT',
    `Expression "${source.slice(0, 200)}" is not allowed at position ${pos + 1}: ${what}. Use column names, literals, arithmetic, comparisons, AND/OR/NOT, IN, LIKE, BETWEEN, IS NULL, CASE and the functions ${Object.keys(ALLOWED_FUNCTIONS).join(', ')}.`,
    { details: { expression: source.slice(0, 200), position: pos + 1 } },
  );
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (source.startsWith('--', i) || source.startsWith('/*', i)) fail(source, i, 'comments are not allowed');
    if (c === ';') fail(source, i, 'a ";" (only one expression, no statements)');
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i)) as RegExpExecArray;
      tokens.push({ type: 'ident', text: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const m = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(source.slice(i)) as RegExpExecArray;
      tokens.push({ type: 'number', text: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if (c === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= source.length) fail(source, i, 'an unterminated string');
        const ch = source[j] as string;
        if (ch === "'") {
          if (source[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        if (ch === '\\') fail(source, j, 'backslashes in strings');
        value += ch;
        j++;
      }
      tokens.push({ type: 'string', text: value, pos: i });
      i = j + 1;
      continue;
    }
    const two = source.slice(i, i + 2);
    if (['<=', '>=', '<>', '!=', '||', '=='].includes(two)) {
      tokens.push({ type: 'op', text: two === '==' ? '=' : two, pos: i });
      i += 2;
      continue;
    }
    if ('+-*/%=<>(),'.includes(c)) {
      tokens.push({ type: 'op', text: c, pos: i });
      i++;
      continue;
    }
    fail(source, i, `the character "${c}"`);
  }
  tokens.push({ type: 'eof', text: '', pos: source.length });
  return tokens;
}

export function parseExpression(source: string, options: { columns?: readonly string[] } = {}): ExprNode {
  if (source.length > 1000) fail(source, 1000, 'the expression is longer than 1000 characters');
  const tokens = tokenize(source);
  const known = options.columns ? new Map(options.columns.map((c) => [c.toLowerCase(), c])) : undefined;
  let p = 0;
  let depth = 0;
  const peek = () => tokens[p] as Token;
  const isWord = (word: string, t = peek()) => t.type === 'ident' && t.text.toLowerCase() === word;
  const isOp = (op: string, t = peek()) => t.type === 'op' && t.text === op;
  const next = () => tokens[p++] as Token;
  const expectOp = (op: string) => {
    if (!isOp(op)) fail(source, peek().pos, `expected "${op}"`);
    p++;
  };
  const expectWord = (word: string) => {
    if (!isWord(word)) fail(source, peek().pos, `expected ${word.toUpperCase()}`);
    p++;
  };

  const orExpr = (): ExprNode => {
    if (++depth > 50) fail(source, peek().pos, 'nesting deeper than 50');
    let left = andExpr();
    while (isWord('or')) {
      p++;
      left = { kind: 'binary', op: 'OR', left, right: andExpr() };
    }
    depth--;
    return left;
  };
  const andExpr = (): ExprNode => {
    let left = notExpr();
    while (isWord('and')) {
      p++;
      left = { kind: 'binary', op: 'AND', left, right: notExpr() };
    }
    return left;
  };
  const notExpr = (): ExprNode => {
    if (isWord('not')) {
      p++;
      return { kind: 'unary', op: 'NOT', arg: notExpr() };
    }
    return comparison();
  };
  const comparison = (): ExprNode => {
    const left = additive();
    const t = peek();
    if (t.type === 'op' && ['=', '<>', '!=', '<', '<=', '>', '>='].includes(t.text)) {
      p++;
      return { kind: 'binary', op: t.text === '!=' ? '<>' : t.text, left, right: additive() };
    }
    if (isWord('is')) {
      p++;
      const negated = isWord('not') ? (p++, true) : false;
      expectWord('null');
      return { kind: 'isnull', arg: left, negated };
    }
    let negated = false;
    if (
      isWord('not') &&
      (isWord('in', tokens[p + 1]) || isWord('like', tokens[p + 1]) || isWord('between', tokens[p + 1]))
    ) {
      p++;
      negated = true;
    }
    if (isWord('in')) {
      p++;
      expectOp('(');
      const list = [additive()];
      while (isOp(',')) {
        p++;
        list.push(additive());
      }
      expectOp(')');
      return { kind: 'in', arg: left, list, negated };
    }
    if (isWord('like')) {
      p++;
      return { kind: 'like', arg: left, pattern: additive(), negated };
    }
    if (isWord('between')) {
      p++;
      const low = additive();
      expectWord('and');
      return { kind: 'between', arg: left, low, high: additive(), negated };
    }
    if (negated) fail(source, peek().pos, 'NOT must be followed by IN, LIKE or BETWEEN here');
    return left;
  };
  const additive = (): ExprNode => {
    let left = multiplicative();
    while (isOp('+') || isOp('-') || isOp('||')) {
      const op = next().text;
      left = { kind: 'binary', op, left, right: multiplicative() };
    }
    return left;
  };
  const multiplicative = (): ExprNode => {
    let left = unary();
    while (isOp('*') || isOp('/') || isOp('%')) {
      const op = next().text;
      left = { kind: 'binary', op, left, right: unary() };
    }
    return left;
  };
  const unary = (): ExprNode => {
    if (isOp('-')) {
      p++;
      return { kind: 'unary', op: '-', arg: unary() };
    }
    return primary();
  };
  const primary = (): ExprNode => {
    const t = next();
    if (t.type === 'number') return { kind: 'number', value: t.text };
    if (t.type === 'string') return { kind: 'string', value: t.text };
    if (t.type === 'op' && t.text === '(') {
      const inner = orExpr();
      expectOp(')');
      return inner;
    }
    if (t.type === 'ident') {
      const word = t.text.toLowerCase();
      if (word === 'true' || word === 'false') return { kind: 'boolean', value: word === 'true' };
      if (word === 'null') return { kind: 'null' };
      if (word === 'case') {
        const whens: { when: ExprNode; then: ExprNode }[] = [];
        while (isWord('when')) {
          p++;
          const when = orExpr();
          expectWord('then');
          whens.push({ when, then: orExpr() });
        }
        if (whens.length === 0) fail(source, peek().pos, 'CASE needs at least one WHEN');
        let otherwise: ExprNode | undefined;
        if (isWord('else')) {
          p++;
          otherwise = orExpr();
        }
        expectWord('end');
        return { kind: 'case', whens, otherwise };
      }
      if (isOp('(')) {
        const arity = ALLOWED_FUNCTIONS[word];
        if (!arity) fail(source, t.pos, `the function "${t.text}" is not on the allow-list`);
        p++;
        const args: ExprNode[] = [];
        if (!isOp(')')) {
          args.push(orExpr());
          while (isOp(',')) {
            p++;
            args.push(orExpr());
          }
        }
        expectOp(')');
        if (args.length < arity[0] || args.length > arity[1]) {
          fail(
            source,
            t.pos,
            `${word}() takes ${arity[0] === arity[1] ? arity[0] : `${arity[0]} to ${arity[1]}`} arguments`,
          );
        }
        return { kind: 'call', name: word, args };
      }
      if (KEYWORDS.has(word)) fail(source, t.pos, `unexpected ${word.toUpperCase()}`);
      if (known) {
        const name = known.get(word);
        if (!name) {
          fail(source, t.pos, `unknown column "${t.text}" (columns: ${[...known.values()].slice(0, 30).join(', ')})`);
        }
        return { kind: 'column', name };
      }
      return { kind: 'column', name: t.text };
    }
    fail(source, t.pos, t.type === 'eof' ? 'the expression ends too early' : `unexpected "${t.text}"`);
  };

  const tree = orExpr();
  if (peek().type !== 'eof') fail(source, peek().pos, `unexpected "${peek().text}"`);
  return tree;
}

/** Column names an expression reads. */
export function columnsOf(node: ExprNode, into = new Set<string>()): Set<string> {
  switch (node.kind) {
    case 'column':
      into.add(node.name);
      break;
    case 'unary':
    case 'isnull':
      columnsOf(node.arg, into);
      break;
    case 'binary':
      columnsOf(node.left, into);
      columnsOf(node.right, into);
      break;
    case 'in':
      columnsOf(node.arg, into);
      node.list.forEach((n) => columnsOf(n, into));
      break;
    case 'like':
      columnsOf(node.arg, into);
      columnsOf(node.pattern, into);
      break;
    case 'between':
      [node.arg, node.low, node.high].forEach((n) => columnsOf(n, into));
      break;
    case 'call':
      node.args.forEach((n) => columnsOf(n, into));
      break;
    case 'case':
      node.whens.forEach((w) => (columnsOf(w.when, into), columnsOf(w.then, into)));
      if (node.otherwise) columnsOf(node.otherwise, into);
      break;
    default:
      break;
  }
  return into;
}
