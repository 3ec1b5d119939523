// One room chained to the upstream relay: a client socket to the same room there, speaking
// the same protocol as a phone, and taken into the local room as one more member
// connection. Everything else follows from what the room already does: on joining, the
// local room sends its sync step 1 up and answers the upstream's step 1 with what the
// upstream lacks; the upstream answers with what the site lacks, stored here like any
// client's update; from then on every update stored on either side is fanned out to the
// other. No document is held here, only the room's log.
import type { Socket } from 'node:net';
import * as decoding from 'lib0/decoding';
import { WebSocket, type RawData } from 'ws';
import * as Y from 'yjs';
import { hashToken } from '../access/token.js';
import type { Logger } from '../logger.js';
import type { RelayMetrics } from '../metrics.js';
import { errorMessage } from '../protocol/messages.js';
import { CLOSE_CLAIM_KEY_REQUIRED, CLOSE_CLAIM_REFUSED, CLOSE_TOKEN_ROTATED, CREDENTIAL_PREFIX, MESSAGE_STORED, MESSAGE_SYNC, SYNC_PROTOCOL, SYNC_STEP1, SYNC_STEP2, SYNC_UPDATE } from '../protocol/wire.js';
import { Connection, type ConnectionOptions } from '../rooms/connection.js';
import type { Room } from '../rooms/room.js';
import type { RoomRegistry } from '../rooms/rooms.js';
import type { LinkCredentials } from './link-store.js';

/** Sent at the upgrade: a relay that receives its own id refuses the link (a loop onto itself). */
export const RELAY_ID_HEADER = 'x-passerelle-relay';

export type LinkState = 'connecting' | 'connected' | 'waiting' | 'refused';

export interface LinkReport {
	room: string;
	state: LinkState;
	/** Since when the link is in this state (ms since the epoch). */
	since: number;
	/** What the upstream said when it refused: an HTTP status or a close code, and its reason. */
	refusal: { code: number; reason: string } | null;
	bytesIn: number;
	bytesOut: number;
	/** When the next attempt is due, while waiting or refused. */
	retryAt: number | null;
	/**
	 * How much the site holds that the upstream has not acknowledged storing, in Yjs clock
	 * units (about one per item or character written); 0 once everything is up. Null while
	 * the room is not loaded here.
	 */
	behind: number | null;
}

export interface LinkDeps {
	registry: RoomRegistry;
	metrics: RelayMetrics;
	logger: Logger;
	relayId: string;
	connection: Omit<ConnectionOptions, 'access' | 'tokenHash' | 'address' | 'wantsAck'>;
	/** Called when the state changes, for gauges and status. */
	changed?: () => void;
}

const FIRST_RETRY_MS = 500;
// Short: a site whose link comes back must see its queue go within seconds, and a failed
// attempt costs one TCP handshake.
const LONGEST_RETRY_MS = 4000;
/** A refusal is not retried soon: it needs a person (a new invite, a rotated key). */
const REFUSED_RETRY_MS = 5 * 60_000;

export class UpstreamLink {
	#state: LinkState = 'connecting';
	#since = Date.now();
	#refusal: LinkReport['refusal'] = null;
	#socket: WebSocket | null = null;
	#raw: Socket | null = null;
	#connection: Connection | null = null;
	#room: Room | null = null;
	#timer: NodeJS.Timeout | null = null;
	#retryAt: number | null = null;
	#failures = 0;
	#stopped = false;
	#bytesIn = 0;
	#bytesOut = 0;
	/** What the upstream said it has stored, from its type-8 acknowledgements; kept across reconnections. */
	#acknowledged = new Map<number, number>();

	constructor(
		readonly room: string,
		private readonly url: string,
		private readonly credentials: LinkCredentials,
		private readonly deps: LinkDeps
	) {}

	start(): void {
		this.#connect();
	}

	report(): LinkReport {
		return {
			room: this.room,
			state: this.#state,
			since: this.#since,
			refusal: this.#refusal,
			bytesIn: this.#bytesIn + (this.#raw?.bytesRead ?? 0),
			bytesOut: this.#bytesOut + (this.#raw?.bytesWritten ?? 0),
			retryAt: this.#retryAt,
			behind: this.#behind()
		};
	}

	#acknowledge(vector: Map<number, number>): void {
		for (const [client, clock] of vector) if (clock > (this.#acknowledged.get(client) ?? 0)) this.#acknowledged.set(client, clock);
	}

	#acknowledgeSent(frame: Uint8Array): void {
		const update = updateOf(frame);
		if (update === null) return;
		try {
			const { from, to } = Y.parseUpdateMeta(update);
			for (const [client, end] of to) {
				if ((from.get(client) ?? 0) <= (this.#acknowledged.get(client) ?? 0)) this.#acknowledge(new Map([[client, end]]));
			}
		} catch {
			// Not an update this reader follows: the room says so when it takes it in.
		}
	}

	#behind(): number | null {
		const vector = this.deps.registry.get(this.room)?.stateVector();
		if (!vector) return null;
		let behind = 0;
		for (const [client, clock] of vector) behind += Math.max(0, clock - (this.#acknowledged.get(client) ?? 0));
		return behind;
	}

	get state(): LinkState {
		return this.#state;
	}

	/** Closes the link for good; the local room keeps everything it holds. */
	stop(): void {
		this.#stopped = true;
		if (this.#timer !== null) clearTimeout(this.#timer);
		this.#timer = null;
		this.#socket?.close(1000, 'link stopped');
		this.#detach();
	}

	#set(state: LinkState, refusal: LinkReport['refusal'] = null): void {
		if (this.#state !== state) this.#since = Date.now();
		this.#state = state;
		this.#refusal = refusal;
		this.deps.changed?.();
	}

	#connect(): void {
		if (this.#stopped) return;
		this.#retryAt = null;
		this.#set('connecting');
		// 'ack': the upstream says what it has stored, so the site knows what still waits.
		const protocols = [SYNC_PROTOCOL, CREDENTIAL_PREFIX.token + this.credentials.token, 'ack'];
		const { readToken, claim, recoveryHash, claimKey } = this.credentials;
		if (readToken) protocols.push(CREDENTIAL_PREFIX.readToken + readToken);
		if (claim && recoveryHash) protocols.push(CREDENTIAL_PREFIX.claim + claim, CREDENTIAL_PREFIX.recoveryHash + recoveryHash);
		if (claimKey) protocols.push(CREDENTIAL_PREFIX.claimKey + claimKey);
		// The room's path; its credentials travel in the protocol header, never in the URL.
		const socket = new WebSocket(`${this.url}/${this.room}`, protocols, { headers: { [RELAY_ID_HEADER]: this.deps.relayId }, handshakeTimeout: 15_000 });
		this.#socket = socket;
		socket.binaryType = 'nodebuffer';
		socket.on('upgrade', (response) => {
			this.#raw = response.socket as Socket;
		});
		socket.on('unexpected-response', (request, response) => {
			const code = response.statusCode ?? 0;
			response.resume();
			request.destroy();
			// 401/403: this token does not open the room there; anything else is the upstream's trouble.
			if (code === 401 || code === 403) this.#refused(code, 'refused by the upstream relay');
			else this.#retry(`upstream answered ${code}`);
		});
		socket.on('open', () => this.#opened(socket));
		socket.on('message', (data: RawData, isBinary: boolean) => {
			if (!isBinary || this.#connection === null || this.#room === null) return;
			this.deps.metrics.bytesIn.inc(frameLength(data));
			const frame = toBytes(data);
			const stored = storedVector(frame);
			if (stored !== null) {
				this.#acknowledge(stored);
				return;
			}
			// The upstream's sync step 1 claims only what it holds stored: as good as an acknowledgement,
			// and what tells a new link (after a key change, a restart) that nothing waits.
			const held = stepOneVector(frame);
			if (held !== null) this.#acknowledge(held);
			// What the upstream sends down, it holds: a change made in town waits for nothing.
			else this.#acknowledgeSent(frame);
			this.#room.receive(this.#connection, frame);
		});
		socket.on('error', (error) => {
			// The URL holds no token; the message is safe to log.
			this.deps.logger.debug({ room: this.room, error: errorMessage(error) }, 'upstream link error');
		});
		socket.on('close', (code: number, reason: Buffer) => {
			if (this.#socket !== socket) return;
			this.#detach();
			if (this.#stopped) return;
			if (code === CLOSE_TOKEN_ROTATED || code === CLOSE_CLAIM_REFUSED || code === CLOSE_CLAIM_KEY_REQUIRED) {
				this.#refused(code, reason.toString('utf8') || 'refused by the upstream relay');
			} else if (this.#state !== 'refused' && this.#retryAt === null) {
				this.#retry(`closed ${code}`);
			}
		});
	}

	#opened(socket: WebSocket): void {
		const raw = this.#raw;
		if (raw === null || this.#stopped) {
			socket.close(1000, 'link stopped');
			return;
		}
		const connection = new Connection(
			socket,
			raw,
			{ ...this.deps.connection, access: 'member', tokenHash: hashToken(this.credentials.token), address: 'upstream', wantsAck: false },
			this.deps.metrics
		);
		const room = this.deps.registry.join(this.room, connection);
		if (room === null) {
			socket.close(1000, 'relay busy');
			return;
		}
		this.#connection = connection;
		this.#room = room;
		this.#failures = 0;
		this.#set('connected');
		this.deps.logger.info({ room: this.room }, 'upstream link connected');
	}

	#detach(): void {
		if (this.#raw !== null) {
			this.#bytesIn += this.#raw.bytesRead;
			this.#bytesOut += this.#raw.bytesWritten;
			this.#raw = null;
		}
		if (this.#connection !== null && this.#room !== null) this.deps.registry.leave(this.#room, this.#connection);
		this.#connection = null;
		this.#room = null;
		this.#socket = null;
	}

	#retry(why: string): void {
		if (this.#stopped) return;
		this.#failures += 1;
		const ceiling = Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(this.#failures - 1, 10));
		// Jitter: a site coming back online must not have every room knock at the same instant.
		const delay = Math.round(ceiling * (0.5 + Math.random() / 2));
		this.deps.logger.debug({ room: this.room, why, delay }, 'upstream link waiting');
		this.#schedule(delay);
		this.#set('waiting');
	}

	#refused(code: number, reason: string): void {
		if (this.#stopped) return;
		this.deps.logger.warn({ room: this.room, code, reason }, 'upstream link refused');
		this.#schedule(REFUSED_RETRY_MS);
		this.#set('refused', { code, reason });
	}

	#schedule(delay: number): void {
		if (this.#timer !== null) clearTimeout(this.#timer);
		this.#retryAt = Date.now() + delay;
		this.#timer = setTimeout(() => {
			this.#timer = null;
			this.#connect();
		}, delay);
		this.#timer.unref();
	}

	/** Tries again now (the network came back, an operator asked). */
	retryNow(): void {
		if (this.#stopped || this.#state === 'connected' || this.#state === 'connecting') return;
		if (this.#timer !== null) clearTimeout(this.#timer);
		this.#timer = null;
		this.#connect();
	}
}

/** The state vector of a type-8 "stored" acknowledgement, or null for any other frame. */
function storedVector(frame: Uint8Array): Map<number, number> | null {
	try {
		const decoder = decoding.createDecoder(frame);
		if (decoding.readVarUint(decoder) !== MESSAGE_STORED) return null;
		return Y.decodeStateVector(decoding.readVarUint8Array(decoder));
	} catch {
		return null;
	}
}

/** The state vector of a sync step 1, or null for any other frame. */
function stepOneVector(frame: Uint8Array): Map<number, number> | null {
	try {
		const decoder = decoding.createDecoder(frame);
		if (decoding.readVarUint(decoder) !== MESSAGE_SYNC || decoding.readVarUint(decoder) !== SYNC_STEP1) return null;
		return Y.decodeStateVector(decoding.readVarUint8Array(decoder));
	} catch {
		return null;
	}
}

/** The update a sync step 2 or sync update frame carries, or null for any other frame. */
function updateOf(frame: Uint8Array): Uint8Array | null {
	try {
		const decoder = decoding.createDecoder(frame);
		if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return null;
		const kind = decoding.readVarUint(decoder);
		if (kind !== SYNC_STEP2 && kind !== SYNC_UPDATE) return null;
		return decoding.readVarUint8Array(decoder);
	} catch {
		return null;
	}
}

function toBytes(data: RawData): Uint8Array {
	if (Array.isArray(data)) return Buffer.concat(data);
	if (data instanceof ArrayBuffer) return new Uint8Array(data);
	return data;
}

function frameLength(data: RawData): number {
	if (Array.isArray(data)) return data.reduce((sum, part) => sum + part.byteLength, 0);
	return data.byteLength;
}
