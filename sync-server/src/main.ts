// Entry point: configuration from the environment, then the relay until a signal.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from './logger.js';
import { errorMessage } from './messages.js';
import { startRelay } from './relay.js';

const here = path.dirname(fileURLToPath(import.meta.url));

function portFrom(value: string | undefined): number {
	if (value === undefined || value === '') return 8080;
	const port = Number(value);
	if (!Number.isInteger(port) || port < 0 || port > 65535) {
		throw new Error(`PORT must be an integer between 0 and 65535, got "${value}"`);
	}
	return port;
}

async function main(): Promise<void> {
	const logger = createLogger();
	const host = process.env['HOST'] || '0.0.0.0';
	const dataDir = path.resolve(process.env['DATA_DIR'] || './data');
	// Compiled to sync-server/dist/main.js; the app build sits at the repository root.
	const staticDir = path.resolve(process.env['STATIC_DIR'] || path.resolve(here, '../../build'));
	const relay = await startRelay({
		port: portFrom(process.env['PORT']),
		host,
		dataDir,
		staticDir,
		logger,
		processMetrics: true
	});
	logger.info({ host, port: relay.port, dataDir, staticDir }, 'relay listening');

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
