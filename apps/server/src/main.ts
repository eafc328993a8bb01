import { ConfigError, loadConfig } from './config.js';
import { startServer } from './start-server.js';

try {
  await startServer(loadConfig());
} catch (error) {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : String(error instanceof Error ? error.stack : error)}\n`,
  );
  process.exit(1);
}
