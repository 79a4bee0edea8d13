#!/usr/bin/env node
/** Entry point of the `minidl-experiments` command (see main.ts and --help). */
import { main } from './main.js';

// Ctrl-C: say how to continue. Finished runs and the last epoch checkpoint are already on disk
// (written atomically), so nothing needs flushing; the lock of a dead process is ignored later.
process.once('SIGINT', () => {
  process.stderr.write('\ninterrupted: run the same command again to continue from the last checkpoint\n');
  process.exit(130);
});

process.exitCode = await main(process.argv.slice(2));
