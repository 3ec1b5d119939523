/** The conflicts, history and transparency pages' views, kept until something they read changes. */
import { conflictsView, historyView, openConflictCount, transparencyView, type HistoryFilter } from '../domain/reports';
import type { SpaceView } from './space.svelte';

export function conflictsPage(view: SpaceView, today: string) {
	return view.derive(conflictsView, today);
}

/** How many conflicts wait for someone, for the navigation. */
export function conflictBadge(view: SpaceView, today: string) {
	return view.derive(openConflictCount, today);
}

export function historyPage(view: SpaceView, filter: HistoryFilter) {
	return view.derive(historyView, filter);
}

export function transparencyPage(view: SpaceView, from: string, to: string) {
	return view.derive(transparencyView, from, to);
}
