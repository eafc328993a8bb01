// Canonical forms for comparing the planning evaluation's expectations with a planner's output: two filters or
// computed expressions that mean the same thing compare equal however they are spelled (operand order of AND/OR,
// an IN list against a chain of ORs, BETWEEN against >= AND <=, NOT folded into the comparison, "x = 1" on a
// boolean column against "x = true", round(x) against round(x, 0), operands of + and * in any order and grouping),
// and schedules likewise (@daily against "0 0 * * *", a day-of-week 7 against 0).

const FLIP = { '<': '>', '>': '<', '<=': '>=', '>=': '<=', '=': '=', '<>': '<>' };
const NEGATE = { '=': '<>', '<>': '=', '<': '>=', '>=': '<', '>': '<=', '<=': '>' };
const key = (node) => JSON.stringify(node);
const isLiteral = (node) => ['number', 'string', 'boolean', 'null'].includes(node.kind);
const column = (node) => (node.kind === 'column' ? node.name : undefined);

/** Canonical ExprNode: pure, returns a new tree. `booleanColumns` (lower-case names) are compared with true/false. */
export function canonicalExpression(node, booleanColumns = new Set()) {
  const c = (n) => canonicalExpression(n, booleanColumns);
  const asCondition = (n) => {
    const done = c(n);
    return done.kind === 'column'
      ? { kind: 'binary', op: '=', left: done, right: { kind: 'boolean', value: true } }
      : done;
  };
  switch (node.kind) {
    case 'column':
      return { kind: 'column', name: node.name.toLowerCase() };
    case 'number':
      return { kind: 'number', value: String(Number(node.value)) };
    case 'string':
    case 'boolean':
    case 'null':
      return { ...node };
    case 'unary': {
      if (node.op === '-') {
        const arg = c(node.arg);
        return arg.kind === 'number'
          ? { kind: 'number', value: String(-Number(arg.value)) }
          : { kind: 'unary', op: '-', arg };
      }
      return negate(asCondition(node.arg));
    }
    case 'isnull':
      return { kind: 'isnull', arg: c(node.arg), negated: node.negated };
    case 'like':
      return { kind: 'like', arg: c(node.arg), pattern: c(node.pattern), negated: node.negated };
    case 'between': {
      const arg = c(node.arg);
      const low = { kind: 'binary', op: node.negated ? '<' : '>=', left: arg, right: c(node.low) };
      const high = { kind: 'binary', op: node.negated ? '>' : '<=', left: arg, right: c(node.high) };
      return junction(node.negated ? 'OR' : 'AND', [low, high]);
    }
    case 'in': {
      const arg = c(node.arg);
      const list = dedupe(node.list.map(c)).sort((a, b) => key(a).localeCompare(key(b)));
      if (list.length === 1) return comparison(node.negated ? '<>' : '=', arg, list[0], booleanColumns);
      return { kind: 'in', arg, list, negated: node.negated };
    }
    case 'call': {
      const name = node.name.toLowerCase();
      const args = node.args.map(c);
      if (name === 'round' && args.length === 1) args.push({ kind: 'number', value: '0' });
      return { kind: 'call', name, args };
    }
    case 'case':
      return {
        kind: 'case',
        whens: node.whens.map((w) => ({ when: asCondition(w.when), then: c(w.then) })),
        otherwise: node.otherwise ? c(node.otherwise) : undefined,
      };
    case 'binary': {
      if (node.op === 'AND' || node.op === 'OR')
        return junction(node.op, [asCondition(node.left), asCondition(node.right)]);
      if (node.op in FLIP) return comparison(node.op, c(node.left), c(node.right), booleanColumns);
      // + and * commute and associate: "1.1 * price" is "price * 1.1", "a * b * c" is "c * (a * b)".
      if (node.op === '+' || node.op === '*') {
        const terms = [];
        const collect = (n) =>
          n.kind === 'binary' && n.op === node.op ? (collect(n.left), collect(n.right)) : terms.push(c(n));
        collect(node);
        terms.sort((a, b) => key(a).localeCompare(key(b)));
        return terms.reduce((left, right) => ({ kind: 'binary', op: node.op, left, right }));
      }
      return { kind: 'binary', op: node.op, left: c(node.left), right: c(node.right) };
    }
    default:
      return node;
  }
}

/** Canonical form of a filter: like canonicalExpression, and a bare column reads as "column = true". */
export function canonicalCondition(node, booleanColumns = new Set()) {
  const done = canonicalExpression(node, booleanColumns);
  return done.kind === 'column'
    ? { kind: 'binary', op: '=', left: done, right: { kind: 'boolean', value: true } }
    : done;
}

function dedupe(nodes) {
  const seen = new Set();
  return nodes.filter((n) => (seen.has(key(n)) ? false : (seen.add(key(n)), true)));
}

/** A comparison with the column on the left and 0/1 on a boolean column read as false/true. */
function comparison(op, left, right, booleanColumns) {
  let [l, r, o] = [left, right, op];
  if (isLiteral(l) && !isLiteral(r)) [l, r, o] = [r, l, FLIP[op]];
  const name = column(l);
  if (name && booleanColumns.has(name) && r.kind === 'number' && (r.value === '0' || r.value === '1')) {
    r = { kind: 'boolean', value: r.value === '1' };
  }
  if (r.kind === 'boolean' && o === '<>') [o, r] = ['=', { kind: 'boolean', value: !r.value }];
  return { kind: 'binary', op: o, left: l, right: r };
}

function negate(node) {
  switch (node.kind) {
    case 'binary':
      if (node.op === 'AND' || node.op === 'OR') {
        return junction(node.op === 'AND' ? 'OR' : 'AND', node.args.map(negate));
      }
      if (node.op in NEGATE) {
        if (node.right.kind === 'boolean' && node.op === '=')
          return { ...node, right: { kind: 'boolean', value: !node.right.value } };
        return { ...node, op: NEGATE[node.op] };
      }
      break;
    case 'isnull':
    case 'in':
    case 'like':
      return { ...node, negated: !node.negated };
    case 'unary':
      if (node.op === 'NOT') return node.arg;
      break;
    default:
      break;
  }
  return { kind: 'unary', op: 'NOT', arg: node };
}

/**
 * AND/OR as one flat, sorted operand list (written as {kind:'binary', op, args}); an OR of equalities on one column
 * becomes an IN, an AND of "<>" on one column a NOT IN.
 */
function junction(op, operands) {
  const flat = operands.flatMap((o) => (o.kind === 'binary' && o.op === op && o.args ? o.args : [o]));
  const [merge, negated] = op === 'OR' ? ['=', false] : ['<>', true];
  const byColumn = new Map();
  const rest = [];
  for (const o of flat) {
    const name = o.kind === 'binary' && o.op === merge && isLiteral(o.right) ? column(o.left) : undefined;
    const inList = o.kind === 'in' && o.negated === negated ? column(o.arg) : undefined;
    const target = name ?? inList;
    if (target === undefined) {
      rest.push(o);
      continue;
    }
    const values = byColumn.get(target) ?? [];
    byColumn.set(target, values.concat(o.kind === 'in' ? o.list : [o.right]));
  }
  for (const [name, values] of byColumn) {
    const list = dedupe(values).sort((a, b) => key(a).localeCompare(key(b)));
    const arg = { kind: 'column', name };
    rest.push(
      list.length === 1 ? { kind: 'binary', op: merge, left: arg, right: list[0] } : { kind: 'in', arg, list, negated },
    );
  }
  const args = dedupe(rest).sort((a, b) => key(a).localeCompare(key(b)));
  return args.length === 1 ? args[0] : { kind: 'binary', op, args };
}

const PRESETS = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};

/** A schedule in one spelling: presets as cron, day-of-week 7 as 0, comma lists sorted, "*\/1" as "*". */
export function canonicalSchedule(schedule) {
  if (schedule === null || schedule === undefined) return null;
  const text = String(schedule).trim().toLowerCase();
  const cron = PRESETS[text] ?? text;
  const fields = cron.split(/\s+/);
  if (fields.length !== 5) return cron;
  return fields
    .map((field, i) => {
      const parts = field.split(',').map((p) => (p === '*/1' ? '*' : i === 4 && p === '7' ? '0' : p));
      return parts.sort((a, b) => Number(a) - Number(b) || a.localeCompare(b)).join(',');
    })
    .join(' ');
}
