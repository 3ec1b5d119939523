// One client socket in a room: sending with accounting, the debounced "stored"
// acknowledgement, keepalive state, and the awareness client ids it speaks for.
import { WebSocket } from 'ws';
import { encodeStoredMessage } from './messages.js';
import type { RelayMetrics } from './metrics.js';

/** Close codes the relay uses (see PROTOCOL.md). */
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_UNSUPPORTED_DATA = 1003;
export const CLOSE_POLICY_VIOLATION = 1008;
export const CLOSE_INTERNAL_ERROR = 1011;

let nextConnectionId = 1;

export interface ConnectionOptions {
	/** The client asked for type-8 "stored" messages (ack=1 in the URL). */
	wantsAck: boolean;
	ackDelayMs: number;
	/** A client that reads slower than this many buffered bytes is dropped; it resyncs. */
	maxBufferedBytes: number;
}

export class Connection {
	readonly id = nextConnectionId++;
	/** Awareness client ids announced on this socket; removed for everyone when it closes. */
	readonly controlled = new Set<number>();
	/** Set after a bad frame: whatever else this socket sent is ignored. */
	rejected = false;
	/** Cleared at each keepalive ping, set again by the pong. */
	alive = true;
	/** Whether the acknowledgement after the first sync answer has been scheduled. */
	initialAckScheduled = false;
	#ackTimer: NodeJS.Timeout | null = null;

	constructor(
		readonly socket: WebSocket,
		readonly options: ConnectionOptions,
		readonly metrics: RelayMetrics
	) {}

	get open(): boolean {
		return this.socket.readyState === WebSocket.OPEN;
	}

	/** Sends a frame if the socket is still open. Returns false if it could not. */
	send(frame: Uint8Array): boolean {
		if (!this.open) return false;
		if (this.socket.bufferedAmount > this.options.maxBufferedBytes) {
			// Buffering without limit for a stalled client would take the relay down with it.
			this.socket.terminate();
			return false;
		}
		this.socket.send(frame);
		this.metrics.messagesOut.inc();
		this.metrics.bytesOut.inc(frame.byteLength);
		return true;
	}

	/**
	 * Schedules a "stored" message carrying the room's state vector as it is when the
	 * timer fires (trailing debounce): a burst of updates costs one acknowledgement.
	 */
	scheduleAck(currentStateVector: () => Uint8Array): void {
		if (!this.options.wantsAck || this.#ackTimer !== null || !this.open) return;
		this.#ackTimer = setTimeout(() => {
			this.#ackTimer = null;
			this.send(encodeStoredMessage(currentStateVector()));
		}, this.options.ackDelayMs);
	}

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
