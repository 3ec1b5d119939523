// Which rooms a site relay chains upstream, with the tokens to do it (sealed), kept in a
// small file of the data directory so that chaining survives restarts. Written whole to a
// temporary file, synced and renamed over the old one: a power cut leaves the old list or
// the new one, never half of either.
import fs from 'node:fs';
import path from 'node:path';
import type { SealedBox } from './sealed.js';

const FILE = 'upstream-links.json';

export interface LinkCredentials {
	token: string;
	/** The rest is needed only to claim the room on an upstream that does not hold it yet. */
	readToken: string | null;
	/** For a room whose id commits to them (see PROTOCOL.md, claims). */
	claim?: string | null;
	recoveryHash?: string | null;
	/** The upstream's CLAIM_KEY, if it has one. */
	claimKey?: string | null;
}

const OPTIONAL = ['readToken', 'claim', 'recoveryHash', 'claimKey'] as const;

/** A key change made on this relay, to replay on the upstream with the token it replaced. */
export interface PendingRotation {
	from: string;
	token: string;
	readToken: string | null;
}

interface StoredLink {
	pending?: { from: string; token: string; readToken: string | null } | null;
	token: string;
	readToken: string | null;
	claim?: string | null;
	recoveryHash?: string | null;
	claimKey?: string | null;
	enabledAt: number;
}

export class LinkStore {
	readonly #file: string;
	readonly #links = new Map<string, StoredLink>();
	/** Rooms whose sealed tokens no longer open (another key file): listed, never linked. */
	readonly unreadable: string[] = [];

	constructor(
		dataDir: string,
		private readonly box: SealedBox
	) {
		this.#file = path.join(dataDir, FILE);
		let raw: unknown = null;
		try {
			raw = JSON.parse(fs.readFileSync(this.#file, 'utf8'));
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${this.#file} does not read: ${(error as Error).message}`);
		}
		const links = (raw as { links?: unknown } | null)?.links;
		if (links && typeof links === 'object') {
			for (const [room, value] of Object.entries(links as Record<string, unknown>)) {
				const link = value as Partial<StoredLink>;
				if (typeof link.token !== 'string' || typeof link.enabledAt !== 'number') continue;
				const stored: StoredLink = { token: link.token, readToken: null, enabledAt: link.enabledAt };
				const pending = link.pending;
				if (pending && typeof pending.from === 'string' && typeof pending.token === 'string') {
					stored.pending = { from: pending.from, token: pending.token, readToken: typeof pending.readToken === 'string' ? pending.readToken : null };
				}
				for (const name of OPTIONAL) stored[name] = typeof link[name] === 'string' ? link[name] : null;
				this.#links.set(room, stored);
			}
		}
	}

	rooms(): string[] {
		return [...this.#links.keys()];
	}

	has(room: string): boolean {
		return this.#links.has(room);
	}

	credentials(room: string): LinkCredentials | null {
		const link = this.#links.get(room);
		if (!link) return null;
		const token = this.box.open(link.token);
		if (token === null) return null;
		const credentials: LinkCredentials = { token, readToken: null };
		for (const name of OPTIONAL) {
			const sealed = link[name];
			credentials[name] = typeof sealed === 'string' ? this.box.open(sealed) : null;
		}
		return credentials;
	}

	set(room: string, credentials: LinkCredentials, now = Date.now()): void {
		const before = this.#links.get(room);
		const stored: StoredLink = { token: this.box.seal(credentials.token), readToken: null, enabledAt: before?.enabledAt ?? now, pending: before?.pending ?? null };
		for (const name of OPTIONAL) {
			const value = credentials[name];
			stored[name] = typeof value === 'string' ? this.box.seal(value) : null;
		}
		this.#links.set(room, stored);
		this.#write();
	}

	pending(room: string): PendingRotation | null {
		const sealed = this.#links.get(room)?.pending;
		if (!sealed) return null;
		const from = this.box.open(sealed.from);
		const token = this.box.open(sealed.token);
		if (from === null || token === null) return null;
		return { from, token, readToken: sealed.readToken === null ? null : this.box.open(sealed.readToken) };
	}

	setPending(room: string, rotation: PendingRotation | null): void {
		const link = this.#links.get(room);
		if (!link) return;
		link.pending =
			rotation === null
				? null
				: { from: this.box.seal(rotation.from), token: this.box.seal(rotation.token), readToken: rotation.readToken === null ? null : this.box.seal(rotation.readToken) };
		this.#write();
	}

	delete(room: string): boolean {
		if (!this.#links.delete(room)) return false;
		this.#write();
		return true;
	}

	#write(): void {
		const body = JSON.stringify({ version: 1, links: Object.fromEntries(this.#links) });
		const temporary = `${this.#file}.tmp`;
		const fd = fs.openSync(temporary, 'w', 0o600);
		try {
			fs.writeSync(fd, body);
			fs.fsyncSync(fd);
		} finally {
			fs.closeSync(fd);
		}
		fs.renameSync(temporary, this.#file);
	}
}
