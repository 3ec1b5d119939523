/**
 * A federation opened for reading from inside a collective: its document kept
 * on the device and synced with the read secret the collective keeps, and the
 * verdicts on its signatures. The view is recomputed once the records that
 * arrived are verified, so a genuine record never flashes as unverified.
 */
import type * as Y from 'yjs';
import type { SpaceId } from '$lib/domain/core';
import { readSpaceMeta } from '$lib/domain/space';
import {
	deriveIdentity,
	federationView,
	NO_VERDICTS,
	pinCharter,
	pinnedCharter,
	planPublication,
	readFederations,
	repairCharter,
	runAdmissions,
	runExchanges,
	runPledges,
	runPublication,
	VerdictCache,
	verifyFederation,
	type BridgeRun,
	type CharterTerms,
	type CollectiveId,
	type CollectiveIdentity,
	type ExchangeRun,
	type FederationLink,
	type FederationView,
	type ListingFilter,
	type Verdicts
} from '$lib/domain/federation';
import type { Identity } from '$lib/sync/device';
import { SpaceSession, type SyncStatus } from '$lib/sync/session';

/** Changes arriving in a burst (the first sync) are verified once. */
const VERIFY_DELAY_MS = 50;
/** Edits typed in a burst are carried across once. */
const BRIDGE_DELAY_MS = 300;

/**
 * The collective reading, when this device is one of its members: its
 * publications are carried across by this device if it holds the
 * federation's member secret (a delegate's device), and otherwise counted as
 * waiting for one.
 */
export interface Delegate {
	memberSecret: string | null;
	collective: { doc: Y.Doc; spaceId: string; secret: string };
}

export class FederationReader {
	readonly session: SpaceSession;
	#verdicts = $state.raw<Verdicts>(NO_VERDICTS);
	/** Bumped when verdicts for the document as it is now are ready. */
	#version = $state(0);
	#loaded = $state(false);
	#sessionLoaded = false;
	#status = $state.raw<SyncStatus>({ connection: 'offline', synced: false, pending: 0, peers: [], problem: null, lost: 0 });
	readonly #cache = new VerdictCache();
	#timer: ReturnType<typeof setTimeout> | undefined;
	#running = false;
	#again = false;
	#stopStatus: () => void;
	readonly #delegate: Delegate | null;
	#identity: CollectiveIdentity | null = null;
	#bridgeTimer: ReturnType<typeof setTimeout> | undefined;
	#bridging = false;
	#bridgeAgain = false;
	/** What the last run of the bridge on this device did; null on a device that is no delegate, or before the first run. */
	#lastRun = $state.raw<BridgeRun | null>(null);
	#waiting = $state(0);
	#own = $state.raw<CollectiveId | null>(null);
	/** What the last exchange of requests on this device did. */
	#lastExchange = $state.raw<ExchangeRun | null>(null);
	readonly #member: Identity;

	readonly #link: FederationLink;

	constructor(link: FederationLink, identity: Identity, delegate: Delegate | null = null) {
		this.#delegate = delegate;
		this.#member = identity;
		this.#link = link;
		this.session = new SpaceSession(
			delegate?.memberSecret
				? { id: link.id as SpaceId, secret: delegate.memberSecret, access: 'member', relayUrl: link.relayUrl, name: link.name, addedAt: link.addedAt }
				: { id: link.id as SpaceId, secret: link.readSecret, access: 'read', relayUrl: link.relayUrl, name: link.name, addedAt: link.addedAt },
			identity,
			localStorage
		);
		this.session.doc.on('afterTransaction', this.#changed);
		this.#stopStatus = this.session.onStatus(() => (this.#status = this.session.current));
		// Shown once loaded and verified: before its verdicts, every record would read as unverified.
		void this.session.loaded.then(() => {
			this.#sessionLoaded = true;
			// Loaded from the device in one piece: no burst to wait out before the first screen.
			clearTimeout(this.#timer);
			void this.#verify();
		});
		if (delegate) {
			delegate.collective.doc.on('afterTransaction', this.#collectiveChanged);
			void Promise.all([deriveIdentity(delegate.collective.secret, delegate.collective.spaceId), this.session.loaded]).then(([own]) => {
				this.#identity = own;
				this.#own = own.collective;
				this.#scheduleBridge();
			});
		}
	}

	/** Whether this device carries the collective's publications into the federation. */
	get delegate(): boolean {
		return Boolean(this.#delegate?.memberSecret);
	}

	/** On a member's device that is no delegate: how many copies wait for a delegate's device to carry them. */
	get waiting(): number {
		return this.#waiting;
	}

	get lastRun(): BridgeRun | null {
		return this.#lastRun;
	}

	get lastExchange(): ExchangeRun | null {
		return this.#lastExchange;
	}

	/** This collective's id in the federation, once derived; null on a device that is no member of it. */
	get own(): CollectiveId | null {
		return this.#own;
	}

	/** The collective's document and the member writing, on a device of a member who can write; null otherwise. */
	get asker(): { doc: Y.Doc; by: Identity['memberId'] } | null {
		return this.#delegate ? { doc: this.#delegate.collective.doc, by: this.#member.memberId } : null;
	}

	/** Bumped whenever either document changes, for views that read both. */
	get version(): number {
		return this.#version;
	}

	get doc(): Y.Doc {
		return this.session.doc;
	}

	/** Loaded from the device and its directory's signatures checked: only then is anything shown. */
	get loaded(): boolean {
		return this.#loaded;
	}

	get status(): SyncStatus {
		return this.#status;
	}

	get meta() {
		void this.#version;
		return readSpaceMeta(this.session.doc);
	}

	view(filter: ListingFilter): FederationView {
		void this.#version;
		return federationView(this.session.doc, this.#verdicts, filter);
	}

	destroy(): void {
		clearTimeout(this.#timer);
		clearTimeout(this.#bridgeTimer);
		this.#delegate?.collective.doc.off('afterTransaction', this.#collectiveChanged);
		this.#stopStatus();
		this.session.doc.off('afterTransaction', this.#changed);
		this.session.destroy();
	}

	#changed = (transaction: Y.Transaction) => {
		if (transaction.changed.size > 0 || transaction.deleteSet.clients.size > 0) {
			this.#schedule();
			this.#scheduleBridge();
		}
	};

	#collectiveChanged = (transaction: Y.Transaction) => {
		if (transaction.changed.size > 0 || transaction.deleteSet.clients.size > 0) {
			this.#scheduleBridge();
			// The requests list reads the collective's outbox and bookings too.
			this.#version++;
		}
	};

	#scheduleBridge(): void {
		if (!this.#delegate || !this.#identity) return;
		// A member's device that is no delegate only counts what waits, at the next verification.
		if (!this.#delegate.memberSecret) return this.#schedule();
		clearTimeout(this.#bridgeTimer);
		this.#bridgeTimer = setTimeout(() => void this.#bridge(), BRIDGE_DELAY_MS);
	}

	/** Runs the bridge; a change during a run makes one more run after it, never two at once. */
	async #bridge(): Promise<void> {
		const delegate = this.#delegate;
		const identity = this.#identity;
		if (!delegate || !identity) return;
		if (this.#bridging) {
			this.#bridgeAgain = true;
			return;
		}
		this.#bridging = true;
		try {
			do {
				this.#bridgeAgain = false;
				if (this.session.doc.isDestroyed || delegate.collective.doc.isDestroyed) return;
				this.#lastRun = await runPublication(delegate.collective.doc, this.session.doc, identity, this.#cache, this.#leaving(delegate.collective.doc));
				if (this.session.doc.isDestroyed || delegate.collective.doc.isDestroyed) return;
				const requests = await runExchanges(delegate.collective.doc, this.session.doc, this.session.entry.id, identity, this.#member.memberId, this.#cache);
				if (this.session.doc.isDestroyed || delegate.collective.doc.isDestroyed) return;
				const pledges = await runPledges(delegate.collective.doc, this.session.doc, this.session.entry.id, identity, this.#member.memberId, this.#cache);
				await runAdmissions(delegate.collective.doc, this.session.doc, this.session.entry.id, identity, this.#cache);
				const terms = this.#pinned();
				if (terms && terms.founder === identity.collective) await repairCharter(this.session.doc, this.session.entry.id, identity, terms, this.#cache);
				this.#lastExchange = { written: requests.written + pledges.written, applied: requests.applied + pledges.applied, unverified: requests.unverified + pledges.unverified };
			} while (this.#bridgeAgain);
		} finally {
			this.#bridging = false;
		}
	}

	/** The charter the collective pinned for this federation, if any. */
	#pinned(): CharterTerms | null {
		const doc = this.#delegate?.collective.doc;
		if (doc && !doc.isDestroyed) return pinnedCharter(doc, this.session.entry.id);
		const charter = this.#link.charter;
		return charter ? { founder: charter.founder as CharterTerms['founder'], nonce: charter.nonce, admission: charter.admission } : null;
	}

	/** Who is admitted and how each candidate stands, once verified; absent in a federation that admits every collective. */
	get admission() {
		void this.#version;
		return this.#verdicts.admission ?? null;
	}

	/** Whether the collective left this federation, as its own document says. */
	#leaving(collectiveDoc: Y.Doc): { left: boolean; federationId: string } {
		const id = this.session.entry.id;
		return { left: Boolean(readFederations(collectiveDoc).items.find((link) => link.id === id)?.leftAt), federationId: id };
	}

	#schedule(): void {
		// Not while the local copy loads: a pass over a half-loaded document would hold up the first one.
		if (!this.#sessionLoaded) return;
		clearTimeout(this.#timer);
		this.#timer = setTimeout(() => void this.#verify(), VERIFY_DELAY_MS);
	}

	async #verify(): Promise<void> {
		if (this.#running) {
			this.#again = true;
			return;
		}
		this.#running = true;
		try {
			do {
				this.#again = false;
				if (this.session.doc.isDestroyed) return;
				// The directory's verdicts come first: the list shows at once, its copies marked as being checked.
				this.#verdicts = await verifyFederation(
					this.session.doc,
					this.#cache,
					(early) => {
						if (this.#loaded) return;
						this.#verdicts = early;
						if (this.#sessionLoaded) this.#loaded = true;
						this.#version++;
					},
					this.session.entry.id,
					this.#pinned()
				);
				// The first genuine charter seen is kept in the collective (on a device that may write there).
				const seen = this.#verdicts.charter;
				if (seen && this.#delegate && !this.#pinned() && !this.#delegate.collective.doc.isDestroyed) pinCharter(this.#delegate.collective.doc, this.session.entry.id, seen);
				if (this.#sessionLoaded) this.#loaded = true;
				if (this.#delegate && !this.#delegate.memberSecret && this.#identity) {
					this.#waiting = planPublication(this.#delegate.collective.doc, this.session.doc, this.#identity, this.#leaving(this.#delegate.collective.doc)).writes.length;
				}
				this.#version++;
			} while (this.#again);
		} finally {
			this.#running = false;
		}
	}
}

const held = new Map<string, { reader: FederationReader; holders: number }>();

/**
 * One reader per federation and way of opening it on this device, shared by
 * the federation tab and the background carrier: two sessions of one room in
 * one tab would sync and store everything twice. Released by its last holder.
 */
export function holdFederation(link: FederationLink, identity: Identity, delegate: Delegate | null): { reader: FederationReader; release: () => void } {
	const key = [link.id, link.relayUrl, delegate?.memberSecret ?? link.readSecret, delegate?.collective.spaceId ?? '', delegate?.collective.secret ?? ''].join(' ');
	let entry = held.get(key);
	if (!entry) {
		entry = { reader: new FederationReader(link, identity, delegate), holders: 0 };
		held.set(key, entry);
	}
	entry.holders++;
	const kept = entry;
	let released = false;
	return {
		reader: kept.reader,
		release: () => {
			if (released) return;
			released = true;
			if (--kept.holders > 0) return;
			held.delete(key);
			kept.reader.destroy();
		}
	};
}
