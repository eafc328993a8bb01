export interface SourceTable {
  name: string;
  columns?: readonly { name: string; type?: string | undefined }[] | undefined;
  rowCount?: number | undefined;
}

/**
 * The introspected source as prompt text: one line per table with its columns and types, e.g.
 * `- events (2000 rows): event_id bigint, user_id bigint, event_type text`.
 */
export function describeSourceSchema(source: { connection: string; tables: readonly SourceTable[] }): string {
  const lines = [`Source ${source.connection}:`];
  if (source.tables.length === 0) lines.push('- (no tables found)');
  for (const table of source.tables) {
    const rows = table.rowCount === undefined ? '' : ` (${table.rowCount} rows)`;
    const columns = table.columns?.map((c) => (c.type ? `${c.name} ${c.type}` : c.name)).join(', ');
    lines.push(`- ${table.name}${rows}${columns === undefined ? '' : `: ${columns}`}`);
  }
  return lines.join('\n');
}
