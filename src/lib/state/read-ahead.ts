/**
 * The large collections read ahead, while the device is idle. A space two
 * years old holds tens of thousands of ledger entries and history records;
 * each is validated once and kept (see the domain's entity cache), but the
 * first page that needs them all (the needs list for the money allocated to
 * each need, the ledger, the history) used to pay for that first reading at
 * once. Here it is done in small slices between frames, so that opening such
 * a page finds everything read and only sums and sorts.
 */
import type * as Y from 'yjs';
import { activityArray, readActivityAhead, readEntity, resourcesMap, ResourceSchema, pledgesMap, ledgerMap } from '../domain/core';
import { EntrySchema } from '../domain/money';
import { PledgeSchema } from '../domain/needs';
import { onIdle } from './idle';

/** Entries read per slice: a few milliseconds on a slow phone. */
export const SLICE = 200;

export function* readingAhead(doc: Y.Doc): Generator<void> {
	const collections: [Y.Map<unknown>, object][] = [
		[ledgerMap(doc), EntrySchema],
		[pledgesMap(doc), PledgeSchema],
		[resourcesMap(doc), ResourceSchema]
	];
	for (const [map, schema] of collections) {
		let n = 0;
		for (const [key, value] of map.entries()) {
			readEntity(key, value, schema as typeof ResourceSchema);
			if (++n % SLICE === 0) yield;
		}
		yield;
	}
	const records = activityArray(doc).toArray();
	for (let i = 0; i < records.length; i += SLICE * 2) {
		readActivityAhead(records.slice(i, i + SLICE * 2));
		yield;
	}
}

const started = new WeakSet<Y.Doc>();

/** Starts reading `doc` ahead, once per document, a slice per idle moment. */
export function readAhead(doc: Y.Doc): void {
	if (started.has(doc) || typeof window === 'undefined') return;
	started.add(doc);
	const work = readingAhead(doc);
	const step = (deadline?: IdleDeadline) => {
		if (doc.isDestroyed) return;
		do {
			if (work.next().done) return;
		} while (deadline && !deadline.didTimeout && deadline.timeRemaining() > 4);
		onIdle(step);
	};
	onIdle(step);
}
