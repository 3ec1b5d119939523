// The in-memory twin of the SQLite store, for unit tests and for trying the relay
// without a disk. Same contract, no durability.
import {
	mergeForSnapshot,
	type CompactionResult,
	type RoomAccess,
	type RoomStorage,
	type StoredRoom
} from './storage.js';

interface MemoryRoom {
	access: RoomAccess;
	lastSeq: number;
	stored: StoredRoom;
}

export class MemoryStorage implements RoomStorage {
	readonly #rooms = new Map<string, MemoryRoom>();
	#closed = false;
	/** Tests flip this to see how the relay behaves when writes fail. */
	failWrites = false;

	async claimRoom(roomId: string, tokenHash: string): Promise<RoomAccess> {
		this.#assertOpen();
		let room = this.#rooms.get(roomId);
		if (room === undefined) {
			room = {
				access: { tokenHash, readonlyTokenHash: null },
				lastSeq: 0,
				stored: { snapshot: null, updates: [] }
			};
			this.#rooms.set(roomId, room);
		}
		return { ...room.access };
	}

	async loadRoom(roomId: string): Promise<StoredRoom> {
		this.#assertOpen();
		const room = this.#rooms.get(roomId);
		if (room === undefined) return { snapshot: null, updates: [] };
		const { snapshot, updates } = room.stored;
		return {
			snapshot: snapshot === null ? null : { ...snapshot, data: snapshot.data.slice() },
			updates: updates.map((update) => ({ seq: update.seq, data: update.data.slice() }))
		};
	}

	async appendUpdate(roomId: string, data: Uint8Array): Promise<number> {
		this.#assertOpen();
		if (this.failWrites) throw new Error('simulated write failure');
		const room = this.#rooms.get(roomId);
		if (room === undefined) throw new Error(`unknown room ${roomId}`);
		room.lastSeq += 1;
		room.stored.updates.push({ seq: room.lastSeq, data: data.slice() });
		return room.lastSeq;
	}

	async compactRoom(roomId: string): Promise<CompactionResult | null> {
		this.#assertOpen();
		const room = this.#rooms.get(roomId);
		const last = room?.stored.updates.at(-1);
		if (room === undefined || last === undefined) return null;
		const data = mergeForSnapshot(room.stored);
		const merged = room.stored.updates.length;
		room.stored = { snapshot: { seqUpto: last.seq, data }, updates: [] };
		return { seqUpto: last.seq, merged, snapshotBytes: data.byteLength };
	}

	async isWritable(): Promise<boolean> {
		return !this.#closed && !this.failWrites;
	}

	async close(): Promise<void> {
		this.#closed = true;
	}

	#assertOpen(): void {
		if (this.#closed) throw new Error('storage is closed');
	}
}
