import type { CliCommand } from '../command.js';
import { serveCommand } from './serve.js';
import { stdioCommand } from './stdio.js';

/** Every subcommand; later issues append theirs. */
export const commands: readonly CliCommand[] = [serveCommand, stdioCommand];
