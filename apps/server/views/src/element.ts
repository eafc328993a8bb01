/** A child of an element: a node, or text (always inserted as text, never parsed as HTML). */
export type Child = Node | string | number | null | undefined | false;

/**
 * Creates an element with a class and children. Text goes in as text nodes: whatever a tool result carries (DAG
 * code, the user's own words, log lines) can never become markup or script. No innerHTML anywhere in the views.
 */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'number' ? String(child) : child);
  }
  return node;
}

/** A titled section; `testId` names it for hosts' and tests' selectors. */
export function section(title: string, testId: string, ...children: Child[]): HTMLElement {
  const node = element('section', 'section', element('h2', null, title), ...children);
  node.dataset.testid = testId;
  return node;
}

/** A definition list of label/value rows; rows without a value are left out. */
export function facts(rows: readonly (readonly [string, Child])[]): HTMLDListElement {
  const list = element('dl', 'facts');
  for (const [label, value] of rows) {
    if (value === null || value === undefined || value === false || value === '') continue;
    list.append(element('dt', null, label), element('dd', null, value));
  }
  return list;
}

/** A state shown as a coloured badge (success, failed, running, ...). */
export function badge(state: string): HTMLSpanElement {
  const node = element('span', `badge state-${state.replace(/[^a-z_]/gi, '') || 'none'}`, state);
  node.dataset.state = state;
  return node;
}

/** Preformatted text in a scrolling box, reachable by keyboard (a scrollable region must take focus to scroll). */
export function preformatted(className: string, ...children: Child[]): HTMLPreElement {
  const node = element('pre', className, ...children);
  node.tabIndex = 0;
  return node;
}
