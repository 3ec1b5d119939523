/**
 * Views derived from a document, kept until something they read changes.
 * Every top-level structure is opened through an accessor in schema.ts; while
 * a view is computed, the accessors it calls are noted, and the view is kept
 * with the version of each structure it opened. Adding a resource then leaves
 * the ledger's totals, the needs' progress and the transparency report as
 * they were, instead of deriving the whole space again on each keystroke.
 *
 * Versions move in deep observers, which Yjs runs before the document's
 * `update` event: a view asked for on `update` already knows it is stale.
 * Inside a transaction they have not run yet, so views are computed afresh.
 */
import type * as Y from 'yjs';

/** The kinds of top-level structure a space's document holds. */
type Structure = Y.Map<unknown> | Y.Array<unknown>;

const versions = new WeakMap<Structure, { value: number }>();

/** The structures opened by the views being computed, innermost last. */
let opening: Set<Structure> | null = null;

/** Called by the accessors of schema.ts: the view being computed depends on `structure`. */
export function opened<T extends Structure>(structure: T): T {
	opening?.add(structure);
	return structure;
}

function versionOf(structure: Structure): number {
	let counter = versions.get(structure);
	if (!counter) {
		const fresh = { value: 0 };
		structure.observeDeep(() => {
			fresh.value++;
		});
		versions.set(structure, fresh);
		counter = fresh;
	}
	return counter.value;
}

interface Kept {
	reads: [Structure, number][];
	value: unknown;
}

/** Enough for every page's views with their filters; the oldest is dropped first. */
const MAX_KEPT = 64;

export class DerivedViews {
	readonly #kept = new Map<string, Kept>();

	constructor(readonly doc: Y.Doc) {}

	/** The view `key` if it is kept and nothing it read has changed since; undefined otherwise. */
	fresh<T>(key: string): { value: T } | undefined {
		if (this.doc._transaction !== null) return undefined;
		const kept = this.#kept.get(key);
		if (!kept || !kept.reads.every(([structure, version]) => versionOf(structure) === version)) return undefined;
		for (const [structure] of kept.reads) opening?.add(structure);
		return { value: kept.value as T };
	}

	/** The view `key`, from `compute` unless nothing it read has changed since it was last computed. */
	get<T>(key: string, compute: () => T): T {
		if (this.doc._transaction !== null) return compute();
		const kept = this.#kept.get(key);
		if (kept && kept.reads.every(([structure, version]) => versionOf(structure) === version)) {
			// A view computed inside another depends on what this one read.
			for (const [structure] of kept.reads) opening?.add(structure);
			// The most recently used go last, so the oldest dropped is one no page asked for lately.
			this.#kept.delete(key);
			this.#kept.set(key, kept);
			return kept.value as T;
		}
		const outer = opening;
		const reads = new Set<Structure>();
		opening = reads;
		let value: T;
		try {
			value = compute();
		} finally {
			opening = outer;
			for (const structure of reads) outer?.add(structure);
		}
		this.#kept.delete(key);
		this.#kept.set(key, { reads: [...reads].map((structure) => [structure, versionOf(structure)]), value });
		if (this.#kept.size > MAX_KEPT) {
			const oldest = this.#kept.keys().next().value;
			if (oldest !== undefined) this.#kept.delete(oldest);
		}
		return value;
	}
}

const perDoc = new WeakMap<Y.Doc, DerivedViews>();

/** The kept views of one document. */
export function derivedViews(doc: Y.Doc): DerivedViews {
	let views = perDoc.get(doc);
	if (!views) perDoc.set(doc, (views = new DerivedViews(doc)));
	return views;
}
