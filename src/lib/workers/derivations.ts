/**
 * The derivations that read a whole document: the transparency report over a
 * long period and the ledger's export. They run here on a document of their
 * own, in a worker (derive.worker.ts is the thin shell around this module), so
 * that the page stays responsive while years of history are read. The same
 * domain functions run as on the page: a report or a file made here is the one
 * the page would have made.
 *
 * The work is cut in steps (the document's parts read in turn, then the
 * ledger a thousand entries at a time), each step told as progress, and a
 * cancelled request stops at the next step.
 */
import * as Y from 'yjs';
import { overwriteGetLocale, type Locale } from '$lib/paraglide/runtime';
import { listActivity } from '$lib/domain/core';
import { listBookings } from '$lib/domain/bookings';
import { ledgerCsvSlices, ledgerJsonSlices, listEntries, readLedger, type LedgerFilter, type Linked } from '$lib/domain/money';
import { readNeeds } from '$lib/domain/needs';
import { listDecisions } from '$lib/domain/decisions';
import { transparencyView, type TransparencyView } from '$lib/domain/reports';
import { csvFormat } from '$lib/ui/money/export';

/** Entries written between two reports of progress, and between two chances to cancel. */
export const EXPORT_SLICE = 1000;

export type DerivationRequest =
	| { kind: 'transparency'; from: string; to: string }
	| { kind: 'ledger-export'; format: 'csv' | 'json'; filter: LedgerFilter; locale: Locale };

export type DerivationResult = { kind: 'transparency'; view: TransparencyView } | { kind: 'ledger-export'; text: string; entries: number };

/** `done` of `total` steps; the total is known from the first report on. */
export interface DerivationProgress {
	done: number;
	total: number;
}

export interface DerivationHooks {
	progress?: (progress: DerivationProgress) => void;
	/** True once the request is no longer wanted: the work stops at the next step. */
	cancelled?: () => boolean;
	/** Between two steps: a worker lets its messages (a cancellation, an update) in. */
	pause?: () => Promise<void>;
}

export class DerivationCancelled extends Error {
	constructor() {
		super('derivation cancelled');
		this.name = 'DerivationCancelled';
	}
}

export function linkedNames(doc: Y.Doc): Linked {
	return { needs: () => readNeeds(doc).items, decisions: () => listDecisions(doc).items };
}

/** Runs `request` on `doc`; rejects with DerivationCancelled when cancelled on the way. */
export async function derive(doc: Y.Doc, request: DerivationRequest, hooks: DerivationHooks = {}): Promise<DerivationResult> {
	const step = async (done: number, total: number): Promise<void> => {
		hooks.progress?.({ done, total });
		await hooks.pause?.();
		if (hooks.cancelled?.()) throw new DerivationCancelled();
	};
	if (request.kind === 'transparency') {
		// The report reads the ledger, the bookings and the history: each read once in its own
		// step (kept by the readers until it changes), then the report itself from what was read.
		const reads = [() => readLedger(doc), () => listBookings(doc), () => listActivity(doc)];
		const total = reads.length + 1;
		await step(0, total);
		for (const [i, read] of reads.entries()) {
			read();
			await step(i + 1, total);
		}
		const view = transparencyView(doc, request.from, request.to);
		hooks.progress?.({ done: total, total });
		return { kind: 'transparency', view };
	}

	// The export's words (headers, directions, categories) are the reader's, whatever this
	// context would pick: a worker has neither the page's storage nor its language.
	overwriteGetLocale(() => request.locale);
	const linked = linkedNames(doc);
	const entries = listEntries(doc, request.filter).items.length;
	// One step for the names, then one per slice of entries.
	const total = 1 + Math.max(1, Math.ceil(entries / EXPORT_SLICE));
	await step(0, total);
	const slices =
		request.format === 'csv'
			? ledgerCsvSlices(doc, request.filter, linked, csvFormat(request.locale), EXPORT_SLICE)
			: ledgerJsonSlices(doc, request.filter, linked, EXPORT_SLICE);
	const parts: string[] = [];
	let done = 0;
	for (const slice of slices) {
		parts.push(slice);
		// The header counts as the names' step; the JSON's closing as none.
		done = Math.min(done + 1, total);
		await step(done, total);
	}
	hooks.progress?.({ done: total, total });
	return { kind: 'ledger-export', text: parts.join(''), entries };
}

/** Applies the updates kept on the device for a space, as its page loaded them, in one transaction. */
export function applyStored(doc: Y.Doc, updates: readonly Uint8Array[]): void {
	Y.transact(doc, () => {
		for (const update of updates) Y.applyUpdate(doc, update);
	});
}
