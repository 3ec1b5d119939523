// What the relay knows of each held part of a room, to answer a device that is catching
// up: per writer, the clock just past its last struct in the part, and the part's
// deletions as a frame of their own. A device that holds every struct of a part gets only
// that frame for it, not a diff of the part.
//
// Known without reading the part, where possible: an update's inspection on its way in
// gives its own; a merge of such parts combines theirs; a merge through a document
// (merger.ts) notes the result's. Only a part read back from disk is walked, once.
import { DeleteSet, encodeDeletions, readSummaryInSlices } from '../protocol/delete-set.js';
import { encodeSyncUpdate } from '../protocol/messages.js';
import type { UpdateInfo } from '../protocol/update-info.js';
import { summaryOfMerged } from './merger.js';

export interface PartSummary {
	/** Per writer, the clock just past its last struct in the part. */
	ends: Map<number, number>;
	/** The part's deletions alone, as a sync update frame; null without any. */
	deletions: Uint8Array | null;
}

interface Facts {
	ends: Map<number, number>;
	deletions: DeleteSet | null;
}

export class PartSummaries {
	/** Null for a part the reader does not follow: it is diffed as a whole. */
	readonly #summaries = new WeakMap<Uint8Array, PartSummary | null>();
	/** Known from the way in, turned into a summary when first needed. */
	readonly #facts = new WeakMap<Uint8Array, Facts>();

	/** Notes what an update's inspection says of it, unless it skips clocks (the walk tells where its structs end). */
	noteUpdate(update: Uint8Array, info: UpdateInfo): void {
		const ends = new Map<number, number>();
		for (const [client, range] of info.clients) {
			if (!range.contiguous) return;
			ends.set(client, range.to);
		}
		this.#facts.set(update, { ends, deletions: info.hasDeletions ? info.deletions : null });
	}

	/** Notes a struct-by-struct merge of `parts` from theirs, when each one's are known. */
	noteMerge(merged: Uint8Array, parts: readonly Uint8Array[]): void {
		const ends = new Map<number, number>();
		let deletions: DeleteSet | null = null;
		for (const part of parts) {
			const facts = this.#facts.get(part);
			if (facts === undefined) return;
			for (const [client, end] of facts.ends) if (end > (ends.get(client) ?? 0)) ends.set(client, end);
			if (facts.deletions !== null) (deletions ??= new DeleteSet()).addAll(facts.deletions);
		}
		this.#facts.set(merged, { ends, deletions });
	}

	async of(part: Uint8Array): Promise<PartSummary | null> {
		let summary = this.#summaries.get(part);
		if (summary === undefined) {
			summary = await this.#summarize(part);
			this.#summaries.set(part, summary);
		}
		return summary;
	}

	async #summarize(part: Uint8Array): Promise<PartSummary | null> {
		const merged = summaryOfMerged(part);
		if (merged !== undefined) {
			return { ends: new Map(merged.ends), deletions: merged.deletions === null ? null : encodeSyncUpdate(merged.deletions) };
		}
		let facts: Facts | undefined = this.#facts.get(part);
		if (facts === undefined) {
			try {
				const read = await readSummaryInSlices(part);
				facts = { ends: read.ends, deletions: read.deletions.isEmpty ? null : read.deletions };
			} catch {
				return null;
			}
		}
		return { ends: facts.ends, deletions: facts.deletions === null ? null : encodeSyncUpdate(encodeDeletions(facts.deletions)) };
	}
}

/** Whether a device at the state vector `held` has every struct of the summarized part. */
export function holdsStructs(summary: PartSummary, held: ReadonlyMap<number, number>): boolean {
	for (const [client, end] of summary.ends) if ((held.get(client) ?? 0) < end) return false;
	return true;
}
