// The rooms held in memory. A room is loaded by its first connection and unloaded some
// time after its last one leaves; everything it holds is already in storage by then.
import type { Connection } from './connection.js';
import { Room, type RoomContext } from './room.js';

export class RoomRegistry {
	readonly #rooms = new Map<string, Room>();
	readonly #unloadTimers = new Map<Room, NodeJS.Timeout>();
	#closed = false;

	constructor(
		private readonly context: RoomContext,
		/** How long an empty room stays loaded, in case someone comes back. */
		private readonly idleUnloadMs: number
	) {}

	get size(): number {
		return this.#rooms.size;
	}

	join(roomId: string, connection: Connection): Room {
		let room = this.#rooms.get(roomId);
		if (room === undefined || room.failed) {
			room = new Room(roomId, this.context);
			this.#rooms.set(roomId, room);
		}
		this.#cancelUnload(room);
		room.join(connection);
		return room;
	}

	leave(room: Room, connection: Connection): void {
		room.leave(connection);
		if (this.#closed || room.connections.size > 0 || this.#unloadTimers.has(room)) return;
		const timer = setTimeout(() => {
			this.#unloadTimers.delete(room);
			void this.#unload(room);
		}, this.idleUnloadMs);
		// An idle room is no reason to keep the process alive.
		timer.unref();
		this.#unloadTimers.set(room, timer);
	}

	/** Waits for every room's queue to drain and forgets them all (shutdown). */
	async closeAll(): Promise<void> {
		this.#closed = true;
		for (const timer of this.#unloadTimers.values()) clearTimeout(timer);
		this.#unloadTimers.clear();
		await Promise.all([...this.#rooms.values()].map((room) => room.settled()));
		this.#rooms.clear();
	}

	async #unload(room: Room): Promise<void> {
		// Let queued work (the last awareness removal, a pending compaction) finish first.
		await room.settled();
		if (room.connections.size > 0 || this.#rooms.get(room.id) !== room) return;
		this.#rooms.delete(room.id);
		this.context.logger.debug({ room: room.id }, 'room unloaded');
	}

	#cancelUnload(room: Room): void {
		const timer = this.#unloadTimers.get(room);
		if (timer === undefined) return;
		clearTimeout(timer);
		this.#unloadTimers.delete(room);
	}
}
