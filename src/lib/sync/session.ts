/**
 * An open space on this device: its Y.Doc, kept in IndexedDB and connected to
 * its relay with the stock y-websocket provider. The local copy is the primary
 * one: everything works before, and without, any connection.
 */
import { MESSAGE_STORED } from '$wire';
import * as decoding from 'lib0/decoding';
import { IndexeddbPersistence, storeState } from 'y-indexeddb';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { LOCAL_ORIGIN } from '../domain/core';
import type { Identity, SpaceEntry } from './device';
import { relayParams } from './keys';
import { probeAccess, problemFromCloseCode, relayProtocols, type RelayProblem } from './relay-access';
import { watchPeers, type Peer } from './peers';
import { afterPaint, readFirstScreen, type FirstScreen } from './first-screen';
import { applyFirstAnswerAtOnce } from './initial-sync';
import { sendBigAnswersInPieces } from './big-answers';
import { loadInPieces, PIECES_FROM_BYTES, readStoredCopy } from './local-copy';
import { linkTabs } from './tabs';
import { addMark, FILE_ORIGIN, lostMarks, marksOfMerge, parseMarks, unconfirmed, type Mark } from './pending';

const MAX_BACKOFF_MS = 15_000;
/** A device the relay may not let open the space waits for a member's device to do it. */
const UNCLAIMED_RETRY_MS = 30_000;

export type Connection = 'offline' | 'connecting' | 'connected';

export interface SyncStatus {
	connection: Connection;
	/** Connected and the relay's copy has been merged with ours. */
	synced: boolean;
	/** Local changes the relay has not yet confirmed storing. */
	pending: number;
	/** Other devices in this space right now. */
	peers: Peer[];
	/** The relay's reason for not syncing, when it gave one. */
	problem: RelayProblem | null;
	/** Local changes found lost with the browser's data before the relay had them; 0 once the person has read it. */
	lost: number;
}

export class SpaceSession {
	readonly doc = new Y.Doc();
	/** Resolves once the local copy has loaded: nothing may be seeded before. */
	readonly loaded: Promise<void>;
	/** The first screen kept from the last visit, read before the local copy starts loading. */
	readonly firstScreen: Promise<FirstScreen | null>;
	private persistence: IndexeddbPersistence | null = null;
	private provider: WebsocketProvider | null = null;
	private marks: Mark[];
	private status: SyncStatus = { connection: 'offline', synced: false, pending: 0, peers: [], problem: null, lost: 0 };
	private readonly listeners = new Set<() => void>();
	private destroyed = false;
	private stopPeers: () => void = () => {};
	private unlinkTabs: () => void = () => {};
	private unclaimedRetry: ReturnType<typeof setTimeout> | undefined;

	constructor(
		private _entry: SpaceEntry,
		private identity: Identity,
		private readonly storage: Storage = localStorage,
		/** The app's build, whose kept first screen may be shown; none is read without it. */
		build = ''
	) {
		this.firstScreen = build ? readFirstScreen(_entry.id, build) : Promise.resolve(null);
		this.loaded = this.load();
		this.marks = parseMarks(storage.getItem(this.marksKey));
		this.status.pending = this.marks.length;
		void this.loaded.then(this.dropLostMarks);
		void this.loaded.then(() => {
			if (!this.destroyed) this.unlinkTabs = linkTabs(this.doc, _entry.id);
		});
		this.doc.on('afterTransaction', this.onTransaction);
		void this.connect();
	}

	get entry(): SpaceEntry {
		return this._entry;
	}

	get readOnly(): boolean {
		return this._entry.access === 'read';
	}

	get current(): SyncStatus {
		return this.status;
	}

	/** Calls `listener` whenever the status changes; returns the unsubscriber. */
	onStatus(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	setIdentity(identity: Identity): void {
		this.identity = identity;
		this.provider?.awareness.setLocalStateField('member', { id: identity.memberId, name: identity.name });
	}

	/** Tries the relay now instead of waiting for the next backoff step (e.g. the network came back). */
	retryNow(): void {
		const provider = this.provider;
		// A refused key, or a claim key still to be typed, is not fixed by trying again.
		if (provider && !provider.wsconnected && this.status.problem !== 'refused' && this.status.problem !== 'claim_key') {
			provider.wsUnsuccessfulReconnects = 0;
			provider.connect();
		}
	}

	/** Connects again with another secret: after a rotation, or a fresh invite to a known space. */
	replaceEntry(entry: SpaceEntry): void {
		this._entry = entry;
		clearTimeout(this.unclaimedRetry);
		this.provider?.destroy();
		this.provider = null;
		this.update({ connection: 'offline', synced: false, peers: [], problem: null });
		void this.connect();
	}

	destroy(): void {
		this.destroyed = true;
		clearTimeout(this.unclaimedRetry);
		this.stopPeers();
		this.unlinkTabs();
		this.doc.off('afterTransaction', this.onTransaction);
		this.provider?.destroy();
		void this.persistence?.destroy();
		this.doc.destroy();
		this.listeners.clear();
	}

	/**
	 * Loads the local copy, once a kept first screen (if any) is on screen. A large
	 * copy loads in pieces with the page running in between (local-copy.ts); a small
	 * one in one go, as y-indexeddb does it.
	 */
	private async load(): Promise<void> {
		if (await this.firstScreen) await afterPaint();
		if (this.destroyed) return;
		const name = `passerelle:${this._entry.id}`;
		const stored = await readStoredCopy(name).catch(() => null);
		if (this.destroyed) return;
		const persistence = new IndexeddbPersistence(name, this.doc);
		this.persistence = persistence;
		const inPieces = stored !== null && stored.bytes >= PIECES_FROM_BYTES ? stored : null;
		// Set before y-indexeddb opens the database: it then reads only rows written after these.
		if (inPieces) persistence._dbref = inPieces.lastKey + 1;
		loadWithoutReencoding(this.doc, persistence);
		await persistence.whenSynced;
		if (inPieces) await loadInPieces(this.doc, persistence, inPieces);
	}

	private get marksKey(): string {
		return `passerelle:pending:${this._entry.id}`;
	}

	/**
	 * Rewrites the device's copy as the document is now, in one piece: after a large
	 * removal (history moved to the archive), the next opening reads only what is left.
	 */
	async compactLocalCopy(): Promise<void> {
		await this.loaded;
		if (this.persistence && !this.destroyed) await storeState(this.persistence, true);
	}

	/** The person has read that changes were lost. */
	dismissLost(): void {
		this.update({ lost: 0 });
	}

	/**
	 * Once the local copy has loaded, a mark whose change it lacks can never be
	 * confirmed: the change went with the browser's data before reaching the
	 * relay. Say so once, and stop counting it as waiting.
	 */
	private readonly dropLostMarks = (): void => {
		if (this.destroyed) return;
		const { kept, lost } = lostMarks(this.marks, (client) => Y.getState(this.doc.store, client));
		if (lost.length === 0) return;
		this.marks = kept;
		this.saveMarks();
		this.update({ lost: this.status.lost + lost.length });
	};

	private async connect(): Promise<void> {
		const entry = this._entry;
		// A sample collective stays on the device: no relay ever hears of it.
		if (entry.sample) return;
		// Before the local copy has loaded, the relay would be told this device holds nothing and
		// send the whole space, which the device then decodes a second time.
		await this.loaded;
		const params = await relayParams(entry.secret, entry.id, entry.access);
		if (this.destroyed || entry !== this._entry) return;
		// Credentials travel as subprotocols, never in the URL (a proxy logs URLs).
		// Only a member proves the claim: a read-only device must never open the room.
		const claim = entry.access === 'member' ? { claim: entry.claim, recoveryHash: entry.recoveryHash } : {};
		const provider = new WebsocketProvider(entry.relayUrl, entry.id, this.doc, {
			protocols: relayProtocols(params, { ...claim, claimKey: entry.claimKey }),
			maxBackoffTime: 1000,
			// Its channel sends the whole document to other tabs on each connection: see tabs.ts.
			disableBc: true
		});
		this.provider = provider;
		applyFirstAnswerAtOnce(provider);
		// A read-only device writes nothing the relay would keep: it has nothing big to send.
		if (entry.access !== 'read') sendBigAnswersInPieces(provider);
		const current = () => this.provider === provider;
		// The relay's state vector after a durable write: changes below it are no longer pending.
		provider.messageHandlers[MESSAGE_STORED] = (_encoder, decoder) => {
			this.onStored(Y.decodeStateVector(decoding.readVarUint8Array(decoder)));
		};
		provider.on('status', ({ status }) => {
			if (!current()) return;
			// The stock client says "connecting" before every retry, forever when the relay is down or the
			// network gone: once an attempt has failed, the device is offline until one succeeds.
			const retrying = provider.wsUnsuccessfulReconnects > 0;
			this.update({
				connection: status === 'connected' ? 'connected' : status === 'connecting' && !retrying ? 'connecting' : 'offline',
				synced: status === 'connected' ? this.status.synced : false
			});
		});
		provider.on('sync', (synced: boolean) => {
			if (!current()) return;
			// A relay short of disk still answers reads, then refuses the edits waiting here:
			// its word stands until they are stored, or the message would flicker at each retry.
			const keep = this.status.problem === 'storage_low' && this.status.pending > 0;
			this.update(synced && !keep ? { synced, problem: null } : { synced });
		});
		provider.on('connection-close', (event) => {
			if (!current()) return;
			// A connection that never opened says no "disconnected" of its own.
			if (this.status.connection !== 'offline') this.update({ connection: 'offline', synced: false });
			// Equal-jitter exponential backoff: devices of a whole site that lost the
			// network together do not all come back in the same millisecond.
			const attempt = provider.wsUnsuccessfulReconnects + 1;
			const ceiling = Math.min(2 ** attempt * 100, MAX_BACKOFF_MS);
			provider.maxBackoffTime = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
			const code = problemFromCloseCode(event?.code);
			// A read-only device never opens a space, claim key or not: it waits for a member.
			const problem = code === 'claim_key' && entry.access === 'read' ? 'unclaimed' : code;
			if (problem === 'unclaimed') {
				// The stock client stops on this code; come back later, or sooner on 'online'.
				clearTimeout(this.unclaimedRetry);
				this.unclaimedRetry = setTimeout(() => {
					if (current()) provider.connect();
				}, UNCLAIMED_RETRY_MS);
			}
			if (problem) this.update({ problem });
			else if (event && (attempt === 3 || attempt % 10 === 0)) void this.askWhyRefused(provider, params.token);
		});
		provider.awareness.setLocalStateField('member', {
			id: this.identity.memberId,
			name: this.identity.name
		});
		this.stopPeers();
		this.stopPeers = watchPeers(this.doc, provider.awareness, (peers) => {
			if (current()) this.update({ peers });
		});
	}

	/** Repeated failures: is it the network, or does the relay refuse us? Stop retrying if refused. */
	private async askWhyRefused(provider: WebsocketProvider, token: string): Promise<void> {
		if (typeof navigator !== 'undefined' && !navigator.onLine) return;
		const verdict = await probeAccess(this._entry.relayUrl, this._entry.id, token);
		if (verdict === 'refused' && this.provider === provider) {
			provider.disconnect();
			this.update({ connection: 'offline', problem: 'refused' });
		}
	}

	private readonly onTransaction = (transaction: Y.Transaction): void => {
		if (transaction.origin === FILE_ORIGIN) {
			const merged = marksOfMerge(transaction.beforeState, transaction.afterState);
			if (merged.length === 0) return;
			this.marks = [...this.marks, ...merged];
			this.saveMarks();
			return;
		}
		if (transaction.origin !== LOCAL_ORIGIN) return;
		const clock = transaction.afterState.get(this.doc.clientID) ?? 0;
		const wrote = clock !== (transaction.beforeState.get(this.doc.clientID) ?? 0) || transaction.deleteSet.clients.size > 0;
		if (!wrote) return;
		this.marks = addMark(this.marks, this.doc.clientID, Y.getState(this.doc.store, this.doc.clientID));
		this.saveMarks();
	};

	private onStored(relayState: Map<number, number>): void {
		const left = unconfirmed(this.marks, relayState);
		if (left.length === this.marks.length) return;
		this.marks = left;
		this.saveMarks();
		if (left.length === 0 && this.status.problem === 'storage_low') this.update({ problem: null });
	}

	private saveMarks(): void {
		try {
			this.storage.setItem(this.marksKey, JSON.stringify(this.marks));
		} catch {
			// A full storage only costs the count after a reload; the edits themselves are in IndexedDB.
		}
		this.update({ pending: this.marks.length });
	}

	private update(change: Partial<SyncStatus>): void {
		this.status = { ...this.status, ...change };
		for (const listener of this.listeners) listener();
	}
}

/**
 * y-indexeddb applies what it holds in one transaction of its own origin. Yjs
 * encodes every transaction's changes again for the document's `update`
 * listeners, so loading a large space would re-encode all of it (seconds on a
 * slow phone) only for y-indexeddb to skip it as its own. Its listener is set
 * aside for those transactions; the app's own listeners use `afterTransaction`,
 * which costs no encoding.
 */
function loadWithoutReencoding(doc: Y.Doc, persistence: IndexeddbPersistence): void {
	let aside = false;
	doc.on('beforeTransaction', (transaction: Y.Transaction) => {
		if (transaction.origin !== persistence || aside) return;
		aside = true;
		doc.off('update', persistence._storeUpdate);
	});
	doc.on('afterAllTransactions', () => {
		if (!aside) return;
		aside = false;
		if (!persistence._destroyed) doc.on('update', persistence._storeUpdate);
	});
}
