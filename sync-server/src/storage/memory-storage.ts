// The in-memory twin of the SQLite store, for unit tests and for trying the relay
// without a disk. Same contract, no durability.
import type { Append, CompactionResult, RoomAccess, RoomStorage, Snapshot, StoredRoom, TokenHashes } from './storage.js';

interface MemoryRoom {
	access: RoomAccess;
	createdAt: number;
	lastSeq: number;
	stored: StoredRoom;
}

export class MemoryStorage implements RoomStorage {
	readonly #rooms = new Map<string, MemoryRoom>();
	#closed = false;
	/** Tests flip this to see how the relay behaves when writes fail. */
	failWrites = false;

	async claimRoom(
		roomId: string,
		tokenHash: string,
		readonlyTokenHash: string | null = null,
		recoveryHash: string | null = null
	): Promise<RoomAccess> {
		this.#assertOpen();
		let room = this.#rooms.get(roomId);
		if (room === undefined) {
			room = {
				access: { tokenHash, readonlyTokenHash, recoveryHash },
				createdAt: Date.now(),
				lastSeq: 0,
				stored: { snapshot: null, updates: [] }
			};
			this.#rooms.set(roomId, room);
		}
		return { ...room.access };
	}

	async roomAccess(roomId: string): Promise<RoomAccess | null> {
		this.#assertOpen();
		const room = this.#rooms.get(roomId);
		return room === undefined ? null : { ...room.access };
	}

	async setReadonlyToken(roomId: string, readonlyTokenHash: string): Promise<RoomAccess> {
		this.#assertOpen();
		const room = this.#rooms.get(roomId);
		if (room === undefined) throw new Error(`room ${roomId} is not claimed`);
		if (room.access.readonlyTokenHash === null) room.access.readonlyTokenHash = readonlyTokenHash;
		return { ...room.access };
	}

	async replaceAccess(roomId: string, expectedTokenHash: string, next: TokenHashes): Promise<boolean> {
		this.#assertOpen();
		const room = this.#rooms.get(roomId);
		if (room === undefined || room.access.tokenHash !== expectedTokenHash) return false;
		room.access = { tokenHash: next.tokenHash, readonlyTokenHash: next.readonlyTokenHash, recoveryHash: room.access.recoveryHash };
		return true;
	}

	async deleteUnusedRooms(createdBefore: number, keep: (roomId: string) => boolean): Promise<string[]> {
		this.#assertOpen();
		const deleted: string[] = [];
		for (const [roomId, room] of this.#rooms) {
			if (room.createdAt >= createdBefore || room.lastSeq > 0 || keep(roomId)) continue;
			this.#rooms.delete(roomId);
			deleted.push(roomId);
		}
		return deleted;
	}

	async loadRoom(roomId: string): Promise<StoredRoom> {
		this.#assertOpen();
		const room = this.#rooms.get(roomId);
		if (room === undefined) return { snapshot: null, updates: [] };
		const { snapshot, updates } = room.stored;
		return {
			snapshot:
				snapshot === null
					? null
					: { ...snapshot, data: snapshot.data.slice(), stateVector: snapshot.stateVector?.slice() ?? null },
			updates: updates.map((update) => ({ seq: update.seq, data: update.data.slice() }))
		};
	}

	async appendUpdates(appends: readonly Append[]): Promise<number[]> {
		this.#assertOpen();
		if (this.failWrites) throw new Error('simulated write failure');
		// All or none, like one SQLite transaction: check every room before storing any.
		for (const { roomId } of appends) {
			if (!this.#rooms.has(roomId)) throw new Error(`unknown room ${roomId}`);
		}
		return appends.map(({ roomId, data }) => {
			const room = this.#rooms.get(roomId) as MemoryRoom;
			room.lastSeq += 1;
			room.stored.updates.push({ seq: room.lastSeq, data: data.slice() });
			return room.lastSeq;
		});
	}

	async appendUpdate(roomId: string, data: Uint8Array): Promise<number> {
		const [seq] = await this.appendUpdates([{ roomId, data }]);
		return seq as number;
	}

	async writeSnapshot(roomId: string, snapshot: Snapshot): Promise<CompactionResult | null> {
		this.#assertOpen();
		if (this.failWrites) throw new Error('simulated write failure');
		const room = this.#rooms.get(roomId);
		if (room === undefined) throw new Error(`unknown room ${roomId}`);
		if (snapshot.seqUpto > room.lastSeq) {
			throw new Error(`snapshot of room ${roomId} past its last entry (${snapshot.seqUpto} > ${room.lastSeq})`);
		}
		if ((room.stored.snapshot?.seqUpto ?? 0) >= snapshot.seqUpto) return null;
		const kept = room.stored.updates.filter((update) => update.seq > snapshot.seqUpto);
		const merged = room.stored.updates.length - kept.length;
		room.stored = {
			snapshot: { ...snapshot, data: snapshot.data.slice(), stateVector: snapshot.stateVector?.slice() ?? null },
			updates: kept
		};
		return { seqUpto: snapshot.seqUpto, merged, snapshotBytes: snapshot.data.byteLength };
	}

	/** Nothing here ever reaches a disk: this twin promises only as much as the process lives. */
	async synced(): Promise<void> {
		this.#assertOpen();
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
