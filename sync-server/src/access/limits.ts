// The relay's limits against runaway or hostile clients, and the small counters that
// enforce them. The defaults are generous on purpose: a whole site reconnecting at once
// sends bursts, and a whole site may share one address behind a router.
import { isIP } from 'node:net';

const MiB = 1024 * 1024;

export interface RelayLimits {
	/** Largest accepted WebSocket frame; larger ones close with 1009. */
	maxPayloadBytes: number;
	/** Largest room document (encoded as one update); an update that would pass it closes with 4413. */
	maxRoomBytes: number;
	/** Sustained messages per second on one connection… */
	messagesPerSecond: number;
	/** …with bursts of up to this many; beyond, the connection closes with 4529. */
	messageBurst: number;
	/** Open connections from one remote address; 0 turns the limit off. */
	maxConnectionsPerAddress: number;
	/** Rooms held in memory; 0 turns the limit off. */
	maxLoadedRooms: number;
	/** New rooms (claims) from one remote address in any hour; beyond, 4529; 0 turns the limit off. */
	maxNewRoomsPerAddress: number;
	/** Open sockets from one remote address that are not WebSockets (yet); 0 turns the limit off. */
	maxHttpSocketsPerAddress: number;
}

export const DEFAULT_LIMITS: RelayLimits = {
	maxPayloadBytes: 16 * MiB,
	maxRoomBytes: 64 * MiB,
	messagesPerSecond: 200,
	messageBurst: 1000,
	maxConnectionsPerAddress: 200,
	maxLoadedRooms: 10_000,
	// A site behind one router creates a handful of spaces a day; a relay that lost its
	// data sees its spaces claimed again, and past this they come back a little later.
	maxNewRoomsPerAddress: 20,
	// A browser keeps about six sockets per host; a site behind one address has many
	// browsers, and all of them reconnect at once after a restart of the relay.
	maxHttpSocketsPerAddress: 256
};

/**
 * A token bucket: `burst` tokens to start with, refilled at `perSecond`. One message costs
 * one token. Time comes from a function so tests need not wait.
 */
export class TokenBucket {
	#tokens: number;
	#last: number;

	constructor(
		private readonly perSecond: number,
		private readonly burst: number,
		private readonly now: () => number = () => performance.now()
	) {
		this.#tokens = burst;
		this.#last = now();
	}

	/** Takes one token; false when the bucket is empty. */
	take(): boolean {
		const now = this.now();
		const elapsed = Math.max(0, now - this.#last) / 1000;
		this.#last = now;
		this.#tokens = Math.min(this.burst, this.#tokens + elapsed * this.perSecond);
		if (this.#tokens < 1) return false;
		this.#tokens -= 1;
		return true;
	}
}

/** Open connections per remote address. */
export class AddressCounter {
	readonly #counts = new Map<string, number>();

	constructor(private readonly max: number) {}

	/** Whether one more connection from this address stays within the limit. */
	hasRoom(address: string): boolean {
		return this.max <= 0 || (this.#counts.get(address) ?? 0) < this.max;
	}

	add(address: string): void {
		this.#counts.set(address, (this.#counts.get(address) ?? 0) + 1);
	}

	remove(address: string): void {
		const count = (this.#counts.get(address) ?? 0) - 1;
		// Deleted at zero, so that passing addresses do not pile up.
		if (count <= 0) this.#counts.delete(address);
		else this.#counts.set(address, count);
	}

	get addresses(): number {
		return this.#counts.size;
	}
}

/**
 * What a per-address budget is kept for: the address itself for IPv4, the /64 network
 * for IPv6, since one subscriber is handed a whole /64 and could take a new address for
 * every room.
 */
export function addressBlock(address: string): string {
	if (isIP(address) !== 6) return address;
	const [head = '', tail] = address.split('::');
	const left = head === '' ? [] : head.split(':');
	const right = tail === undefined || tail === '' ? [] : tail.split(':');
	const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
	return `${groups
		.slice(0, 4)
		.map((group) => group.replace(/^0+(?=.)/, ''))
		.join(':')}::/64`;
}

/** Events per remote address in a sliding window (new rooms per hour). */
export class AddressRate {
	readonly #times = new Map<string, number[]>();
	#lastForget = 0;

	constructor(
		private readonly max: number,
		private readonly windowMs: number,
		private readonly now: () => number = () => Date.now()
	) {}

	/** Counts one event for this address; false (and nothing counted) when it is over the limit. */
	take(address: string): boolean {
		if (this.max <= 0) return true;
		const now = this.now();
		const recent = (this.#times.get(address) ?? []).filter((time) => time > now - this.windowMs);
		if (recent.length >= this.max) {
			this.#times.set(address, recent);
			return false;
		}
		recent.push(now);
		this.#times.set(address, recent);
		if (this.#times.size > 1024 && now - this.#lastForget > 60_000) {
			this.#lastForget = now;
			this.#forgetQuiet(now);
		}
		return true;
	}

	/** Addresses with nothing left in the window are dropped, so passing ones do not pile up. */
	#forgetQuiet(now: number): void {
		for (const [address, times] of this.#times) {
			if ((times.at(-1) ?? 0) <= now - this.windowMs) this.#times.delete(address);
		}
	}
}
