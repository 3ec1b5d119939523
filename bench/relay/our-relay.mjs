// Our relay as sync-server/dist/main.js runs it (configuration from the same environment
// variables, SQLite persistence in DATA_DIR, JSON logs), with one difference: the delay
// before an idle room leaves memory comes from BENCH_IDLE_UNLOAD_MS, which main.js does
// not read, so the memory figure does not have to wait out the 30 s default.
// BENCH_RELAY_DIST may point at another build of the relay (say, the last commit's, to
// compare a change against it).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const appRoot = fileURLToPath(new URL('../../', import.meta.url));
const dist = path.resolve(process.env.BENCH_RELAY_DIST || path.join(appRoot, 'sync-server/dist'));
const load = (file) => import(pathToFileURL(path.join(dist, file)).href);
const { createLogger } = await load('logger.js');
const { startRelay } = await load('relay.js');

// Builds that have config.js read the environment there, as main.js does; older ones
// took only these variables.
const config = existsSync(path.join(dist, 'config.js'))
	? (await load('config.js')).configFromEnv(process.env, appRoot)
	: {
			port: Number(process.env.PORT),
			host: process.env.HOST,
			dataDir: path.resolve(process.env.DATA_DIR),
			staticDir: path.resolve(process.env.STATIC_DIR)
		};
const relay = await startRelay({
	...config,
	logger: createLogger(),
	processMetrics: true,
	idleUnloadMs: Number(process.env.BENCH_IDLE_UNLOAD_MS ?? 30_000),
	// To compare with a sync inside every commit; the default (background) is deployed.
	...(process.env.BENCH_DISK_SYNC ? { diskSync: process.env.BENCH_DISK_SYNC } : {})
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
