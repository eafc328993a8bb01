/** What the first lines of every generated DAG file say about it. */
export interface DagFileHeader {
  dagId: string;
  specHash: string;
  version: number;
  generator: string;
}

const MARK = '# airflow-mcp-rag: generated file, do not edit by hand';

export function renderDagFileHeader(header: DagFileHeader): string {
  return [
    MARK,
    `# dag_id: ${header.dagId}`,
    `# spec_hash: ${header.specHash}`,
    `# version: ${header.version}`,
    `# generator: ${header.generator}`,
    '',
  ].join('\n');
}

/** The header of a generated file, or undefined for a file we did not write. */
export function parseDagFileHeader(source: string): DagFileHeader | undefined {
  if (!source.startsWith(MARK)) return undefined;
  const field = (name: string) => new RegExp(`^# ${name}: (.+)$`, 'm').exec(source)?.[1]?.trim();
  const dagId = field('dag_id');
  const specHash = field('spec_hash');
  const version = Number(field('version'));
  if (!dagId || !specHash || !Number.isInteger(version)) return undefined;
  return { dagId, specHash, version, generator: field('generator') ?? 'unknown' };
}
