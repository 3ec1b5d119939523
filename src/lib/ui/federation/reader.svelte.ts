/**
 * A federation opened for reading from inside a collective: its document kept
 * on the device and synced with the read secret the collective keeps, and the
 * verdicts on its signatures. The view is recomputed once the records that
 * arrived are verified, so a genuine record never flashes as unverified.
 */
import type * as Y from 'yjs';
import type { SpaceId } from '$lib/domain/core';
import { readSpaceMeta } from '$lib/domain/space';
import { federationView, NO_VERDICTS, VerdictCache, verifyFederation, type FederationLink, type FederationView, type ListingFilter, type Verdicts } from '$lib/domain/federation';
import type { Identity } from '$lib/sync/device';
import { SpaceSession, type SyncStatus } from '$lib/sync/session';

/** Changes arriving in a burst (the first sync) are verified once. */
const VERIFY_DELAY_MS = 50;

export class FederationReader {
	readonly session: SpaceSession;
	#verdicts = $state.raw<Verdicts>(NO_VERDICTS);
	/** Bumped when verdicts for the document as it is now are ready. */
	#version = $state(0);
	#loaded = $state(false);
	#status = $state.raw<SyncStatus>({ connection: 'offline', synced: false, pending: 0, peers: [], problem: null, lost: 0 });
	readonly #cache = new VerdictCache();
	#timer: ReturnType<typeof setTimeout> | undefined;
	#running = false;
	#again = false;
	#stopStatus: () => void;

	constructor(link: FederationLink, identity: Identity) {
		this.session = new SpaceSession(
			{ id: link.id as SpaceId, secret: link.readSecret, access: 'read', relayUrl: link.relayUrl, name: link.name, addedAt: link.addedAt },
			identity,
			localStorage
		);
		this.session.doc.on('afterTransaction', this.#changed);
		this.#stopStatus = this.session.onStatus(() => (this.#status = this.session.current));
		void this.session.loaded.then(() => {
			this.#loaded = true;
			this.#schedule();
		});
	}

	get doc(): Y.Doc {
		return this.session.doc;
	}

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
		this.#stopStatus();
		this.session.doc.off('afterTransaction', this.#changed);
		this.session.destroy();
	}

	#changed = (transaction: Y.Transaction) => {
		if (transaction.changed.size > 0 || transaction.deleteSet.clients.size > 0) this.#schedule();
	};

	#schedule(): void {
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
				this.#verdicts = await verifyFederation(this.session.doc, this.#cache);
				this.#version++;
			} while (this.#again);
		} finally {
			this.#running = false;
		}
	}
}
