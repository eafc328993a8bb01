import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';

/** How a hostile input enters: a caller spec (create_dag `spec`), a plain-language request, or an update_dag change. */
export type Entry = 'spec' | 'request' | 'update';

/** Something a run must not leave behind. `prepare` takes the "before" picture; `check` names what landed, if anything. */
export interface Landing {
  what: string;
  prepare?(): Promise<void>;
  check(): Promise<string | undefined>;
}

/**
 * One run-time attack: deployed and run through the real Airflow over MCP unless refused first. Outcome asserted:
 * refused before deploy with a clear error, or run with nothing in `landings` landed, no task running longer than
 * `maxTaskSeconds`.
 */
export interface RuntimeCase {
  id: string;
  attack: string;
  engine: string;
  entry: Entry;
  /** spec: the tasks (and dependencies between them) planted in a batch DAG; ids are renamed to stay unique. */
  tasks?: Record<string, unknown>[];
  dependencies?: [string, string][];
  /** request: a create_dag task_description; update: an update_dag change_request on the group's base DAG. */
  text?: string;
  /** Nothing observable could land (a SET, an INSTALL): refusal before deploy is the only safe outcome. */
  mustRefuse?: string;
  maxTaskSeconds?: number;
  landings: Landing[];
}

export type RuntimeCaseInput = Omit<RuntimeCase, 'id' | 'landings'> & { landings?: Landing[] };

/** A file (or folder, or symlink) that must never appear. */
export function noFile(path: string): Landing {
  return {
    what: `no file at ${path}`,
    check: async () => {
      try {
        lstatSync(path);
        return `${path} was created`;
      } catch {
        return undefined;
      }
    },
  };
}

/** A value read before the runs and after them must be the same (a table's rows, a file's bytes, a setting). */
export function unchanged(what: string, read: () => Promise<string>): Landing {
  let before: string | undefined;
  return {
    what: `${what} unchanged`,
    prepare: async () => {
      before = await read();
    },
    check: async () => {
      const after = await read();
      return after === before ? undefined : `${what} changed: ${before} -> ${after}`;
    },
  };
}

/** A file's (or a folder's, recursively) bytes, as a short fingerprint; "absent" when it does not exist. */
export function fingerprint(path: string): string {
  if (!existsSync(path)) return 'absent';
  const hash = createHash('sha256');
  const walk = (p: string) => {
    const stat = lstatSync(p);
    if (stat.isDirectory()) for (const name of readdirSync(p).sort()) walk(`${p}/${name}`);
    else if (stat.isFile()) hash.update(p).update(readFileSync(p));
    else hash.update(`${p}:${stat.mode}`);
  };
  walk(path);
  return hash.digest('hex').slice(0, 16);
}
