// The relay: one HTTP server for health, metrics, access checks, the built app and the
// WebSocket sync endpoint. Everything a site needs runs in this one process on one port.
import { randomBytes } from 'node:crypto';
import { UpstreamLinks, type UpstreamOptions } from './upstream/links.js';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { normalizeAddress, parseTrustedProxies } from './http/client-address.js';
import { GroupCommit } from './storage/group-commit.js';
import { createHttpHandler } from './http/http-api.js';
import { AddressCounter, DEFAULT_LIMITS, type RelayLimits } from './access/limits.js';
import { silentLogger, type Logger } from './logger.js';
import { errorMessage } from './protocol/messages.js';
import { WorkerMerger, type UpdateMerger } from './rooms/merger.js';
import { RelayMetrics } from './metrics.js';
import { RoomRegistry } from './rooms/rooms.js';
import { SerialQueue } from './rooms/serial-queue.js';
import { SqliteStorage } from './storage/sqlite/sqlite-storage.js';
import { openSqliteStorage } from './storage/sqlite/sqlite-open.js';
import type { DiskSyncMode } from './storage/sqlite/sqlite-options.js';
import { DEFAULT_MIN_FREE_BYTES, DiskSpace } from './storage/disk-space.js';
import { StorageHealth } from './storage/storage-health.js';
import { isSpaceError, ReadOnlyStorage } from './storage/sqlite/read-only-storage.js';
import type { RoomStorage } from './storage/storage.js';
import { SyncEndpoint } from './http/sync-endpoint.js';
import { lowerHelperThreadPriority } from './thread-priority.js';

export interface RelayOptions extends Partial<RelayLimits> {
	port: number;
	host: string;
	/** Where the SQLite file lives; ignored when `storage` is given. */
	dataDir: string;
	/** The built PWA; without it every page answers that the app is not built. */
	staticDir?: string;
	logger?: Logger;
	/** Another store (e.g. the in-memory twin) instead of SQLite in dataDir. */
	storage?: RoomStorage;
	/** How the SQLite store reaches the disk (default: in the background, acknowledgements waiting for it). */
	diskSync?: DiskSyncMode;
	/** Least time between two background syncs to disk (default 50 ms). */
	diskSyncIntervalMs?: number;
	/** Reverse proxies whose X-Forwarded-For is believed for the per-address limit (default none). */
	trustedProxies?: readonly string[];
	/** Where merges of large rooms run (default: a worker thread). */
	merger?: UpdateMerger;
	/** Delay before an empty room leaves memory (default 30 s). */
	idleUnloadMs?: number;
	/** Keepalive ping period; a socket that missed one pong is dropped (default 30 s). */
	pingIntervalMs?: number;
	/**
	 * Largest send backlog of one socket before it is dropped (default: the largest room
	 * plus one frame, so that a whole room can be on its way to a slow client).
	 */
	maxBufferedBytes?: number;
	/**
	 * The answer to a sync step 1 goes whole up to this size, and beyond it in messages of
	 * about this size (default 1 MiB).
	 */
	syncChunkBytes?: number;
	/** A room's log is folded into a snapshot once it has this many entries (default 500)… */
	compactAfterUpdates?: number;
	/** …or this many bytes (default 8 MiB)… */
	compactAfterBytes?: number;
	/** …when the room has had no update for this long (default 1 s)… */
	compactQuietMs?: number;
	/** …or at the latest this long after it became due (default 10 s). */
	compactMaxWaitMs?: number;
	/** Debounce of type-8 "stored" acknowledgements (default 50 ms). */
	ackDelayMs?: number;
	/** Also export Node process metrics (off in tests: they are process-global). */
	processMetrics?: boolean;
	/** How long close() lets sockets say goodbye before cutting them (default 2 s). */
	closeGraceMs?: number;
	/** A key every claim of a new room must present (default none: anyone may claim). */
	claimKey?: string | null;
	/** A claimed room that stored nothing for this long is deleted (default 24 h; 0 keeps them). */
	unusedRoomExpiryMs?: number;
	/** How often rooms are checked for that (default 10 min). */
	roomSweepIntervalMs?: number;
	/** Time a plain HTTP request has to send its headers (default 10 s)… */
	headersTimeoutMs?: number;
	/** …and to be received whole (default 30 s). WebSockets, once upgraded, are not concerned. */
	requestTimeoutMs?: number;
	/**
	 * Free space on the data directory's disk below which new rooms and updates are refused
	 * (4507 storage-low) while reads go on (default 64 MiB; 0 turns the floor off).
	 */
	minFreeBytes?: number;
	/** A relay to chain rooms to (a site relay's link to one on the internet), and at most how many links at once. */
	upstream?: UpstreamOptions | null;
}

export interface RunningRelay {
	port: number;
	close(): Promise<void>;
	/**
	 * An error nothing else caught (a rejection without a handler, an exception thrown
	 * from an event): logged and counted in relay_errors_total{where}, the relay goes on.
	 */
	unexpected(where: string, error: unknown): void;
}

const MiB = 1024 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Sockets open at once from one address that are not WebSockets (yet): plain requests,
 * and upgrades whose request is still on its way. Beyond the cap a new one is closed at
 * once. The address is the socket's remote end, known before any byte is read; a
 * trusted proxy is not capped, since it carries a whole site's sockets and keeps its own
 * per-client limits. An upgraded socket leaves this count for the WebSocket limits.
 */
function capSocketsPerAddress(
	server: http.Server,
	max: number,
	trustedProxies: ReadonlySet<string>,
	metrics: RelayMetrics
): void {
	if (max <= 0) return;
	const open = new AddressCounter(max);
	const counted = new WeakMap<Duplex, string>();
	const release = (socket: Duplex): void => {
		const address = counted.get(socket);
		if (address === undefined) return;
		counted.delete(socket);
		open.remove(address);
	};
	server.on('connection', (socket: Socket) => {
		const address = normalizeAddress(socket.remoteAddress ?? 'unknown');
		if (trustedProxies.has(address)) return;
		if (!open.hasRoom(address)) {
			metrics.refusals.inc({ reason: 'too-many-http-sockets' });
			socket.destroy();
			return;
		}
		open.add(address);
		counted.set(socket, address);
		socket.once('close', () => release(socket));
	});
	// Listed before the sync endpoint's listener, so the count is right by the time it runs.
	server.prependListener('upgrade', (_req, socket: Duplex) => release(socket));
}

/** Deletes now and then the claimed rooms that never received a byte (see RoomStorage). */
function sweepUnusedRooms(
	storage: RoomStorage,
	rooms: RoomRegistry,
	metrics: RelayMetrics,
	logger: Logger,
	{ expiryMs, intervalMs }: { expiryMs: number; intervalMs: number }
): NodeJS.Timeout | undefined {
	if (expiryMs <= 0) return undefined;
	let running = false;
	const timer = setInterval(() => {
		if (running) return;
		running = true;
		storage
			.deleteUnusedRooms(Date.now() - expiryMs, (roomId) => rooms.get(roomId) !== undefined)
			.then(
				(deleted) => {
					if (deleted.length === 0) return;
					metrics.roomsExpired.inc(deleted.length);
					logger.info({ rooms: deleted.length }, 'unused rooms deleted');
				},
				(error: unknown) => {
					metrics.storageFailures.inc({ operation: 'expire' });
					logger.error({ error: errorMessage(error) }, 'deleting unused rooms failed');
				}
			)
			.finally(() => {
				running = false;
			});
	}, intervalMs);
	timer.unref();
	return timer;
}

/** The limits in effect: the defaults, overridden by whatever `options` sets. */
export function limitsOf(options: Partial<RelayLimits>): RelayLimits {
	const limits = { ...DEFAULT_LIMITS };
	for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof RelayLimits>) {
		const value = options[key];
		if (value !== undefined) limits[key] = value;
	}
	return limits;
}

export async function startRelay(options: RelayOptions): Promise<RunningRelay> {
	const logger = options.logger ?? silentLogger;
	const limits = limitsOf(options);
	let closing = false;
	// The gauges are read only when /metrics is asked, after everything below exists.
	// Made once the rooms exist, below; the gauge reads it only when /metrics is asked.
	let upstream: UpstreamLinks | null = null;
	const metrics: RelayMetrics = new RelayMetrics(
		{ rooms: () => rooms.size, connections: (access) => sync.count(access), upstreamLinks: (state) => upstream?.count(state) ?? 0 },
		{ processMetrics: options.processMetrics }
	);
	const diskSpace = new DiskSpace(options.dataDir, {
		minFreeBytes: options.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES,
		changed(low, freeBytes) {
			if (low) logger.error({ freeBytes, minFreeBytes: options.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES }, 'disk space low: new rooms and updates are refused until space is freed');
			else logger.info({ freeBytes }, 'disk space back above the floor: new rooms and updates are taken again');
		}
	});
	const storageHealth = new StorageHealth(() => diskSpace.isLow());
	let readOnly = false;
	const openStore = (): RoomStorage =>
		openSqliteStorage({
			journalDamaged(damage) {
				storageHealth.journalDamage.push(damage);
				metrics.storageFailures.inc({ operation: 'journal-damage' });
				const skipped = damage.skipped.map((gap) => ({ offset: gap.offset, bytes: gap.bytes }));
				const fields = { file: damage.file, skipped, recordsRead: damage.records, copy: damage.copy };
				if (damage.tornEnd) logger.warn(fields, 'journal: torn end left out (a write the power cut short; never acknowledged)');
				else logger.error(fields, 'journal damaged: unreadable bytes skipped, the batches after them recovered');
			},
			dataDir: options.dataDir,
			diskSync: options.diskSync,
			diskSyncIntervalMs: options.diskSyncIntervalMs,
			diskSyncObserver: {
				synced: (seconds) => metrics.diskSyncSeconds.observe(seconds),
				failed(error) {
					metrics.storageFailures.inc({ operation: 'disk-sync' });
					logger.error({ error: errorMessage(error) }, 'disk sync failed; no update will be acknowledged any more');
				}
			},
			checkpointObserver: {
				checkpointed: (seconds) => metrics.checkpointSeconds.observe(seconds),
				failed(error) {
					metrics.storageFailures.inc({ operation: 'checkpoint' });
					logger.error({ error: errorMessage(error) }, 'store worker failed; folds and checkpoints run on the relay connection again');
				}
			},
			foldObserver: {
				folded: (seconds) => metrics.foldSeconds.observe(seconds),
				failed(error) {
					metrics.storageFailures.inc({ operation: 'fold' });
					logger.error({ error: errorMessage(error) }, 'fold of the journal into SQLite failed; its updates stay in the journal');
				}
			}
		});
	let storage: RoomStorage;
	try {
		storage = options.storage ?? openStore();
	} catch (error) {
		// A full disk: SQLite cannot even open the file for writing. The documents are all
		// there, so the relay serves them, and takes no write until it is restarted with space.
		if (options.storage !== undefined || !isSpaceError(error)) throw error;
		storage = new ReadOnlyStorage(options.dataDir);
		readOnly = true;
		storageHealth.readOnly = true;
		metrics.storageFailures.inc({ operation: 'open' });
		logger.error(
			{ dataDir: options.dataDir, error: errorMessage(error) },
			'disk full at start: the relay runs READ-ONLY (documents are served, new rooms and updates are refused with 4507 storage-low); free space and restart it'
		);
	}
	/** Whether new rooms and growth must wait: read-only, or below the free-space floor. */
	const storageLow = (incomingBytes = 0): boolean => readOnly || diskSpace.isLow(incomingBytes);
	if (storage instanceof SqliteStorage && storage.integrityProblems.length > 0) {
		storageHealth.integrityProblems = storage.integrityProblems;
		metrics.storageFailures.inc({ operation: 'integrity-check' });
		logger.error(
			{ problems: storage.integrityProblems.slice(0, 10) },
			'database damaged (PRAGMA quick_check): rooms may fail to load; restore a backup or export what loads'
		);
	}
	const merger = options.merger ?? new WorkerMerger().prepare();
	const commits = new GroupCommit(storage, {
		committed(updates, seconds, waits) {
			metrics.commitSeconds.observe(seconds);
			metrics.updatesPersisted.inc(updates);
			for (const wait of waits) metrics.persistSeconds.observe(wait);
		},
		failed(updates, error) {
			metrics.storageFailures.inc({ operation: 'append' });
			logger.error({ updates, error: errorMessage(error) }, 'commit failed; none of its updates is stored');
		}
	});
	const rooms: RoomRegistry = new RoomRegistry(
		{
			storage,
			merger,
			commits,
			metrics,
			logger,
			maxRoomBytes: limits.maxRoomBytes,
			syncChunkBytes: options.syncChunkBytes ?? MiB,
			compactAfterUpdates: options.compactAfterUpdates ?? 500,
			compactAfterBytes: options.compactAfterBytes ?? 8 * MiB,
			compactQuietMs: options.compactQuietMs ?? 1000,
			compactMaxWaitMs: options.compactMaxWaitMs ?? 10_000,
			compactions: new SerialQueue(),
			roomLoaded: (roomId, error) => storageHealth.roomLoaded(roomId, error),
			storageLow
		},
		options.idleUnloadMs ?? 30_000,
		limits.maxLoadedRooms
	);
	// This relay's id for this run: a link that comes back to it (a loop onto itself) is refused.
	const relayId = randomBytes(16).toString('base64url');
	const trustedProxies = parseTrustedProxies((options.trustedProxies ?? []).join(','));
	// What a socket is held to, a client's or an upstream link's alike.
	const ackDelayMs = options.ackDelayMs ?? 50;
	const maxBufferedBytes = options.maxBufferedBytes ?? limits.maxRoomBytes + limits.maxPayloadBytes;
	const sync: SyncEndpoint = new SyncEndpoint(
		{ storage, registry: rooms, metrics, logger, isClosing: () => closing, storageLow: () => storageLow() },
		{ limits, ackDelayMs, trustedProxies, maxBufferedBytes, pingIntervalMs: options.pingIntervalMs ?? 30_000, claimKey: options.claimKey || null, relayId }
	);
	const connection = { ackDelayMs, synced: () => storage.synced(), maxBufferedBytes, messagesPerSecond: limits.messagesPerSecond, messageBurst: limits.messageBurst };
	upstream = options.upstream ? new UpstreamLinks(options.dataDir, options.upstream, { registry: rooms, metrics, logger, relayId, connection }) : null;

	const headersTimeout = options.headersTimeoutMs ?? 10_000;
	const server = http.createServer(
		// Node looks for overdue requests this often (by default every 30 s, which would
		// triple the headers timeout).
		{ connectionsCheckingInterval: Math.max(100, Math.min(5000, Math.floor(headersTimeout / 2))) },
		createHttpHandler({
			storage,
			registry: rooms,
			metrics,
			logger,
			staticDir: options.staticDir,
			connectionCount: () => sync.connections.size,
			isClosing: () => closing,
			storageReport: () => storageHealth.report(),
			upstream
		})
	);
	server.on('upgrade', (req, socket, head) => sync.handleUpgrade(req, socket, head));
	// A slow or silent client holds a socket and its buffers: plain requests get a short
	// time to arrive. (An upgraded socket leaves the HTTP server's timers behind.)
	server.headersTimeout = headersTimeout;
	server.requestTimeout = options.requestTimeoutMs ?? 30_000;
	capSocketsPerAddress(server, limits.maxHttpSocketsPerAddress, trustedProxies, metrics);

	const sweep = sweepUnusedRooms(storage, rooms, metrics, logger, {
		expiryMs: options.unusedRoomExpiryMs ?? DAY_MS,
		intervalMs: options.roomSweepIntervalMs ?? 10 * 60_000
	});

	// libuv's thread pool starts with its first task: one now, so that its threads exist
	// to be lowered with V8's (see thread-priority.ts).
	await fs.promises.access('.').catch(() => {});
	lowerHelperThreadPriority();

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port, options.host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	server.on('error', (error) => logger.error({ error: error.message }, 'server error'));
	const port = (server.address() as AddressInfo).port;
	upstream?.start();

	async function close(): Promise<void> {
		if (closing) return;
		closing = true;
		clearInterval(sweep);
		const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
		server.closeIdleConnections();
		upstream?.stopAll();
		await sync.closeAll(options.closeGraceMs ?? 2000);
		server.closeAllConnections();
		// Everything received has been stored before this resolves.
		await rooms.closeAll();
		await commits.idle();
		await merger.close();
		await storage.close();
		await serverClosed;
	}

	function unexpected(where: string, error: unknown): void {
		metrics.errors.inc({ where });
		logger.error({ where, error: errorMessage(error), stack: error instanceof Error ? error.stack : undefined }, 'unexpected error');
	}

	return { port, close, unexpected };
}
