// The rooms held in memory. A room is loaded by its first connection and unloaded some
// time after its last one leaves; everything it holds is already in storage by then, and
// its log is folded into a snapshot on the way out, so that loading it again is cheap.
import type { Connection } from './connection.js';
import { Room, type RoomContext } from './room.js';

export class RoomRegistry {
	readonly #rooms = new Map<string, Room>();
	/** Empty rooms waiting to be unloaded, oldest first (a Map keeps insertion order). */
	readonly #unloadTimers = new Map<Room, NodeJS.Timeout>();
	/**
	 * Rooms unloaded early whose last tasks (a commit, a compaction) may still run, by id:
	 * a new instance of the same room loads only once they are done, so that it reads
	 * everything the old one stored.
	 */
	readonly #draining = new Map<string, Promise<void>>();
	#closed = false;
	/** Told of every room a connection joins (a site relay chains the sub-rooms of chained rooms). */
	joined: ((roomId: string) => void) | null = null;

	constructor(
		private readonly context: RoomContext,
		/** How long an empty room stays loaded, in case someone comes back. */
		private readonly idleUnloadMs: number,
		/** Rooms held in memory at most; 0 for no limit. */
		private readonly maxLoadedRooms: number = 0
	) {}

	get size(): number {
		return this.#rooms.size;
	}

	get(roomId: string): Room | undefined {
		return this.#rooms.get(roomId);
	}

	/** The loaded room `roomId` and its loaded sub-rooms (`<roomId>.<part>`), which share its access. */
	family(roomId: string): Room[] {
		const prefix = `${roomId}.`;
		return [...this.#rooms.values()].filter((room) => room.id === roomId || room.id.startsWith(prefix));
	}

	/**
	 * Adds the connection to its room, loading the room if needed. Returns null when the
	 * room is not loaded, the relay holds its maximum of rooms and none of them is empty.
	 */
	join(roomId: string, connection: Connection): Room | null {
		let room = this.#rooms.get(roomId);
		if (room === undefined || room.failed) {
			if (room === undefined && !this.#makeSpace()) return null;
			room = new Room(roomId, this.context, this.#draining.get(roomId));
			this.#rooms.set(roomId, room);
		}
		this.#cancelUnload(room);
		room.join(connection);
		this.joined?.(roomId);
		return room;
	}

	leave(room: Room, connection: Connection): void {
		room.leave(connection);
		if (this.#closed || room.connections.size > 0 || this.#unloadTimers.has(room)) return;
		const timer = setTimeout(() => {
			this.#unloadTimers.delete(room);
			this.#unload(room).catch((error: unknown) => {
				this.context.metrics.errors.inc({ where: 'unload' });
				this.context.logger.error({ room: room.id, error: String(error) }, 'room unload failed');
			});
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
		const rooms = [...this.#rooms.values()];
		await Promise.all([...rooms.map((room) => room.settled()), ...this.#draining.values()]);
		for (const room of rooms) room.dispose();
		this.#rooms.clear();
	}

	/** Whether one more room fits, after unloading the longest-idle empty room if need be. */
	#makeSpace(): boolean {
		if (this.maxLoadedRooms <= 0 || this.#rooms.size < this.maxLoadedRooms) return true;
		const [idle] = this.#unloadTimers.keys();
		if (idle === undefined) return false;
		this.#cancelUnload(idle);
		// Its last updates may still be on their way to storage, and its log gets folded:
		// a shutdown, and a new instance of the room, wait for that.
		this.#rooms.delete(idle.id);
		const drained = idle
			.prepareUnload()
			.catch(() => {})
			.finally(() => {
				idle.dispose();
				if (this.#draining.get(idle.id) === drained) this.#draining.delete(idle.id);
			});
		this.#draining.set(idle.id, drained);
		this.context.logger.debug({ room: idle.id }, 'idle room unloaded early to make space');
		return true;
	}

	async #unload(room: Room): Promise<void> {
		// Let queued work (the last awareness removal, a pending compaction) finish first,
		// and fold the log. Someone may come back meanwhile: then the room stays.
		await room.prepareUnload();
		if (room.connections.size > 0 || this.#rooms.get(room.id) !== room || this.#closed) return;
		this.#rooms.delete(room.id);
		room.dispose();
		this.context.logger.debug({ room: room.id }, 'room unloaded');
	}

	#cancelUnload(room: Room): void {
		const timer = this.#unloadTimers.get(room);
		if (timer === undefined) return;
		clearTimeout(timer);
		this.#unloadTimers.delete(room);
	}
}
