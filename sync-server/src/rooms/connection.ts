// One client socket in a room: who it is (its access and the token it came with), sending
// with accounting, the debounced "stored" acknowledgement, its message budget, keepalive
// state, and the awareness client ids it speaks for.
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { AccessLevel } from '../access/access.js';
import { TokenBucket } from '../access/limits.js';
import { encodeStoredMessage } from '../protocol/messages.js';
import type { RelayMetrics } from '../metrics.js';

let nextConnectionId = 1;

export interface ConnectionOptions {
	access: AccessLevel;
	/** SHA-256 of the token the socket was opened with: a rotation closes the old ones. */
	tokenHash: string;
	/** Remote address, for the per-address connection limit. */
	address: string;
	/** The client asked for type-8 "stored" messages (ack=1 in the URL). */
	wantsAck: boolean;
	ackDelayMs: number;
	/** Resolves once everything stored so far is on disk: an acknowledgement waits for it. */
	synced: () => Promise<void>;
	/** A client that reads slower than this many buffered bytes is dropped; it resyncs. */
	maxBufferedBytes: number;
	messagesPerSecond: number;
	messageBurst: number;
}

export class Connection {
	readonly id = nextConnectionId++;
	/** Awareness client ids announced on this socket; removed for everyone when it closes. */
	readonly controlled = new Set<number>();
	/** Set after a bad frame or a refusal: whatever else this socket sent is ignored. */
	rejected = false;
	/** Cleared at each keepalive ping, set again by the pong. */
	alive = true;
	/** Whether the acknowledgement after the first sync answer has been scheduled. */
	initialAckScheduled = false;
	readonly #budget: TokenBucket;
	#ackTimer: NodeJS.Timeout | null = null;
	#corked = false;

	constructor(
		readonly socket: WebSocket,
		/** The network socket the WebSocket writes to, as handed over at the upgrade. */
		private readonly raw: Duplex,
		readonly options: ConnectionOptions,
		readonly metrics: RelayMetrics
	) {
		this.#budget = new TokenBucket(options.messagesPerSecond, options.messageBurst);
	}

	get access(): AccessLevel {
		return this.options.access;
	}

	get open(): boolean {
		return this.socket.readyState === WebSocket.OPEN;
	}

	/** Spends one message of the connection's budget; false when it is used up. */
	takeMessage(): boolean {
		return this.#budget.take();
	}

	/** Sends a frame if the socket is still open. Returns false if it could not. */
	send(frame: Uint8Array): boolean {
		if (!this.open) return false;
		if (this.socket.bufferedAmount > this.options.maxBufferedBytes) {
			// Buffering without limit for a stalled client would take the relay down with it.
			this.socket.terminate();
			return false;
		}
		this.#cork();
		this.socket.send(frame);
		this.metrics.messagesOut.inc();
		this.metrics.bytesOut.inc(frame.byteLength);
		return true;
	}

	/**
	 * Holds back what is sent during this turn of the event loop and hands it to the
	 * kernel in one write at its end: a batch of updates fanned out costs one system call
	 * per socket, not one per frame.
	 */
	#cork(): void {
		if (this.#corked) return;
		const raw = this.raw;
		raw.cork();
		this.#corked = true;
		process.nextTick(() => {
			this.#corked = false;
			raw.uncork();
		});
	}

	/**
	 * Schedules a "stored" message carrying the room's state vector as it is when the
	 * timer fires (trailing debounce): a burst of updates costs one acknowledgement. It
	 * goes once what that vector covers is on disk; if that can no longer be promised, it
	 * never goes, and the client keeps its changes.
	 */
	scheduleAck(currentStateVector: () => Uint8Array): void {
		if (!this.options.wantsAck || this.#ackTimer !== null || !this.open) return;
		this.#ackTimer = setTimeout(() => {
			this.#ackTimer = null;
			// Everything in the vector was stored before this point: the sync asked for now covers it.
			const stored = encodeStoredMessage(currentStateVector());
			this.options.synced().then(
				() => void this.send(stored),
				() => {}
			);
		}, this.options.ackDelayMs);
	}

	/**
	 * Starts the closing handshake. Frames already received are still handled (on
	 * shutdown they get stored); a refusal sets `rejected` to drop them instead.
	 */
	close(code: number, reason: string): void {
		this.dispose();
		if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) {
			this.socket.close(code, reason);
		}
	}

	/** Drops pending timers; called when the socket is gone. */
	dispose(): void {
		if (this.#ackTimer !== null) clearTimeout(this.#ackTimer);
		this.#ackTimer = null;
	}
}
