/**
 * A device never sends the relay one message larger than a piece. A relay restored
 * empty (a failed disk, a new machine) asks the first member device that connects for
 * the whole space; the stock client answers with one sync step 2 holding all of it,
 * tens of megabytes for a space a few years old, which the relay refuses as too large
 * before closing the connection. The device would retry forever and the space would
 * never be back on the relay. The same goes for one large change made on the device,
 * like a file imported offline.
 *
 * Such an answer goes out as sync updates of about a piece each, cut with the relay's
 * own splitter (each piece applies alone to a document holding the ones before), the
 * last one as the step 2. Pieces leave one at a time, once the socket has handed the
 * previous ones to the network and no faster than the relay's message budget allows;
 * what the device writes meanwhile waits behind them, so the relay receives everything
 * in the order it was written. A connection that closes drops what was left to send:
 * the next one asks again from what the relay holds.
 */
import { MESSAGE_SYNC, SYNC_STEP1, SYNC_STEP2, SYNC_UPDATE } from '../../../sync-server/src/protocol/wire.js';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { splitUpdate, splitUpdateInSlices, UnsplittableUpdateError } from '../../../sync-server/src/protocol/split-update.js';

/**
 * Far below the relay's default largest message (16 MiB), and the size of the pieces the
 * relay itself sends: a relay configured with a smaller limit than this refuses them.
 */
export const PIECE_BYTES = 1024 * 1024;
/**
 * At most fifty messages a second: the relay's default budget is 200 a second with bursts
 * of 1,000, and a 25 MiB space is 25 pieces.
 */
export const PIECE_INTERVAL_MS = 20;

/**
 * The frames that carry `update` to the relay: sync updates of about `pieceBytes`, the
 * last one a step 2 when `asStep2` (the answer to the relay's step 1). One frame when the
 * update is small, or cannot be cut (then the relay judges it whole, as before).
 */
export function framesFor(update: Uint8Array, pieceBytes: number, asStep2: boolean): Uint8Array[] {
	let pieces: Uint8Array[];
	try {
		pieces = [...splitUpdate(update, pieceBytes)];
	} catch (error) {
		if (!(error instanceof UnsplittableUpdateError)) throw error;
		pieces = [update];
	}
	return pieces.map((piece, n) => syncFrame(asStep2 && n === pieces.length - 1 ? SYNC_STEP2 : SYNC_UPDATE, piece));
}

/**
 * The frames of framesFor, cut a slice of time at a time with the page running in
 * between: cutting a space of tens of megabytes takes about as long as encoding it.
 */
export async function framesInSlices(update: Uint8Array, pieceBytes: number, asStep2: boolean): Promise<Uint8Array[]> {
	let pieces: Uint8Array[];
	try {
		pieces = await splitUpdateInSlices(update, pieceBytes, 10, () => wait(0));
	} catch (error) {
		if (!(error instanceof UnsplittableUpdateError)) throw error;
		pieces = [update];
	}
	return pieces.map((piece, n) => syncFrame(asStep2 && n === pieces.length - 1 ? SYNC_STEP2 : SYNC_UPDATE, piece));
}

function syncFrame(kind: number, update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_SYNC);
	encoding.writeVarUint(encoder, kind);
	encoding.writeVarUint8Array(encoder, update);
	return encoding.toUint8Array(encoder);
}

export interface PieceOptions {
	pieceBytes?: number;
	intervalMs?: number;
}

/**
 * Makes `provider` send its answers to the relay's step 1 and its local updates in
 * pieces when they are larger than a piece. Call it after any other wrapping of the
 * provider's sync handler: a step 1 is answered here, everything else goes on to it.
 */
export function sendBigAnswersInPieces(provider: WebsocketProvider, options: PieceOptions = {}): void {
	const pieceBytes = options.pieceBytes ?? PIECE_BYTES;
	const sender = new PacedSender(provider, pieceBytes, options.intervalMs ?? PIECE_INTERVAL_MS);
	provider.on('connection-close', () => sender.drop());

	const inner = provider.messageHandlers[MESSAGE_SYNC];
	if (inner) {
		provider.messageHandlers[MESSAGE_SYNC] = (encoder, decoder, _provider, emitSynced, messageType) => {
			const start = decoder.pos;
			if (decoding.readVarUint(decoder) !== SYNC_STEP1) {
				decoder.pos = start;
				return inner(encoder, decoder, provider, emitSynced, messageType);
			}
			const answer = Y.encodeStateAsUpdate(provider.doc, decoding.readVarUint8Array(decoder));
			if (answer.byteLength > pieceBytes) return sender.push([framesInSlices(answer, pieceBytes, true)]);
			const frame = syncFrame(SYNC_STEP2, answer);
			// Small, with nothing waiting before it: the stock client sends it right away.
			if (!sender.busy) encoding.writeUint8Array(encoder, frame);
			else sender.push([frame]);
		};
	}

	const stockUpdate = provider._updateHandler;
	const onUpdate = (update: Uint8Array, origin: unknown): void => {
		if (origin === provider) return;
		if (update.byteLength <= pieceBytes && !sender.busy) return stockUpdate(update, origin);
		// Not connected: the next connection's sync carries it, as with the stock client.
		if (!provider.wsconnected) return;
		sender.push([update.byteLength > pieceBytes ? framesInSlices(update, pieceBytes, false) : syncFrame(SYNC_UPDATE, update)]);
	};
	provider.doc.off('update', stockUpdate);
	provider.doc.on('update', onUpdate);
	// The provider stops listening to the document with this handler when destroyed.
	provider._updateHandler = onUpdate;
}

/** A frame, or frames still being cut. */
type Outgoing = Uint8Array | Promise<Uint8Array[]>;

/** Frames sent one at a time, in the order given, on the socket they were meant for. */
class PacedSender {
	#queue: Outgoing[] = [];
	#socket: WebSocket | null = null;
	#running = false;

	constructor(
		private readonly provider: WebsocketProvider,
		private readonly pieceBytes: number,
		private readonly intervalMs: number
	) {}

	/** Frames are waiting: anything sent now must go behind them. */
	get busy(): boolean {
		return this.#running || this.#queue.length > 0;
	}

	push(frames: Outgoing[]): void {
		const socket = this.provider.ws;
		if (socket === null) return;
		if (this.#socket !== socket) this.#queue = [];
		this.#socket = socket;
		this.#queue.push(...frames);
		if (!this.#running) void this.#pump();
	}

	drop(): void {
		this.#queue = [];
		this.#socket = null;
	}

	async #pump(): Promise<void> {
		this.#running = true;
		try {
			while (this.#queue.length > 0) {
				const socket = this.#socket;
				if (socket === null || !this.#open(socket)) {
					this.drop();
					break;
				}
				const next = this.#queue[0] as Outgoing;
				if (!(next instanceof Uint8Array)) {
					let cut: Uint8Array[] = [];
					try {
						cut = await next;
					} catch (error) {
						// The next connection's sync sends it again; what follows still goes.
						console.error('Could not cut a change for the relay', error);
					}
					if (this.#queue[0] === next) this.#queue.splice(0, 1, ...cut);
					continue;
				}
				// What the socket still holds is what a slow link has not taken yet: adding
				// more would only fill the device's memory.
				if (socket.bufferedAmount > this.pieceBytes) {
					await wait(this.intervalMs);
					continue;
				}
				// Every frame is a fresh encoder's output, never a view of shared memory.
				this.#queue.shift();
				socket.send(next as Uint8Array<ArrayBuffer>);
				await wait(this.intervalMs);
			}
		} finally {
			this.#running = false;
		}
	}

	#open(socket: WebSocket): boolean {
		return this.provider.ws === socket && socket.readyState === 1;
	}
}

function wait(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
