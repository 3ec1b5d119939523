// One room: its stored document (as encoded updates), the awareness entries of the
// clients present, and the connections. Every message of the room goes through one
// queue, so an update is stored before it is fanned out and before anything after it.
import * as Y from 'yjs';
import {
	AwarenessTable,
	decodeAwarenessUpdate,
	encodeAwarenessUpdate
} from './awareness.js';
import {
	CLOSE_INTERNAL_ERROR,
	CLOSE_POLICY_VIOLATION,
	CLOSE_UNSUPPORTED_DATA,
	type Connection
} from './connection.js';
import { DocState } from './doc-state.js';
import type { Logger } from './logger.js';
import {
	decodeClientMessage,
	encodeAwarenessMessage,
	encodeSyncStep1,
	encodeSyncStep2,
	encodeSyncUpdate,
	errorMessage,
	ProtocolError
} from './messages.js';
import type { RelayMetrics } from './metrics.js';
import { SerialQueue } from './serial-queue.js';
import { storedUpdates, type RoomStorage } from './storage.js';
import { inspectUpdate, InvalidUpdateError } from './update-info.js';

export interface RoomContext {
	storage: RoomStorage;
	metrics: RelayMetrics;
	logger: Logger;
	/** Fold the log into a snapshot once it holds this many entries… */
	compactAfterUpdates: number;
	/** …or this many bytes. */
	compactAfterBytes: number;
}

export class Room {
	readonly connections = new Set<Connection>();
	readonly #queue = new SerialQueue();
	readonly #awareness = new AwarenessTable();
	/** Null until loaded, and again if loading failed. */
	#doc: DocState | null = null;
	#failed = false;
	#logEntries = 0;
	#logBytes = 0;

	constructor(
		readonly id: string,
		private readonly context: RoomContext
	) {
		// Queued first: every message of the room waits for the stored state.
		this.#enqueue('load', () => this.#load());
	}

	/** Loading failed; the registry replaces a failed room on the next connection. */
	get failed(): boolean {
		return this.#failed;
	}

	join(connection: Connection): void {
		this.connections.add(connection);
		this.#enqueue('join', () => {
			if (this.#doc === null) return;
			// Like the reference server: our sync step 1 first, then who is present.
			connection.send(encodeSyncStep1(this.#doc.encodedStateVector()));
			if (this.#awareness.size > 0) {
				connection.send(encodeAwarenessMessage(encodeAwarenessUpdate(this.#awareness.entries())));
			}
		});
	}

	/** Queues a binary frame. Frames of a socket already refused are dropped. */
	receive(connection: Connection, frame: Uint8Array): void {
		if (connection.rejected) return;
		this.#enqueue('receive', async () => {
			if (connection.rejected || this.#doc === null) return;
			try {
				await this.#handle(connection, this.#doc, frame);
			} catch (error) {
				this.#refuse(connection, CLOSE_INTERNAL_ERROR, 'internal error', error);
			}
		});
	}

	/** The socket is gone: tell the others that its awareness clients left. */
	leave(connection: Connection): void {
		this.connections.delete(connection);
		connection.dispose();
		this.#enqueue('leave', () => {
			const stillControlled = new Set<number>();
			for (const other of this.connections) for (const id of other.controlled) stillControlled.add(id);
			const leaving = [...connection.controlled].filter((id) => !stillControlled.has(id));
			const removals = this.#awareness.remove(leaving);
			if (removals.length > 0) {
				this.#broadcast(encodeAwarenessMessage(encodeAwarenessUpdate(removals)), null);
			}
		});
	}

	/** Resolves when every queued message has been handled. */
	settled(): Promise<void> {
		return this.#queue.idle();
	}

	/** Queues a task whose failure is logged: nothing thrown here may reach the process. */
	#enqueue(task: string, run: () => void | Promise<void>): void {
		this.#queue.run(run).catch((error: unknown) => {
			this.context.logger.error({ room: this.id, task, error: errorMessage(error) }, 'room task failed');
		});
	}

	async #load(): Promise<void> {
		try {
			const stored = await this.context.storage.loadRoom(this.id);
			this.#doc = DocState.fromUpdates(storedUpdates(stored));
			this.#logEntries = stored.updates.length;
			this.#logBytes = stored.updates.reduce((sum, u) => sum + u.data.byteLength, 0);
			this.context.logger.debug({ room: this.id, logEntries: this.#logEntries }, 'room loaded');
			await this.#compactIfDue();
		} catch (error) {
			this.#failed = true;
			this.#doc = null;
			this.context.metrics.storageFailures.inc({ operation: 'load' });
			this.context.logger.error({ room: this.id, error: errorMessage(error) }, 'room failed to load');
			for (const connection of this.connections) {
				connection.close(CLOSE_INTERNAL_ERROR, 'storage unavailable');
			}
		}
	}

	async #handle(connection: Connection, doc: DocState, frame: Uint8Array): Promise<void> {
		let message;
		try {
			message = decodeClientMessage(frame);
		} catch (error) {
			return this.#refuse(connection, CLOSE_UNSUPPORTED_DATA, 'malformed frame', error);
		}
		this.context.metrics.messagesIn.inc({ kind: message.kind });
		switch (message.kind) {
			case 'sync-step1': {
				try {
					Y.decodeStateVector(message.stateVector);
				} catch (error) {
					return this.#refuse(connection, CLOSE_POLICY_VIOLATION, 'invalid state vector', error);
				}
				connection.send(encodeSyncStep2(doc.diff(message.stateVector)));
				if (!connection.initialAckScheduled) {
					connection.initialAckScheduled = true;
					connection.scheduleAck(() => doc.encodedStateVector());
				}
				return;
			}
			case 'sync-step2':
			case 'sync-update':
				return this.#receiveUpdate(connection, doc, message.update);
			case 'awareness': {
				let entries;
				try {
					entries = decodeAwarenessUpdate(message.update);
				} catch (error) {
					return this.#refuse(connection, CLOSE_UNSUPPORTED_DATA, 'malformed awareness', error);
				}
				const news = this.#awareness.apply(entries, connection.controlled);
				if (news.length === 0) return;
				// Forwarded as received unless part of it was stale. The sender gets it back
				// too, like from the reference server: a stock client alone in a room counts
				// its own awareness renewals as the relay's sign of life and would otherwise
				// reconnect every 30 s.
				const update = news.length === entries.length ? message.update : encodeAwarenessUpdate(news);
				this.#broadcast(encodeAwarenessMessage(update), null);
				return;
			}
			case 'query-awareness':
				connection.send(encodeAwarenessMessage(encodeAwarenessUpdate(this.#awareness.entries())));
				return;
		}
	}

	async #receiveUpdate(connection: Connection, doc: DocState, update: Uint8Array): Promise<void> {
		let info;
		try {
			info = inspectUpdate(update);
		} catch (error) {
			if (!(error instanceof InvalidUpdateError)) throw error;
			return this.#refuse(connection, CLOSE_POLICY_VIOLATION, 'invalid update', error);
		}
		if (doc.addsNothing(info)) {
			// Typically the answer to our step 1 from a client that has nothing new.
			this.context.metrics.updatesSkipped.inc();
			connection.scheduleAck(() => doc.encodedStateVector());
			return;
		}
		// Own copy: the frame buffer may be a slice of a larger network chunk.
		const data = update.slice();
		try {
			await this.context.storage.appendUpdate(this.id, data);
		} catch (error) {
			// Not stored means not forwarded and not acknowledged; the client keeps the
			// change and sends it again when it reconnects.
			this.context.metrics.storageFailures.inc({ operation: 'append' });
			return this.#refuse(connection, CLOSE_INTERNAL_ERROR, 'storage failure', error);
		}
		this.context.metrics.updatesPersisted.inc();
		this.#logEntries += 1;
		this.#logBytes += data.byteLength;
		doc.add(data, info);
		this.#broadcast(encodeSyncUpdate(data), connection);
		connection.scheduleAck(() => doc.encodedStateVector());
		await this.#compactIfDue();
	}

	async #compactIfDue(): Promise<void> {
		if (
			this.#logEntries < this.context.compactAfterUpdates &&
			this.#logBytes < this.context.compactAfterBytes
		) {
			return;
		}
		const entries = this.#logEntries;
		// Reset first: after a failure, the next attempt waits for another full batch
		// instead of retrying on every update.
		this.#logEntries = 0;
		this.#logBytes = 0;
		try {
			const result = await this.context.storage.compactRoom(this.id);
			if (result === null) return;
			this.context.metrics.compactions.inc();
			this.context.logger.info(
				{ room: this.id, seqUpto: result.seqUpto, merged: result.merged, bytes: result.snapshotBytes },
				'room compacted'
			);
		} catch (error) {
			this.context.metrics.storageFailures.inc({ operation: 'compact' });
			this.context.logger.error(
				{ room: this.id, logEntries: entries, error: errorMessage(error) },
				'compaction failed; the log is kept'
			);
		}
	}

	#broadcast(frame: Uint8Array, except: Connection | null): void {
		for (const connection of this.connections) {
			if (connection !== except) connection.send(frame);
		}
	}

	#refuse(connection: Connection, code: number, reason: string, error: unknown): void {
		connection.rejected = true;
		this.context.metrics.framesRejected.inc({ reason });
		const log = code === CLOSE_INTERNAL_ERROR ? this.context.logger.error : this.context.logger.warn;
		log.call(
			this.context.logger,
			{
				room: this.id,
				connection: connection.id,
				reason,
				error: error instanceof ProtocolError || error instanceof Error ? error.message : String(error)
			},
			'closing connection'
		);
		connection.close(code, reason);
	}
}
