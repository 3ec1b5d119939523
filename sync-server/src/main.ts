// Entry point: configuration from the environment, then the relay until a signal.
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configFromEnv } from './config.js';
import { openAddresses } from './addresses.js';
import { createLogger } from './logger.js';
import { errorMessage } from './protocol/messages.js';
import { startRelay } from './relay.js';

// Compiled to sync-server/dist/main.js; the app build sits at the repository root.
const appRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function main(): Promise<void> {
	const logger = createLogger();
	// One socket's failure must never stop the relay for everyone: whatever escapes every
	// handler is logged and counted (relay_errors_total{where}) once the relay runs, and
	// the process goes on. Its stores are transactional, and every update is on disk
	// before anyone hears of it, so going on loses nothing that was acknowledged.
	let report = (where: string, error: unknown): void => {
		logger.error({ where, error: errorMessage(error) }, 'unexpected error');
	};
	process.on('unhandledRejection', (reason) => report('unhandled-rejection', reason));
	process.on('uncaughtException', (error) => report('uncaught-exception', error));
	const config = configFromEnv(process.env, appRoot);
	const relay = await startRelay({ ...config, logger, processMetrics: true });
	report = relay.unexpected;
	// The port actually bound: PORT=0 picks a free one (tests read it from this line).
	// The claim key is a secret: whether one is set, never its value.
	logger.info({ ...config, claimKey: config.claimKey === null ? 'none' : 'set', port: relay.port }, 'relay listening');
	// What to open in a browser, said plainly: the first line a person starting it looks for.
	const urls = openAddresses(config.host, relay.port, networkInterfaces());
	logger.info({ urls }, `Passerelle: ${urls.join(' · ')}`);

	let stopping = false;
	const stop = (signal: string): void => {
		if (stopping) return;
		stopping = true;
		logger.info({ signal }, 'relay stopping');
		relay.close().then(
			() => {
				logger.info({}, 'relay stopped');
				process.exit(0);
			},
			(error: unknown) => {
				logger.error({ error: errorMessage(error) }, 'relay did not stop cleanly');
				process.exit(1);
			}
		);
	};
	process.on('SIGTERM', () => stop('SIGTERM'));
	process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
	process.stderr.write(`relay failed to start: ${errorMessage(error)}\n`);
	process.exit(1);
});
