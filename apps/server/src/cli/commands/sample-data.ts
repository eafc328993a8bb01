import { createSampleDatabase } from '@airflow-mcp/pipeline';
import { join, resolve } from 'node:path';
import type { CliCommand } from '../command.js';

export const sampleDataCommand: CliCommand = {
  name: 'sample-data',
  summary: 'write the demo SQLite database (events: 2,000 rows, users: 200) into a folder',
  usage: 'airflow-mcp sample-data <dir>    writes <dir>/sample.db, replacing an existing one',
  async run(args, io) {
    const dir = args[0];
    if (!dir || dir.startsWith('-')) {
      io.stderr.write(`usage: ${this.usage}\n`);
      return 2;
    }
    const result = createSampleDatabase(join(resolve(dir), 'sample.db'));
    io.stdout.write(
      `wrote ${result.path}: ${result.tables.map((t) => `${t.name} (${t.rows.toLocaleString('en-US')} rows)`).join(', ')}\n`,
    );
    return 0;
  },
};
