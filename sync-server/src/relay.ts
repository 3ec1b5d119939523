// The relay: one HTTP server for health, metrics, the built app and the WebSocket sync
// endpoint. Everything a site needs runs in this one process on one port.
import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
	CLOSE_GOING_AWAY,
	CLOSE_UNSUPPORTED_DATA,
	Connection
} from './connection.js';
import { silentLogger, type Logger } from './logger.js';
import { errorMessage } from './messages.js';
import { RelayMetrics } from './metrics.js';
import { RoomRegistry } from './rooms.js';
import type { Room } from './room.js';
import { SqliteStorage, type SynchronousMode } from './sqlite-storage.js';
import { createStaticHandler } from './static-files.js';
import type { RoomStorage } from './storage.js';
import { parseSyncRequest, refuseUpgrade } from './sync-request.js';
import { hashToken, sameHash } from './token.js';

export interface RelayOptions {
	port: number;
	host: string;
	/** Where the SQLite file lives; ignored when `storage` is given. */
	dataDir: string;
	/** The built PWA; without it every page answers that the app is not built. */
	staticDir?: string;
	logger?: Logger;
	/** Another store (e.g. the in-memory twin) instead of SQLite in dataDir. */
	storage?: RoomStorage;
	synchronous?: SynchronousMode;
	/** Delay before an empty room leaves memory (default 30 s). */
	idleUnloadMs?: number;
	/** Keepalive ping period; a socket that missed one pong is dropped (default 30 s). */
	pingIntervalMs?: number;
	/** Largest accepted frame (default 16 MiB). */
	maxPayloadBytes?: number;
	/** Largest send backlog of one socket before it is dropped (default 64 MiB). */
	maxBufferedBytes?: number;
	compactAfterUpdates?: number;
	compactAfterBytes?: number;
	/** Debounce of type-8 "stored" acknowledgements (default 50 ms). */
	ackDelayMs?: number;
	/** Also export Node process metrics (off in tests: they are process-global). */
	processMetrics?: boolean;
	/** How long close() lets sockets say goodbye before cutting them (default 2 s). */
	closeGraceMs?: number;
}

export interface RunningRelay {
	port: number;
	close(): Promise<void>;
}

const MiB = 1024 * 1024;

export async function startRelay(options: RelayOptions): Promise<RunningRelay> {
	const logger = options.logger ?? silentLogger;
	const storage = options.storage ?? new SqliteStorage({ dataDir: options.dataDir, synchronous: options.synchronous });
	const connections = new Set<Connection>();
	let rooms: RoomRegistry | null = null;
	const metrics = new RelayMetrics(
		{ rooms: () => rooms?.size ?? 0, connections: () => connections.size },
		{ processMetrics: options.processMetrics }
	);
	rooms = new RoomRegistry(
		{
			storage,
			metrics,
			logger,
			compactAfterUpdates: options.compactAfterUpdates ?? 500,
			compactAfterBytes: options.compactAfterBytes ?? 8 * MiB
		},
		options.idleUnloadMs ?? 30_000
	);
	const registry = rooms;
	const serveStatic = options.staticDir === undefined ? null : createStaticHandler(options.staticDir);
	const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes ?? 16 * MiB });
	let closing = false;

	const server = http.createServer((req, res) => {
		handleHttp(req, res).catch((error: unknown) => {
			logger.error({ path: pathOf(req), error: errorMessage(error) }, 'http handler failed');
			if (!res.headersSent) res.writeHead(500);
			res.end();
		});
	});

	async function handleHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const path = pathOf(req);
		if (path === '/healthz') {
			const writable = await storage.isWritable();
			const body = JSON.stringify({
				status: writable ? 'ok' : 'storage-unwritable',
				rooms: registry.size,
				connections: connections.size
			});
			res.writeHead(writable ? 200 : 503, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
			res.end(body);
			return;
		}
		if (path === '/metrics') {
			const text = await metrics.registry.metrics();
			res.writeHead(200, { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' });
			res.end(text);
			return;
		}
		if (serveStatic === null) {
			res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
			res.end('This relay serves no app.\n');
			return;
		}
		serveStatic(req, res, path);
	}

	server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
		// A socket error before the upgrade completes must not crash the process.
		socket.on('error', (error) => logger.debug({ error: error.message }, 'upgrade socket error'));
		handleUpgrade(req, socket, head).catch((error: unknown) => {
			logger.error({ error: errorMessage(error) }, 'upgrade failed');
			refuseUpgrade(socket, 500, 'Internal error.');
		});
	});

	function refuse(socket: Duplex, status: number, reason: string, roomId: string | null): void {
		metrics.upgradesRefused.inc({ reason });
		// The room id, never the URL: the query string carries the token.
		logger.info({ room: roomId, status, reason }, 'upgrade refused');
		refuseUpgrade(socket, status, reason);
	}

	async function handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
		if (closing) return refuse(socket, 503, 'shutting-down', null);
		const request = parseSyncRequest(req.url ?? '/');
		if (!request.ok) return refuse(socket, request.status, request.reason, null);
		const tokenHash = hashToken(request.token);
		let access;
		try {
			access = await storage.claimRoom(request.roomId, tokenHash);
		} catch (error) {
			metrics.storageFailures.inc({ operation: 'claim' });
			logger.error({ room: request.roomId, error: errorMessage(error) }, 'room claim failed');
			return refuse(socket, 503, 'storage-unavailable', request.roomId);
		}
		if (!sameHash(access.tokenHash, tokenHash)) {
			return refuse(socket, 403, 'wrong-token', request.roomId);
		}
		if (closing || socket.destroyed) return;
		wss.handleUpgrade(req, socket, head, (ws) => accept(ws, request.roomId, request.wantsAck));
	}

	function accept(ws: WebSocket, roomId: string, wantsAck: boolean): void {
		const connection = new Connection(
			ws,
			{
				wantsAck,
				ackDelayMs: options.ackDelayMs ?? 50,
				maxBufferedBytes: options.maxBufferedBytes ?? 64 * MiB
			},
			metrics
		);
		connections.add(connection);
		ws.on('error', (error) => {
			logger.warn({ room: roomId, connection: connection.id, error: error.message }, 'socket error');
		});
		ws.on('pong', () => {
			connection.alive = true;
		});
		let room: Room | null = null;
		ws.on('message', (data: RawData, isBinary: boolean) => {
			const frame = toBytes(data);
			metrics.bytesIn.inc(frame.byteLength);
			if (!isBinary) {
				connection.rejected = true;
				metrics.framesRejected.inc({ reason: 'text frame' });
				logger.warn({ room: roomId, connection: connection.id }, 'text frame refused');
				connection.close(CLOSE_UNSUPPORTED_DATA, 'binary frames only');
				return;
			}
			room?.receive(connection, frame);
		});
		ws.on('close', (code: number) => {
			connections.delete(connection);
			if (room !== null) registry.leave(room, connection);
			logger.debug({ room: roomId, connection: connection.id, code }, 'connection closed');
		});
		room = registry.join(roomId, connection);
		logger.debug({ room: roomId, connection: connection.id, ack: wantsAck }, 'connection opened');
	}

	const keepalive = setInterval(() => {
		for (const connection of connections) {
			if (!connection.alive) {
				logger.debug({ connection: connection.id }, 'no pong, dropping socket');
				connection.socket.terminate();
				continue;
			}
			connection.alive = false;
			connection.socket.ping();
		}
	}, options.pingIntervalMs ?? 30_000);
	keepalive.unref();

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port, options.host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	server.on('error', (error) => logger.error({ error: error.message }, 'server error'));
	const port = (server.address() as AddressInfo).port;

	async function close(): Promise<void> {
		if (closing) return;
		closing = true;
		clearInterval(keepalive);
		const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
		server.closeIdleConnections();
		const sockets = [...connections].map((connection) => connection.socket);
		const gone = Promise.all(
			sockets.map((socket) => new Promise<void>((resolve) => socket.once('close', () => resolve())))
		);
		for (const connection of connections) connection.close(CLOSE_GOING_AWAY, 'relay shutting down');
		const grace = new Promise<void>((resolve) => setTimeout(resolve, options.closeGraceMs ?? 2000).unref());
		await Promise.race([gone, grace]);
		for (const socket of sockets) socket.terminate();
		server.closeAllConnections();
		// Everything received has been stored before this resolves.
		await registry.closeAll();
		wss.close();
		await storage.close();
		await serverClosed;
	}

	return { port, close };
}

function pathOf(req: http.IncomingMessage): string {
	const target = req.url ?? '/';
	const queryStart = target.indexOf('?');
	return queryStart === -1 ? target : target.slice(0, queryStart);
}

function toBytes(data: RawData): Uint8Array {
	if (Array.isArray(data)) return Buffer.concat(data);
	if (data instanceof ArrayBuffer) return new Uint8Array(data);
	return data;
}
