/**
 * A page's hold on its space's archive of old history: opened when the reader
 * asks for old records, closed when the page goes. Reading `state` or `doc`
 * subscribes a component to the archive's loading and to its changes.
 */
import type * as Y from 'yjs';
import { holdArchive, type ArchiveHold, type ArchiveState } from '../../sync/archive';
import type { SpaceSession } from '../../sync/session';

/**
 * 'closed': not asked for. 'loading': the device's copy is being read.
 * 'missing': offline, and the device holds none of it yet. 'local': offline,
 * what the device holds is shown. 'synced': merged with the relay's copy.
 */
export type ArchiveReading = 'closed' | 'loading' | 'missing' | 'local' | 'synced';

export class ArchiveReader {
	#hold: ArchiveHold | null = null;
	#stop: () => void = () => {};
	#version = $state(0);

	constructor(private readonly session: SpaceSession) {}

	get state(): ArchiveReading {
		void this.#version;
		const archive = this.#hold?.archive;
		if (!archive) return 'closed';
		const state: ArchiveState = archive.state;
		if (state === 'loading') return 'loading';
		if (state === 'synced') return 'synced';
		// Read from the device, not yet from the relay: while a connection is being
		// made, it is still loading; offline with nothing held, it is not here yet.
		if (this.session.current.connection !== 'offline') return archive.held > 0 ? 'local' : 'loading';
		return archive.held > 0 ? 'local' : 'missing';
	}

	/** The archive document once the device's copy is read and holds records (while the relay's comes, those are shown). */
	get doc(): Y.Doc | null {
		void this.#version;
		const archive = this.#hold?.archive;
		return archive && archive.state !== 'loading' && archive.held > 0 ? archive.doc : null;
	}

	open(): void {
		if (this.#hold) return;
		const hold = holdArchive(this.session);
		this.#hold = hold;
		// Never at once: a listener may be called while a view is being derived, where no state may move.
		let queued = false;
		const bump = () => {
			if (queued) return;
			queued = true;
			queueMicrotask(() => {
				queued = false;
				this.#version++;
			});
		};
		const stopArchive = hold.archive.onChange(bump);
		const stopSession = this.session.onStatus(bump);
		this.#stop = () => {
			stopArchive();
			stopSession();
		};
		this.#version++;
	}

	close(): void {
		this.#stop();
		this.#stop = () => {};
		this.#hold?.release();
		this.#hold = null;
		this.#version++;
	}
}
