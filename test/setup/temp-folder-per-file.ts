import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

// Every test file makes its temporary folders (mkdtemp under os.tmpdir(), Python checkers' scratch folders, the
// processes it starts) inside one folder of its own, removed when the file is done: a run of the suites used to leave
// some 200 folders in /tmp. os.tmpdir() reads TMPDIR at each call; child processes inherit it.
const before = process.env['TMPDIR'];
const folder = mkdtempSync(join(tmpdir(), 'airflow-mcp-tests-'));
process.env['TMPDIR'] = folder;

afterAll(() => {
  if (before === undefined) delete process.env['TMPDIR'];
  else process.env['TMPDIR'] = before;
  rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
});
