/**
 * A space's archive: the history records moved out of the space's document
 * (see archiving in domain/core/activity.ts), in a document of its own, kept
 * in its own IndexedDB database and synced through the relay's sub-room
 * `<spaceId>.history` with the space's own tokens. It is opened only while a
 * page needs old records, or while this device archives, and closed after.
 */
import { MESSAGE_STORED } from '$wire';
import * as decoding from 'lib0/decoding';
import { IndexeddbPersistence, storeState } from 'y-indexeddb';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { activityArray } from '../domain/core';
import { relayParams } from './keys';
import { relayProtocols } from './relay-access';
import { archiveDue, archiveOldRecords, covers, type ArchiveConfirmations } from './archive-run';
import type { SpaceSession } from './session';
import type { SpaceEntry } from './device';

/** The sub-room's part: the relay gives it no meaning. */
export const ARCHIVE_PART = 'history';

export function archiveRoomId(spaceId: string): string {
	return `${spaceId}.${ARCHIVE_PART}`;
}

/**
 * 'loading': reading the device's copy. 'local': that copy is read, the relay not
 * (yet) reached. 'synced': the relay's copy is merged in.
 */
export type ArchiveState = 'loading' | 'local' | 'synced';

export class SpaceArchive {
	readonly doc = new Y.Doc();
	readonly loaded: Promise<void>;
	#state: ArchiveState = 'loading';
	#persistence: IndexeddbPersistence | null = null;
	#provider: WebsocketProvider | null = null;
	/** The relay's state vector as it last said it stores it. */
	#relayState = new Map<number, number>();
	readonly #listeners = new Set<() => void>();
	#destroyed = false;

	constructor(readonly entry: SpaceEntry) {
		this.loaded = this.#load();
		void this.#connect();
	}

	get state(): ArchiveState {
		return this.#state;
	}

	/** How many records the device holds for this archive. */
	get held(): number {
		return activityArray(this.doc).length;
	}

	/** Calls `listener` when the state or the archive changes; returns the unsubscriber. */
	onChange(listener: () => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	#changed = (): void => {
		for (const listener of this.#listeners) listener();
	};

	async #load(): Promise<void> {
		const persistence = new IndexeddbPersistence(`passerelle:${archiveRoomId(this.entry.id)}`, this.doc);
		this.#persistence = persistence;
		await persistence.whenSynced;
		if (this.#destroyed) return;
		if (this.#state === 'loading') this.#state = 'local';
		// Only a transaction that changed something: a reading may run one while a view is derived.
		this.doc.on('afterTransaction', (transaction: Y.Transaction) => {
			if (transaction.changed.size > 0 || transaction.deleteSet.clients.size > 0) this.#changed();
		});
		this.#changed();
	}

	async #connect(): Promise<void> {
		// As the space does: the relay answers only what the device's copy lacks.
		await this.loaded;
		const entry = this.entry;
		const params = await relayParams(entry.secret, entry.id, entry.access);
		if (this.#destroyed) return;
		// No claim: a sub-room is never claimed, it opens with its space.
		const provider = new WebsocketProvider(entry.relayUrl, archiveRoomId(entry.id), this.doc, {
			protocols: relayProtocols(params, { claimKey: entry.claimKey }),
			maxBackoffTime: 2000,
			disableBc: true
		});
		this.#provider = provider;
		provider.messageHandlers[MESSAGE_STORED] = (_encoder, decoder) => {
			this.#relayState = Y.decodeStateVector(decoding.readVarUint8Array(decoder));
			this.#changed();
		};
		provider.on('sync', (synced: boolean) => {
			if (this.#destroyed) return;
			this.#state = synced ? 'synced' : 'local';
			this.#changed();
		});
	}

	/** Waits until `ready()` holds, checking at each change; rejects if the archive is closed first. */
	#until(ready: () => boolean): Promise<void> {
		return new Promise<void>((resolve, reject) => {
			const check = () => {
				if (this.#destroyed) {
					stop();
					reject(new Error('archive closed'));
				} else if (ready()) {
					stop();
					resolve();
				}
			};
			const stop = this.onChange(check);
			check();
		});
	}

	/** Resolves once the relay's copy has been merged with the device's. */
	whenSynced(): Promise<void> {
		return this.#until(() => this.#state === 'synced');
	}

	readonly confirmations: ArchiveConfirmations = {
		storedLocally: async () => {
			await this.loaded;
			const persistence = this.#persistence;
			if (persistence === null || this.#destroyed) throw new Error('archive closed');
			// The whole state written as one update, and awaited: the copy is in IndexedDB.
			await storeState(persistence, true);
		},
		storedOnRelay: (state) => this.#until(() => covers(this.#relayState, state))
	};

	destroy(): void {
		if (this.#destroyed) return;
		this.#destroyed = true;
		this.#changed();
		this.#listeners.clear();
		this.#provider?.destroy();
		void this.#persistence?.destroy();
		this.doc.destroy();
	}
}

interface Opened {
	archive: SpaceArchive;
	users: number;
}

const open = new WeakMap<SpaceSession, Opened>();

/** A hold on a space's archive: `release()` when the page or the pass no longer needs it. */
export interface ArchiveHold {
	readonly archive: SpaceArchive;
	release(): void;
}

/** Opens the space's archive, or shares it with whoever has it open; the last release closes it. */
export function holdArchive(session: SpaceSession): ArchiveHold {
	let opened = open.get(session);
	if (opened === undefined || opened.archive.entry !== session.entry) {
		opened = { archive: new SpaceArchive(session.entry), users: 0 };
		open.set(session, opened);
	}
	const held = opened;
	held.users++;
	let released = false;
	return {
		archive: held.archive,
		release() {
			if (released) return;
			released = true;
			held.users--;
			if (held.users > 0) return;
			held.archive.destroy();
			if (open.get(session) === held) open.delete(session);
		}
	};
}

/**
 * Archives the space's old history whenever this member device is in step with
 * the relay and the space holds more than it keeps; one pass at a time, each
 * holding the archive only for as long as it runs. Returns the stopper.
 */
const CHECK_DELAY_MS = 2000;

export function archiveWhenDue(session: SpaceSession): () => void {
	if (session.readOnly) return () => {};
	let running = false;
	let stopped = false;
	/** Gives up the running pass's waits: its archive was opened with keys the space no longer uses. */
	let abandon: () => void = () => {};
	const check = (): void => {
		if (running && holdEntry !== session.entry) abandon();
		if (running || stopped || session.readOnly || session.doc.isDestroyed || !session.current.synced) return;
		if (!archiveDue(session.doc)) return;
		running = true;
		const hold = holdArchive(session);
		holdEntry = hold.archive.entry;
		const given = new Promise<never>((_, reject) => (abandon = () => reject(new Error('keys changed'))));
		given.catch(() => {});
		const unless = <T>(wait: Promise<T>): Promise<T> => Promise.race([wait, given]);
		const { confirmations } = hold.archive;
		void (async () => {
			try {
				// Knowing what the archive already holds, the pass copies nothing twice.
				await unless(hold.archive.whenSynced());
				const pass = await archiveOldRecords(session.doc, hold.archive.doc, {
					storedLocally: () => unless(confirmations.storedLocally()),
					storedOnRelay: (state) => unless(confirmations.storedOnRelay(state))
				});
				if (pass.removed > 0) await session.compactLocalCopy();
			} catch {
				// Closed or cut off before the relay confirmed: nothing left the space; the next pass resumes.
			} finally {
				hold.release();
				running = false;
				// After new keys, the next pass opens the archive with them.
				if (holdEntry !== session.entry) later();
			}
		})();
	};
	let holdEntry: SpaceEntry | null = null;
	// After a burst of changes (a sync bringing many records), once: never inside a transaction.
	let soon: ReturnType<typeof setTimeout> | undefined;
	const later = (): void => {
		clearTimeout(soon);
		soon = setTimeout(check, CHECK_DELAY_MS);
	};
	const stop = session.onStatus(later);
	void session.loaded.then(() => {
		if (stopped) return;
		session.doc.on('afterTransaction', later);
		later();
	});
	return () => {
		stopped = true;
		clearTimeout(soon);
		stop();
		session.doc.off('afterTransaction', later);
	};
}
