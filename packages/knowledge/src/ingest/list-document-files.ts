import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { isDocumentPath } from '../loaders/load-document.js';

export interface DocumentFile {
  absolutePath: string;
  /** Relative to the root, with forward slashes. */
  path: string;
}

/**
 * The document files under a folder (sorted, hidden folders and node_modules skipped), plus how many other
 * files were passed over. A single file is returned as itself, whatever its extension, so it can be reported.
 */
export async function listDocumentFiles(root: string): Promise<{ files: DocumentFile[]; ignored: number }> {
  const info = await stat(root);
  if (!info.isDirectory()) return { files: [{ absolutePath: root, path: root.split(sep).pop() ?? root }], ignored: 0 };
  const files: DocumentFile[] = [];
  let ignored = 0;
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const absolutePath = join(dir, entry.name);
      if (entry.isDirectory()) await walk(absolutePath);
      else if (entry.isFile() && isDocumentPath(entry.name)) {
        files.push({ absolutePath, path: relative(root, absolutePath).split(sep).join('/') });
      } else ignored++;
    }
  };
  await walk(root);
  return { files, ignored };
}
