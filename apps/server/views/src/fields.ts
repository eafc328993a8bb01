/**
 * Readers of the structuredContent a host hands over: the views read only the fields they show, and a field of an
 * unexpected type is treated as absent (a result from another version of the service still renders what it can).
 */
export type Fields = Record<string, unknown>;

export function record(value: unknown): Fields | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : undefined;
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function records(value: unknown): Fields[] {
  return list(value).flatMap((item): Fields[] => {
    const found = record(item);
    return found ? [found] : [];
  });
}

/** Seconds as people read them: "4.9 s", "2 min 5 s". */
export function seconds(value: number | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value < 60) return `${Math.round(value * 10) / 10} s`;
  return `${Math.floor(value / 60)} min ${Math.round(value % 60)} s`;
}
