import type { CliCommand } from '../command.js';
import { createCommand } from './create.js';
import { feedbackCommand } from './feedback.js';
import { ingestCommand } from './ingest.js';
import { sampleDataCommand } from './sample-data.js';
import { searchCommand } from './search.js';
import { serveCommand } from './serve.js';
import { statusCommand } from './status.js';
import { stdioCommand } from './stdio.js';

/** Every subcommand; later issues append theirs. */
export const commands: readonly CliCommand[] = [
  serveCommand,
  stdioCommand,
  createCommand,
  statusCommand,
  ingestCommand,
  searchCommand,
  feedbackCommand,
  sampleDataCommand,
];
