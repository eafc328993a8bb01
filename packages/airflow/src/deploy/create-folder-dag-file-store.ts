import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { dagFilePath } from './dag-file-path.js';
import type { DagFileStore } from './dag-file-store.js';
import { dagWriteError } from './dag-write-error.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** DAG files in a folder Airflow reads (DAGS_DIR): written atomically, never half-written. */
export function createFolderDagFileStore(dagsDir: string): DagFileStore {
  const read = (dagId: string) => readFile(dagFilePath(dagsDir, dagId), 'utf8').catch(() => undefined);
  return {
    locate(dagId) {
      const file = dagFilePath(dagsDir, dagId);
      return { file, relativeFile: basename(file) };
    },
    read,
    async write(dagId, source) {
      const path = dagFilePath(dagsDir, dagId);
      const relativeFile = basename(path);
      const hadPrevious = (await read(dagId)) !== undefined;
      try {
        await mkdir(dagsDir, { recursive: true });
        // Temp files of this DAG left by a process killed mid-write (they never end in .py, Airflow ignores them).
        for (const stale of (await readdir(dagsDir)).filter(
          (f) => f.startsWith(`.${relativeFile}.`) && f.endsWith('.tmp'),
        )) {
          await rm(join(dagsDir, stale), { force: true });
        }
        await writeFileAtomic(path, source);
      } catch (error) {
        // writeFileAtomic has removed its partial temp file, so a full disk gets its space back.
        throw dagWriteError({ error, file: relativeFile, dagsDir, hadPrevious });
      }
    },
    async remove(dagId) {
      await rm(dagFilePath(dagsDir, dagId), { force: true });
    },
  };
}
