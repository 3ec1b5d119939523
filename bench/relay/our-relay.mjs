// Our relay as sync-server/dist/main.js runs it (same options, SQLite persistence in
// DATA_DIR, JSON logs), with one difference: the delay before an idle room leaves memory
// comes from BENCH_IDLE_UNLOAD_MS, which main.js does not read, so the memory figure does
// not have to wait out the 30 s default.
import { createLogger } from '../../sync-server/dist/logger.js';
import { startRelay } from '../../sync-server/dist/relay.js';

const logger = createLogger();
const relay = await startRelay({
	port: Number(process.env.PORT),
	host: process.env.HOST ?? '127.0.0.1',
	dataDir: process.env.DATA_DIR,
	staticDir: process.env.STATIC_DIR,
	logger,
	processMetrics: true,
	idleUnloadMs: Number(process.env.BENCH_IDLE_UNLOAD_MS ?? 30_000)
});

let stopping = false;
const stop = () => {
	if (stopping) return;
	stopping = true;
	relay.close().then(
		() => process.exit(0),
		() => process.exit(1)
	);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
