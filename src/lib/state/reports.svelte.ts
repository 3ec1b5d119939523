/** The conflicts, history and transparency pages' views, kept until something they read changes. */
import { assemblyPack, conflictsView, historyView, itemsInConflict, openConflictCount, transparencyView, type HistoryFilter } from '../domain/reports';
import type { EditKind } from '../domain/core';
import { ledgerMonthlyFlows } from '../domain/money';
import type * as Y from 'yjs';
import type { SpaceView } from './space.svelte';

export function conflictsPage(view: SpaceView, today: string) {
	return view.derive(conflictsView, today);
}

/**
 * How many conflicts wait for someone, for the navigation. Counting reads every
 * booking, pledge and balance: it is done when the device is idle, never
 * before the page's first screen, and reads 0 until then.
 */
export function conflictBadge(view: SpaceView, today: string): number {
	return view.whenIdle(openConflictCount, today) ?? 0;
}

const inConflict = (doc: Y.Doc, kind: EditKind): ReadonlySet<string> => new Set(itemsInConflict(doc, kind));

/** The items of one kind two devices set apart, for their page to point at the conflict. */
export function itemsInEditConflict(view: SpaceView, kind: EditKind): ReadonlySet<string> {
	return view.derive(inConflict, kind);
}

export function historyPage(view: SpaceView, filter: HistoryFilter) {
	return view.derive(historyView, filter);
}

export function transparencyPage(view: SpaceView, from: string, to: string) {
	return view.derive(transparencyView, from, to);
}

/** The general assembly pack for a period, made again when something it reads changes. */
export function assemblyPage(view: SpaceView, from: string, to: string) {
	return view.derive(assemblyPack, from, to);
}

/** Money in and out by month and category over a period, for the transparency page's chart; made when the device is idle. */
export function monthlyFlowsChart(view: SpaceView, from: string, to: string) {
	return view.whenIdle(ledgerMonthlyFlows, from, to);
}
