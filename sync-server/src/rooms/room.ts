// One room: its stored document (as encoded updates), who is present (presence.ts), and
// the connections. Messages of the room are handled one at a time, in order; what the
// relay sends because of them goes through the room's outbox, also in order. An update is
// handed to the group commit and the room goes on with the next message; the update's
// fan-out waits in the outbox until the update is stored, and so does everything queued
// behind it. Nobody hears of an update before it is on disk, and a room's messages go out
// in the order they came in.
import * as Y from 'yjs';
import { stillAdmitted } from '../access/access.js';
import {
	CLOSE_INTERNAL_ERROR,
	CLOSE_POLICY_VIOLATION,
	CLOSE_ROOM_TOO_LARGE,
	CLOSE_STORAGE_LOW,
	CLOSE_TOKEN_ROTATED,
	CLOSE_UNSUPPORTED_DATA
} from '../protocol/wire.js';
import { Compactor, type CompactionContext } from './compactor.js';
import type { Connection } from './connection.js';
import { DocState } from './doc-state.js';
import { AppendDropped, type GroupCommit } from '../storage/group-commit.js';
import type { UpdateMerger } from './merger.js';
import { decodeClientMessage, encodeSyncStep1, encodeSyncUpdate, errorMessage } from '../protocol/messages.js';
import { Presence, SIGN_OF_LIFE } from './presence.js';
import { SerialQueue } from './serial-queue.js';
import { sendAnswerFrames } from './sync-answer.js';
import type { RoomAccess, Snapshot } from '../storage/storage.js';
import { inspectUpdate, InvalidUpdateError, TooDeepError, type UpdateInfo } from '../protocol/update-info.js';

export interface RoomContext extends CompactionContext {
	/** Where merges of large rooms run. */
	merger: UpdateMerger;
	/** Stores the updates of every room, a batch per turn of the event loop. */
	commits: GroupCommit;
	/** An update that would make the document larger than this is refused (4413). */
	maxRoomBytes: number;
	/** The answer to a sync step 1 goes out in messages of at most about this size. */
	syncChunkBytes: number;
	/** Told whether each load of a room succeeded (null) or why it failed, for /healthz. */
	roomLoaded?(roomId: string, error: string | null): void;
	/** Whether the disk is below its free-space floor, counting bytes about to be stored. */
	storageLow?(incomingBytes: number): boolean;
}

export class Room {
	readonly connections = new Set<Connection>();
	/** Incoming messages, handled one at a time. */
	readonly #queue = new SerialQueue();
	/** Outgoing effects (sends, acknowledgements), in the order of the messages that caused them. */
	#outbox: Promise<void> = Promise.resolve();
	readonly #presence: Presence;
	readonly #compactor: Compactor;
	/** Null until loaded, and again if loading failed. */
	#doc: DocState | null = null;
	#failed = false;
	/** Bytes handed to storage and not yet in the document. */
	#pendingBytes = 0;
	/** What the updates handed to storage and not yet in the document carry. */
	readonly #inFlight = new Set<UpdateInfo>();

	constructor(
		readonly id: string,
		private readonly context: RoomContext,
		/** Settles when an earlier instance of this room has finished with storage. */
		predecessor: Promise<void> = Promise.resolve()
	) {
		this.#presence = new Presence(id, context);
		this.#compactor = new Compactor(id, context, () => this.#snapshot());
		// Queued first: every message of the room waits for the stored state.
		this.#enqueue('load', async () => {
			await predecessor;
			await this.#load();
		});
	}

	/** The room's state vector (client → clock) once loaded; null before. */
	stateVector(): ReadonlyMap<number, number> | null {
		return this.#doc?.stateVector() ?? null;
	}

	/** Loading failed; the registry replaces a failed room on the next connection. */
	get failed(): boolean {
		return this.#failed;
	}

	join(connection: Connection): void {
		this.connections.add(connection);
		this.#enqueue('join', () => {
			const doc = this.#doc;
			if (doc === null) return;
			// Like the reference server: our sync step 1 first, then who is present.
			const step1 = encodeSyncStep1(doc.encodedStateVector());
			const present = this.#presence.greeting();
			this.#send(connection, () => {
				connection.send(step1);
				if (present !== null) connection.send(present);
			});
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
			const removals = this.#presence.release(connection);
			if (removals !== null) this.#send(null, () => this.#broadcast(removals, null));
		});
	}

	/** Closes (4403) every connection opened with a token that `access` no longer admits. */
	revoke(access: RoomAccess): number {
		let closed = 0;
		for (const connection of this.connections) {
			if (stillAdmitted(access, connection.options.tokenHash)) continue;
			connection.rejected = true;
			connection.close(CLOSE_TOKEN_ROTATED, 'token rotated');
			closed += 1;
		}
		return closed;
	}

	/** Resolves when every queued message has been handled, stored and sent, and no compaction runs. */
	async settled(): Promise<void> {
		for (;;) {
			const queue = this.#queue.idle();
			const outbox = this.#outbox;
			await queue;
			await outbox;
			await this.#compactor.idle();
			if (queue === this.#queue.idle() && outbox === this.#outbox) return;
		}
	}

	/** The room is leaving memory: lets its work finish and folds its log into a snapshot. */
	async prepareUnload(): Promise<void> {
		await this.settled();
		if (this.#doc !== null) await this.#compactor.beforeUnload();
		await this.settled();
	}

	/** The room is gone: no compaction starts any more. */
	dispose(): void {
		this.#compactor.dispose();
	}

	/** Queues a task whose failure is logged: nothing thrown here may reach the process. */
	#enqueue(task: string, run: () => void | Promise<void>): void {
		this.#queue.run(run).catch((error: unknown) => {
			this.context.metrics.errors.inc({ where: 'room' });
			this.context.logger.error({ room: this.id, task, error: errorMessage(error) }, 'room task failed');
		});
	}

	/**
	 * Queues an outgoing effect behind every one queued before. If it fails, the
	 * connection it concerns is closed (1011); without one, the failure is logged.
	 */
	#send(connection: Connection | null, run: () => void | Promise<void>): void {
		this.#outbox = this.#outbox.then(run).catch((error: unknown) => {
			if (connection !== null) return this.#refuse(connection, CLOSE_INTERNAL_ERROR, 'internal error', error);
			this.context.metrics.errors.inc({ where: 'room' });
			this.context.logger.error({ room: this.id, task: 'send', error: errorMessage(error) }, 'room task failed');
		});
	}

	async #load(): Promise<void> {
		try {
			const stored = await this.context.storage.loadRoom(this.id);
			this.#doc = await DocState.fromStored(stored, this.context.merger);
			if (this.#doc.leftOut > 0) {
				this.context.logger.warn({ room: this.id, entries: this.#doc.leftOut }, 'stored updates nested too deep left out');
			}
			const logBytes = stored.updates.reduce((sum, u) => sum + u.data.byteLength, 0);
			this.context.logger.debug({ room: this.id, logEntries: stored.updates.length }, 'room loaded');
			this.#compactor.loaded(stored.updates.length, logBytes, stored.snapshot?.data.byteLength ?? 0);
			this.context.roomLoaded?.(this.id, null);
		} catch (error) {
			this.context.roomLoaded?.(this.id, errorMessage(error));
			this.#failed = true;
			this.#doc = null;
			this.context.metrics.storageFailures.inc({ operation: 'load' });
			this.context.logger.error({ room: this.id, error: errorMessage(error) }, 'room failed to load');
			for (const connection of this.connections) {
				connection.close(CLOSE_INTERNAL_ERROR, 'storage unavailable');
			}
		}
	}

	async #snapshot(): Promise<Snapshot | null> {
		const snapshot = await this.#doc?.snapshot();
		if (snapshot === undefined || snapshot === null) return null;
		return { seqUpto: snapshot.seq, data: snapshot.data, stateVector: snapshot.stateVector };
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
				// Own copy: the frame buffer may be a slice of a larger network chunk.
				const stateVector = message.stateVector.slice();
				// Answered from the outbox, once the updates handed over before it are in the
				// document: the answer then holds them too.
				this.#send(connection, async () => {
					if (!connection.open) return;
					const chunkBytes = this.context.syncChunkBytes;
					// A new device gets the same answer as every other new device.
					const frames =
						Y.decodeStateVector(stateVector).size === 0
							? await doc.freshAnswer(chunkBytes)
							: await doc.answerFor(stateVector, chunkBytes);
					await sendAnswerFrames(connection, frames);
					if (!connection.initialAckScheduled) {
						connection.initialAckScheduled = true;
						connection.scheduleAck(() => doc.encodedStateVector());
					}
				});
				return;
			}
			case 'sync-step2':
			case 'sync-update':
				return this.#receiveUpdate(connection, doc, message.update, message.kind);
			case 'awareness': {
				if (connection.access === 'read') {
					this.#dropWrite(connection, 'awareness');
					// The stock client reconnects after 30 s without a message; its own
					// awareness renewals (every 15 s) must still get an answer.
					this.#send(connection, () => void connection.send(SIGN_OF_LIFE));
					return;
				}
				const outcome = this.#presence.receive(connection, message.update);
				if (outcome.refused) return this.#refuse(connection, outcome.code, outcome.reason, outcome.error);
				for (const frame of outcome.toSender) this.#send(connection, () => void connection.send(frame));
				const forwarded = outcome.toAll;
				if (forwarded !== null) this.#send(null, () => this.#broadcast(forwarded, null));
				return;
			}
			case 'query-awareness': {
				const answer = this.#presence.everyone();
				this.#send(connection, () => void connection.send(answer));
				return;
			}
		}
	}

	async #receiveUpdate(
		connection: Connection,
		doc: DocState,
		update: Uint8Array,
		kind: 'sync-step2' | 'sync-update'
	): Promise<void> {
		let info;
		try {
			info = inspectUpdate(update);
		} catch (error) {
			// Nested deeper than a device can read: refused like any invalid update, and
			// counted apart, since it can only be crafted.
			if (error instanceof TooDeepError) return this.#refuse(connection, CLOSE_POLICY_VIOLATION, 'too-deep', error);
			if (!(error instanceof InvalidUpdateError)) throw error;
			return this.#refuse(connection, CLOSE_POLICY_VIOLATION, 'invalid update', error);
		}
		if (connection.access === 'read') {
			// A step 2 holding only deletions is the client's copy of the delete set, which
			// Yjs always sends whole; a sync update is a local edit, and so is any new struct.
			const isEdit =
				kind === 'sync-update'
					? info.clients.size > 0 || info.hasDeletions
					: !doc.addsNothing({ ...info, hasDeletions: false });
			if (isEdit) this.#dropWrite(connection, 'update');
			return;
		}
		// Updates still on their way to storage count as held: the same update sent again
		// meanwhile (a device repeating itself, a loop of relays) is not stored twice.
		const inFlight = [...this.#inFlight];
		if (info.hasDeletions && !doc.deletionsKnown && doc.addsNothing({ ...info, hasDeletions: false }, inFlight)) {
			// Only its deletions may be news: the room's are read once, a slice at a time.
			await doc.knowDeletions();
		}
		if (doc.addsNothing(info, inFlight)) {
			// Typically the answer to our step 1 from a client that has nothing new.
			this.context.metrics.updatesSkipped.inc();
			// Skipped because an update still on its way to storage carries the same: if that
			// one is not stored after all, this one is, before the acknowledgement.
			const relied = !doc.addsNothing(info);
			this.#send(connection, async () => {
				if (relied && !connection.rejected && !doc.addsNothing(info)) {
					await this.#store(connection, doc, update, info)();
					return;
				}
				connection.scheduleAck(() => doc.encodedStateVector());
			});
			return;
		}
		if (this.context.storageLow?.(update.byteLength) === true) {
			// Growth waits for space; the client keeps its change and comes back later.
			return this.#limit(connection, CLOSE_STORAGE_LOW, 'storage-low', {});
		}
		if (doc.byteLength + this.#pendingBytes + update.byteLength > this.context.maxRoomBytes) {
			// The held parts may overlap; only their merge says how large the room really is.
			await doc.compact();
			if (doc.byteLength + this.#pendingBytes + update.byteLength > this.context.maxRoomBytes) {
				return this.#limit(connection, CLOSE_ROOM_TOO_LARGE, 'room-too-large', { roomBytes: doc.byteLength });
			}
		}
		this.#send(connection, this.#store(connection, doc, update, info));
	}

	/**
	 * Hands the update to storage now; the task returned waits for it to be stored, then
	 * takes it into the document, forwards it and acknowledges it.
	 */
	#store(connection: Connection, doc: DocState, update: Uint8Array, info: UpdateInfo): () => Promise<void> {
		// The frame the others get is built once, and the bytes stored are a view of it:
		// one copy of the update (the received frame may be a slice of a larger network
		// chunk, which must not be held on to).
		const frame = encodeSyncUpdate(update);
		const data = frame.subarray(frame.byteLength - update.byteLength);
		this.#pendingBytes += data.byteLength;
		this.#inFlight.add(info);
		const stored = this.context.commits.append(this.id, data, { dropped: () => connection.rejected });
		// The outbox may reach this update long after the commit has refused it (a later
		// frame of the same socket was refused, the disk is full): the rejection is handled
		// there, and must not count as unhandled meanwhile, or Node stops the whole relay.
		stored.catch(() => {});
		return async () => {
			let seq: number;
			try {
				seq = await stored;
			} catch (error) {
				// Not stored means not forwarded and not acknowledged; the client keeps the
				// change and sends it again when it reconnects.
				this.#inFlight.delete(info);
				if (!(error instanceof AppendDropped) && !connection.rejected) {
					this.#refuse(connection, CLOSE_INTERNAL_ERROR, 'storage failure', error);
				}
				return;
			} finally {
				this.#pendingBytes -= data.byteLength;
			}
			this.#compactor.appended(data.byteLength);
			try {
				await doc.add(data, info, seq);
			} finally {
				this.#inFlight.delete(info);
			}
			this.#broadcast(frame, connection);
			connection.scheduleAck(() => doc.encodedStateVector());
		};
	}

	/** A read-only client tried to write: nothing is stored or forwarded. */
	#dropWrite(connection: Connection, kind: 'update' | 'awareness'): void {
		this.context.metrics.readonlyWritesDropped.inc({ kind });
		this.context.logger.debug({ room: this.id, connection: connection.id, kind }, 'read-only write dropped');
	}

	#broadcast(frame: Uint8Array, except: Connection | null): void {
		for (const connection of this.connections) {
			if (connection !== except) connection.send(frame);
		}
	}

	/** A limit was reached: a refusal with its own close code and metric. */
	#limit(connection: Connection, code: number, reason: string, fields: object): void {
		connection.rejected = true;
		this.context.metrics.refusals.inc({ reason });
		this.context.logger.warn({ room: this.id, connection: connection.id, reason, code, ...fields }, 'connection refused');
		connection.close(code, reason);
	}

	#refuse(connection: Connection, code: number, reason: string, error: unknown): void {
		connection.rejected = true;
		this.context.metrics.framesRejected.inc({ reason });
		const log = code === CLOSE_INTERNAL_ERROR ? this.context.logger.error : this.context.logger.warn;
		log.call(
			this.context.logger,
			{ room: this.id, connection: connection.id, reason, error: errorMessage(error) },
			'closing connection'
		);
		connection.close(code, reason);
	}
}
