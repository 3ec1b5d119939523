// What /healthz says about the relay's storage beyond "it takes a write": damage found
// at start (in the database, in the journal), rooms whose stored data does not load, and
// a disk short of space. An operator learns of each from the log too; here a monitor
// sees it without reading logs.
import type { JournalDamage } from './sqlite/journal.js';

/** Room ids listed in /healthz at most; the count says how many there are in all. */
const LISTED_ROOMS = 20;

export interface StorageReport {
	/** The worst finding, or null when there is nothing to say. */
	status: 'read-only' | 'database-damaged' | 'storage-low' | 'rooms-failed' | null;
	/** Whether a monitor should treat the relay as unhealthy (503). */
	unhealthy: boolean;
	details: Record<string, unknown>;
}

export class StorageHealth {
	/** What `PRAGMA quick_check` found at start, when it found anything. */
	integrityProblems: readonly string[] = [];
	/** The relay started on a full disk and writes nothing until restarted with space. */
	readOnly = false;
	readonly journalDamage: JournalDamage[] = [];
	/** Rooms whose last load failed, with when and why. */
	readonly #failedRooms = new Map<string, { at: string; error: string }>();

	constructor(private readonly storageLow: () => boolean = () => false) {}

	roomLoaded(roomId: string, error: string | null): void {
		if (error === null) this.#failedRooms.delete(roomId);
		else this.#failedRooms.set(roomId, { at: new Date().toISOString(), error });
	}

	get failedRooms(): string[] {
		return [...this.#failedRooms.keys()];
	}

	report(): StorageReport {
		const details: Record<string, unknown> = {};
		if (this.integrityProblems.length > 0) details['databaseProblems'] = this.integrityProblems.slice(0, 10);
		if (this.journalDamage.length > 0) {
			details['journalDamage'] = this.journalDamage.map((damage) => ({
				file: damage.file.split(/[/\\]/).pop(),
				copy: damage.copy?.split(/[/\\]/).pop() ?? null,
				bytesSkipped: damage.skipped.reduce((sum, gap) => sum + gap.bytes, 0),
				tornEnd: damage.tornEnd
			}));
		}
		const failed = this.failedRooms;
		if (failed.length > 0) details['roomsFailed'] = { count: failed.length, ids: failed.slice(0, LISTED_ROOMS) };
		const low = this.storageLow();
		if (low) details['storageLow'] = true;
		if (this.readOnly) return { status: 'read-only', unhealthy: true, details };
		if (this.integrityProblems.length > 0) return { status: 'database-damaged', unhealthy: true, details };
		if (low) return { status: 'storage-low', unhealthy: false, details };
		if (failed.length > 0) return { status: 'rooms-failed', unhealthy: false, details };
		return { status: null, unhealthy: false, details };
	}
}
