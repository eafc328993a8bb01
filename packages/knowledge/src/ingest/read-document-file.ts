import { readFile, stat } from 'node:fs/promises';

export type ReadResult = { ok: true; text: string } | { ok: false; reason: string };

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Reads a text document, or says why not: unreadable, too large, binary (NUL bytes) or not UTF-8. */
export async function readDocumentFile(path: string, options: { maxBytes: number }): Promise<ReadResult> {
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (info.size > options.maxBytes) {
      return {
        ok: false,
        reason: `larger than ${Math.round(options.maxBytes / 1024)} KiB (${Math.round(info.size / 1024)} KiB)`,
      };
    }
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, reason: `unreadable (${code ?? (error instanceof Error ? error.message : String(error))})` };
  }
  if (bytes.subarray(0, 8192).includes(0)) return { ok: false, reason: 'binary file' };
  try {
    return { ok: true, text: decoder.decode(bytes) };
  } catch {
    return { ok: false, reason: 'not UTF-8 text' };
  }
}
