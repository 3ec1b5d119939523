// A site relay's links to its upstream: one per room chained (POST /rooms/<id>/upstream),
// kept across restarts, at most `maxLinks` open at once. Beyond the cap, rooms take the
// places in turn (#rotate): idle links close, and a link that has had its turn gives its
// place once caught up, even to phones still connected here; a room waiting keeps its
// changes in its own log meanwhile, since what the site holds beyond what the upstream has
// is exactly what the next sync sends.
import type { Logger } from '../logger.js';
import { errorMessage } from '../protocol/messages.js';
import type { RelayMetrics } from '../metrics.js';
import type { RoomRegistry } from '../rooms/rooms.js';
import { LinkStore, type LinkCredentials } from './link-store.js';
import { UpstreamLink, type LinkDeps, type LinkReport, type LinkState } from './link.js';
import { SealedBox } from './sealed.js';

/** A key change the upstream could not take yet is offered again this often. */
const ROTATION_RETRY_MS = 5000;
/** How often links are looked over: idle ones closed, waiting rooms given the places freed. */
const ROUND_MS = 2000;
/** How long a link keeps its place while other rooms wait, once caught up with the upstream. */
const TURN_MS = 20_000;

export interface UpstreamOptions {
	/** The upstream relay's sync URL: ws(s)://host[:port][/sync]. */
	url: string;
	maxLinks: number;
	/** A link's turn when rooms wait for a place; TURN_MS unless given. */
	turnMs?: number;
}

/** `UPSTREAM` as an operator writes it, made the base of the rooms' sync URLs. */
export function upstreamSyncUrl(url: string): string {
	const parsed = new URL(url);
	if (parsed.protocol === 'https:') parsed.protocol = 'wss:';
	if (parsed.protocol === 'http:') parsed.protocol = 'ws:';
	if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') throw new Error('UPSTREAM must be a ws://, wss://, http:// or https:// URL');
	if (parsed.search !== '' || parsed.hash !== '' || parsed.username !== '' || parsed.password !== '') {
		throw new Error('UPSTREAM must be a plain URL: no query, fragment or credentials (tokens are given per room)');
	}
	const base = parsed.toString().replace(/\/+$/, '');
	return base.endsWith('/sync') ? base : `${base}/sync`;
}

export class UpstreamLinks {
	readonly #store: LinkStore;
	readonly #links = new Map<string, UpstreamLink>();
	readonly #url: string;
	readonly #httpBase: string;
	readonly #replays = new Map<string, NodeJS.Timeout>();
	/** When each room's link last closed idle (everything acknowledged, nobody here): the longest waiting goes first. */
	readonly #rested = new Map<string, number>();
	/** When each open link opened: a link gives its place to a waiting room after its turn. */
	readonly #opened = new Map<string, number>();
	/** Links found idle at the last round: closed if still idle at this one. */
	#idle = new Set<string>();
	#round: NodeJS.Timeout | null = null;

	constructor(
		dataDir: string,
		private readonly options: UpstreamOptions,
		private readonly deps: Omit<LinkDeps, 'changed'>
	) {
		this.#url = upstreamSyncUrl(options.url);
		this.#httpBase = this.#url.replace(/^ws/, 'http').replace(/\/sync$/, '');
		this.#store = new LinkStore(dataDir, SealedBox.open(dataDir));
	}

	/** Opens the links of every room chained before the restart, up to the cap. */
	start(): void {
		this.deps.registry.joined = (roomId) => this.#joined(roomId);
		// Key changes made while the upstream could not be reached, before a restart.
		for (const room of this.#store.rooms()) if (this.#store.pending(room) !== null) void this.#replay(room);
		for (const room of this.#store.rooms()) this.#open(room);
		this.#round = setInterval(() => this.#rotate(), ROUND_MS);
		this.#round.unref();
		this.deps.logger.info({ upstream: this.#url, rooms: this.#store.rooms().length, open: this.#links.size }, 'upstream links started');
	}

	/** Chains a room, or renews the tokens of one chained already. */
	enable(room: string, credentials: LinkCredentials): LinkReport | null {
		const known = this.#store.credentials(room);
		this.#store.set(room, credentials);
		const link = this.#links.get(room);
		if (link && known && JSON.stringify(known) === JSON.stringify({ ...known, ...credentials })) {
			link.retryNow();
			return link.report();
		}
		link?.stop();
		this.#links.delete(room);
		this.#open(room);
		// Its parts already loaded here (the history archive…) chain with it.
		for (const part of this.deps.registry.family(room)) if (part.id !== room) this.#chainPart(part.id, room);
		return this.report(room);
	}

	/** A part of a chained space (`<room>.<part>`) chains with it, under the space's tokens. */
	#joined(roomId: string): void {
		const dot = roomId.indexOf('.');
		if (dot === -1 || this.#store.has(roomId)) return;
		const parent = roomId.slice(0, dot);
		if (this.#store.has(parent)) this.#chainPart(roomId, parent);
	}

	#chainPart(part: string, parent: string): void {
		const credentials = this.#store.credentials(parent);
		if (credentials === null) return;
		this.#store.set(part, credentials);
		this.#open(part);
	}

	/**
	 * The room's tokens were changed on this relay (after a lost phone): the same change is
	 * made on the upstream with the token it replaced, now or, if the upstream cannot be
	 * reached, when it can. The old token then opens the room on neither relay.
	 */
	rotated(room: string, current: string, next: { token: string; readToken: string | null }): void {
		if (!this.#store.has(room)) return;
		this.#store.setPending(room, { from: current, token: next.token, readToken: next.readToken });
		void this.#replay(room);
	}

	async #replay(room: string): Promise<void> {
		clearTimeout(this.#replays.get(room));
		this.#replays.delete(room);
		const pending = this.#store.pending(room);
		const credentials = this.#store.credentials(room);
		if (pending === null || credentials === null) return;
		let outcome: 'done' | 'later' = 'later';
		try {
			const response = await fetch(`${this.#httpBase}/rooms/${encodeURIComponent(room)}/rotate`, {
				method: 'POST',
				headers: { Authorization: `Bearer ${pending.from}`, 'Content-Type': 'application/json' },
				body: JSON.stringify({ token: pending.token, readToken: pending.readToken }),
				signal: AbortSignal.timeout(15_000)
			});
			await response.body?.cancel();
			if (response.ok) outcome = 'done';
			else if (response.status === 403 || response.status === 404) {
				// Changed there already (by a device in town with the same new key), or never held there.
				const probe = await fetch(`${this.#httpBase}/sync/${encodeURIComponent(room)}`, { headers: { Authorization: `Bearer ${pending.token}` }, signal: AbortSignal.timeout(15_000) });
				await probe.body?.cancel();
				if (probe.status === 426 || response.status === 404) outcome = 'done';
			}
		} catch (error) {
			this.deps.logger.debug({ room, error: errorMessage(error) }, 'upstream key change not replayed yet');
		}
		if (outcome === 'later') {
			const timer = setTimeout(() => void this.#replay(room), ROTATION_RETRY_MS);
			timer.unref();
			this.#replays.set(room, timer);
			return;
		}
		this.deps.logger.info({ room }, 'key change replayed on the upstream');
		const renewed = { ...credentials, token: pending.token, readToken: pending.readToken };
		this.#store.setPending(room, null);
		// The room and its parts reach the upstream with the new tokens from now on.
		for (const chained of [room, ...this.#store.rooms().filter((other) => other.startsWith(`${room}.`))]) {
			this.#store.set(chained, renewed);
			this.#links.get(chained)?.stop();
			this.#links.delete(chained);
			this.#open(chained);
		}
	}

	disable(room: string): boolean {
		const link = this.#links.get(room);
		link?.stop();
		this.#links.delete(room);
		this.#opened.delete(room);
		const removed = this.#store.delete(room);
		for (const part of this.#store.rooms()) {
			if (!part.startsWith(`${room}.`)) continue;
			this.#links.get(part)?.stop();
			this.#links.delete(part);
			this.#store.delete(part);
		}
		// A place freed: a room waiting for one gets it.
		for (const waiting of this.#store.rooms()) if (!this.#links.has(waiting)) this.#open(waiting);
		return removed || link !== undefined;
	}

	chained(room: string): boolean {
		return this.#store.has(room);
	}

	/** The link's state, or a waiting report for a room chained beyond the cap; null for a room not chained. */
	report(room: string): LinkReport | null {
		const link = this.#links.get(room);
		if (link) return link.report();
		if (!this.#store.has(room)) return null;
		return { room, state: 'waiting', since: Date.now(), refusal: null, bytesIn: 0, bytesOut: 0, retryAt: null, behind: null };
	}

	count(state: LinkState): number {
		let count = 0;
		for (const link of this.#links.values()) if (link.state === state) count += 1;
		return count;
	}

	get size(): number {
		return this.#store.rooms().length;
	}

	stopAll(): void {
		if (this.#round !== null) clearInterval(this.#round);
		this.#round = null;
		this.deps.registry.joined = null;
		for (const timer of this.#replays.values()) clearTimeout(timer);
		this.#replays.clear();
		for (const link of this.#links.values()) link.stop();
		this.#links.clear();
	}

	/**
	 * With more rooms chained than places for links, rooms take turns. A link whose room has
	 * nobody here and whose every change the upstream has acknowledged closes after two
	 * rounds idle. A link open for a whole turn gives its place too, once caught up (every
	 * change sent acknowledged), or at once if it cannot reach the upstream or is refused
	 * there: phones connected here keep working on the site, and their changes go up at the
	 * room's next turn. The places go to the rooms waiting, those with devices connected here
	 * first, then those that have waited longest. With places for every room, links stay open.
	 */
	#rotate(): void {
		const chained = this.#store.rooms();
		const waiting = chained.filter((room) => !this.#links.has(room));
		if (waiting.length === 0) {
			this.#idle.clear();
			return;
		}
		const now = Date.now();
		const turn = this.options.turnMs ?? TURN_MS;
		const idleNow = new Set<string>();
		const turnOver: string[] = [];
		for (const [room, link] of this.#links) {
			const report = link.report();
			const caughtUp = report.state === 'connected' && report.behind === 0;
			const present = this.deps.registry.get(room)?.connections.size ?? 0;
			// The link's own connection is one of the room's.
			if (caughtUp && present <= 1) idleNow.add(room);
			else if (now - (this.#opened.get(room) ?? now) >= turn && (caughtUp || report.state !== 'connected')) turnOver.push(room);
		}
		const closing = [...idleNow].filter((room) => this.#idle.has(room));
		// As many turns end as rooms wait, the longest open first.
		turnOver.sort((a, b) => (this.#opened.get(a) ?? 0) - (this.#opened.get(b) ?? 0));
		closing.push(...turnOver.slice(0, Math.max(0, waiting.length - closing.length)));
		for (const room of closing) {
			this.#links.get(room)?.stop();
			this.#links.delete(room);
			this.#opened.delete(room);
			this.#rested.set(room, now);
		}
		this.#idle = idleNow;
		const busy = (room: string) => (this.deps.registry.get(room)?.connections.size ?? 0) > 0;
		waiting.sort((a, b) => Number(busy(b)) - Number(busy(a)) || (this.#rested.get(a) ?? 0) - (this.#rested.get(b) ?? 0) || (a < b ? -1 : 1));
		for (const room of waiting) this.#open(room);
	}

	#open(room: string): void {
		if (this.#links.has(room) || this.#links.size >= this.options.maxLinks) return;
		const credentials = this.#store.credentials(room);
		if (credentials === null) {
			this.deps.logger.error({ room }, 'upstream link tokens do not open with this relay key file: enable chaining again');
			return;
		}
		const link = new UpstreamLink(room, this.#url, credentials, this.deps);
		this.#links.set(room, link);
		this.#opened.set(room, Date.now());
		link.start();
	}
}
