// The WebSocket endpoint /sync/<roomId>: deciding an upgrade, enforcing the connection
// limits, and wiring each accepted socket to its room.
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { admit, decideClaim, parentRoomId, SUB_ROOM_TOKEN_HASH, type AccessLevel, type Admission } from '../access/access.js';
import { clientAddress } from './client-address.js';
import {
	CLOSE_CLAIM_KEY_REQUIRED,
	CLOSE_CLAIM_REFUSED,
	CLOSE_GOING_AWAY,
	CLOSE_MESSAGE_TOO_BIG,
	CLOSE_RATE_LIMITED,
	CLOSE_RELAY_BUSY,
	CLOSE_STORAGE_LOW,
	CLOSE_UNSUPPORTED_DATA,
	SYNC_PROTOCOL
} from '../protocol/wire.js';
import { Connection } from '../rooms/connection.js';
import { AddressCounter, AddressRate, addressBlock, type RelayLimits } from '../access/limits.js';
import type { Logger } from '../logger.js';
import { errorMessage } from '../protocol/messages.js';
import type { RelayMetrics } from '../metrics.js';
import type { RoomRegistry } from '../rooms/rooms.js';
import type { Room } from '../rooms/room.js';
import type { RoomStorage } from '../storage/storage.js';
import { parseSyncRequest, refuseUpgrade, type SyncCredentials } from './sync-request.js';
import { RELAY_ID_HEADER } from '../upstream/link.js';

export interface SyncEndpointOptions {
	limits: RelayLimits;
	ackDelayMs: number;
	/** Proxies whose X-Forwarded-For names the client, for the per-address limit. */
	trustedProxies: ReadonlySet<string>;
	maxBufferedBytes: number;
	pingIntervalMs: number;
	/** The key a claim must present (CLAIM_KEY), or null when anyone may claim. */
	claimKey: string | null;
	/** This relay's id for this run: an upgrade carrying it is one of its own links come back. */
	relayId?: string;
}

export interface SyncEndpointDeps {
	storage: RoomStorage;
	registry: RoomRegistry;
	metrics: RelayMetrics;
	logger: Logger;
	isClosing(): boolean;
	/** Whether the disk is below its free-space floor: then no new room is claimed (4507). */
	storageLow?(): boolean;
}

export class SyncEndpoint {
	readonly connections = new Set<Connection>();
	readonly #wss: WebSocketServer;
	readonly #addresses: AddressCounter;
	readonly #newRooms: AddressRate;
	readonly #keepalive: NodeJS.Timeout;

	constructor(
		private readonly deps: SyncEndpointDeps,
		private readonly options: SyncEndpointOptions
	) {
		this.#wss = new WebSocketServer({
			noServer: true,
			maxPayload: options.limits.maxPayloadBytes,
			// A client carrying its credentials in the header is answered the protocol it
			// offered; every other offer is left unanswered (old clients offer none).
			handleProtocols: (offered) => (offered.has(SYNC_PROTOCOL) ? SYNC_PROTOCOL : false)
		});
		this.#addresses = new AddressCounter(options.limits.maxConnectionsPerAddress);
		this.#newRooms = new AddressRate(options.limits.maxNewRoomsPerAddress, HOUR_MS);
		this.#keepalive = setInterval(() => this.#ping(), options.pingIntervalMs);
		this.#keepalive.unref();
	}

	count(access: AccessLevel): number {
		let count = 0;
		for (const connection of this.connections) if (connection.access === access) count += 1;
		return count;
	}

	handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
		// A socket error before the upgrade completes must not crash the process.
		socket.on('error', (error) => this.deps.logger.debug({ error: error.message }, 'upgrade socket error'));
		this.#upgrade(req, socket, head).catch((error: unknown) => {
			this.deps.metrics.errors.inc({ where: 'upgrade' });
			this.deps.logger.error({ error: errorMessage(error) }, 'upgrade failed');
			refuseUpgrade(socket, 500, 'Internal error.');
		});
	}

	/** Says goodbye (1001) to every socket and resolves once they are gone or `graceMs` passed. */
	async closeAll(graceMs: number): Promise<void> {
		clearInterval(this.#keepalive);
		const sockets = [...this.connections].map((connection) => connection.socket);
		const gone = Promise.all(
			sockets.map((socket) => new Promise<void>((resolve) => socket.once('close', () => resolve())))
		);
		for (const connection of this.connections) connection.close(CLOSE_GOING_AWAY, 'relay shutting down');
		const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
		await Promise.race([gone, grace]);
		for (const socket of sockets) socket.terminate();
		this.#wss.close();
	}

	#refuseUpgrade(socket: Duplex, status: number, reason: string, roomId: string | null): void {
		this.deps.metrics.upgradesRefused.inc({ reason });
		// The room id, never the URL: the query string carries the token.
		this.deps.logger.info({ room: roomId, status, reason }, 'upgrade refused');
		refuseUpgrade(socket, status, reason);
	}

	/**
	 * Completes the upgrade only to close at once with a code the stock client understands
	 * (an HTTP refusal reaches a browser as a bare 1006, and it would retry forever).
	 */
	#acceptAndClose(
		req: http.IncomingMessage,
		socket: Duplex,
		head: Buffer,
		code: number,
		reason: string,
		roomId: string
	): void {
		this.deps.metrics.refusals.inc({ reason });
		this.deps.logger.warn({ room: roomId, reason, code }, 'connection refused');
		this.#wss.handleUpgrade(req, socket, head, (ws) => {
			ws.on('error', () => {});
			ws.close(code, reason);
		});
	}

	async #upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
		const { storage } = this.deps;
		if (this.deps.isClosing()) return this.#refuseUpgrade(socket, 503, 'shutting-down', null);
		if (this.options.relayId !== undefined && req.headers[RELAY_ID_HEADER] === this.options.relayId) {
			// UPSTREAM names this relay itself: refused, rather than echoing every update to itself.
			return this.#refuseUpgrade(socket, 508, 'loop', null);
		}
		const request = parseSyncRequest(req.url ?? '/', { protocols: req.headers['sec-websocket-protocol'] });
		if (!request.ok) return this.#refuseUpgrade(socket, request.status, request.reason, null);
		const address = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], this.options.trustedProxies);
		if (!this.#addresses.hasRoom(address)) {
			// Before any storage work: a flood from one address costs nothing more.
			return this.#acceptAndClose(req, socket, head, CLOSE_RATE_LIMITED, 'too-many-connections', request.roomId);
		}
		const parent = parentRoomId(request.roomId);
		if (parent !== null) return this.#upgradeSubRoom(req, socket, head, request, parent, address);
		let admission;
		try {
			let access = await storage.roomAccess(request.roomId);
			if (access === null) {
				// Nothing is created before the claim is judged allowed: a refusal stores nothing.
				const decision = decideClaim(request.roomId, request, this.options.claimKey);
				if (!decision.ok) {
					const code = decision.reason === 'claim-key-required' ? CLOSE_CLAIM_KEY_REQUIRED : CLOSE_CLAIM_REFUSED;
					return this.#acceptAndClose(req, socket, head, code, decision.reason, request.roomId);
				}
				if (this.deps.storageLow?.() === true) {
					return this.#acceptAndClose(req, socket, head, CLOSE_STORAGE_LOW, 'storage-low', request.roomId);
				}
				if (!this.#newRooms.take(addressBlock(address))) {
					return this.#acceptAndClose(req, socket, head, CLOSE_RATE_LIMITED, 'too-many-new-rooms', request.roomId);
				}
				const { tokenHash, readonlyTokenHash, recoveryHash } = decision.claim;
				// Of two claims racing, the first one stays; the second is judged by its tokens.
				access = await storage.claimRoom(request.roomId, tokenHash, readonlyTokenHash, recoveryHash);
				this.deps.logger.info({ room: request.roomId, recoverable: recoveryHash !== null }, 'room claimed');
			}
			admission = await admit(storage, request.roomId, access, request.token, request.readToken);
		} catch (error) {
			return this.#storageFailed(socket, request.roomId, error);
		}
		this.#admitUpgrade(req, socket, head, request, address, admission);
	}

	/**
	 * A sub-room is entered with its parent's tokens, as member or reader, and never claimed:
	 * before its parent is, it is refused like a claim would be. Its storage row is made on
	 * first entry, holding no token of its own.
	 */
	async #upgradeSubRoom(
		req: http.IncomingMessage,
		socket: Duplex,
		head: Buffer,
		request: SyncCredentials & { roomId: string },
		parent: string,
		address: string
	): Promise<void> {
		const { storage } = this.deps;
		let admission;
		try {
			const access = await storage.roomAccess(parent);
			if (access === null) {
				return this.#acceptAndClose(req, socket, head, CLOSE_CLAIM_REFUSED, 'parent-unclaimed', request.roomId);
			}
			admission = await admit(storage, parent, access, request.token, request.readToken);
			if (admission.ok && (await storage.roomAccess(request.roomId)) === null) {
				if (this.deps.storageLow?.() === true) {
					return this.#acceptAndClose(req, socket, head, CLOSE_STORAGE_LOW, 'storage-low', request.roomId);
				}
				await storage.claimRoom(request.roomId, SUB_ROOM_TOKEN_HASH, null, null);
				this.deps.logger.info({ room: request.roomId }, 'sub-room opened');
				// Judged again on the record as it is now, right before the accept below.
				const now = await storage.roomAccess(parent);
				if (now === null) return this.#refuseUpgrade(socket, 403, 'wrong-token', request.roomId);
				admission = await admit(storage, parent, now, request.token, request.readToken);
			}
		} catch (error) {
			return this.#storageFailed(socket, request.roomId, error);
		}
		// As for a room: no I/O between the parent's access check and the accept.
		this.#admitUpgrade(req, socket, head, request, address, admission);
	}

	/**
	 * Accepts the upgrade as `admission` says, or refuses it. Called with no I/O between the
	 * access check and here (SQLite), so a rotation cannot slip in and leave an old token open.
	 */
	#admitUpgrade(
		req: http.IncomingMessage,
		socket: Duplex,
		head: Buffer,
		request: SyncCredentials & { roomId: string },
		address: string,
		admission: Admission
	): void {
		if (!admission.ok) return this.#refuseUpgrade(socket, admission.status, admission.reason, request.roomId);
		if (this.deps.isClosing() || socket.destroyed) return;
		this.#wss.handleUpgrade(req, socket, head, (ws) => {
			this.#accept(ws, socket, request.roomId, {
				access: admission.level,
				tokenHash: admission.tokenHash,
				address,
				wantsAck: request.wantsAck
			});
		});
	}

	#storageFailed(socket: Duplex, roomId: string, error: unknown): void {
		this.deps.metrics.storageFailures.inc({ operation: 'claim' });
		this.deps.logger.error({ room: roomId, error: errorMessage(error) }, 'room claim failed');
		this.#refuseUpgrade(socket, 503, 'storage-unavailable', roomId);
	}

	#accept(
		ws: WebSocket,
		/** The network socket under `ws`: what it writes goes through this one. */
		raw: Duplex,
		roomId: string,
		who: { access: AccessLevel; tokenHash: string; address: string; wantsAck: boolean }
	): void {
		const { logger, metrics, registry } = this.deps;
		const { limits } = this.options;
		const connection = new Connection(
			ws,
			raw,
			{
				...who,
				ackDelayMs: this.options.ackDelayMs,
				synced: () => this.deps.storage.synced(),
				maxBufferedBytes: this.options.maxBufferedBytes,
				messagesPerSecond: limits.messagesPerSecond,
				messageBurst: limits.messageBurst
			},
			metrics
		);
		ws.on('error', (error: Error & { code?: string }) => {
			connection.rejected = true;
			if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
				// ws has closed the socket with 1009 already.
				metrics.refusals.inc({ reason: 'frame-too-large' });
				const fields = { room: roomId, connection: connection.id, reason: 'frame-too-large', code: CLOSE_MESSAGE_TOO_BIG };
				logger.warn(fields, 'connection refused');
				return;
			}
			logger.warn({ room: roomId, connection: connection.id, error: error.message }, 'socket error');
		});
		const room = registry.join(roomId, connection);
		if (room === null) {
			metrics.refusals.inc({ reason: 'too-many-rooms' });
			const fields = { room: roomId, reason: 'too-many-rooms', code: CLOSE_RELAY_BUSY, rooms: registry.size };
			logger.warn(fields, 'connection refused');
			ws.close(CLOSE_RELAY_BUSY, 'relay busy');
			return;
		}
		this.connections.add(connection);
		this.#addresses.add(who.address);
		ws.on('pong', () => {
			connection.alive = true;
		});
		ws.on('message', (data: RawData, isBinary: boolean) => this.#receive(connection, room, roomId, data, isBinary));
		ws.on('close', (code: number) => {
			this.connections.delete(connection);
			this.#addresses.remove(who.address);
			registry.leave(room, connection);
			logger.debug({ room: roomId, connection: connection.id, code }, 'connection closed');
		});
		const fields = { room: roomId, connection: connection.id, access: who.access, ack: who.wantsAck };
		logger.debug(fields, 'connection opened');
	}

	#receive(connection: Connection, room: Room, roomId: string, data: RawData, isBinary: boolean): void {
		const { logger, metrics } = this.deps;
		if (connection.rejected) return;
		const frame = toBytes(data);
		metrics.bytesIn.inc(frame.byteLength);
		if (!connection.takeMessage()) {
			connection.rejected = true;
			metrics.refusals.inc({ reason: 'rate-limited' });
			const fields = { room: roomId, connection: connection.id, reason: 'rate-limited', code: CLOSE_RATE_LIMITED };
			logger.warn(fields, 'connection refused');
			connection.close(CLOSE_RATE_LIMITED, 'rate limit exceeded');
			return;
		}
		if (!isBinary) {
			connection.rejected = true;
			metrics.framesRejected.inc({ reason: 'text frame' });
			logger.warn({ room: roomId, connection: connection.id }, 'text frame refused');
			connection.close(CLOSE_UNSUPPORTED_DATA, 'binary frames only');
			return;
		}
		room.receive(connection, frame);
	}

	#ping(): void {
		for (const connection of this.connections) {
			if (!connection.alive) {
				this.deps.logger.debug({ connection: connection.id }, 'no pong, dropping socket');
				connection.socket.terminate();
				continue;
			}
			connection.alive = false;
			connection.socket.ping();
		}
	}
}

const HOUR_MS = 60 * 60 * 1000;

function toBytes(data: RawData): Uint8Array {
	if (Array.isArray(data)) return Buffer.concat(data);
	if (data instanceof ArrayBuffer) return new Uint8Array(data);
	return data;
}
