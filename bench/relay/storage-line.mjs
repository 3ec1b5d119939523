// The line about our relay's storage over one rate step, from its /metrics before and
// after (see storageStats in relays.mjs); older builds lack some of the figures.
import { fmt } from './table.mjs';

const pct = (value) => `${(value * 100).toFixed(0)}%`;

export function storageLine(before, after, wallSeconds) {
	const persisted = after.persisted - before.persisted;
	const persistSeconds = after.persistSeconds - before.persistSeconds;
	const compactions = (after.compactions ?? 0) - (before.compactions ?? 0);
	const compactionSeconds = (after.compactionSeconds ?? 0) - (before.compactionSeconds ?? 0);
	const slower = (within) =>
		after[within] === null || before[within] === null ? '-' : persisted - (after[within] - before[within]);
	if (after.commits === null || before.commits === null) {
		// An older build: one commit per update, timed alone.
		return (
			`      our storage: ${persisted} updates persisted, ${fmt((persistSeconds * 1000) / persisted, 2)} ms each` +
			` (${pct(persistSeconds / wallSeconds)} of the time), ${slower('persistedWithin10ms')} over 10 ms,` +
			` ${slower('persistedWithin100ms')} over 100 ms; ${compactions} compactions, ${fmt(compactionSeconds * 1000)} ms in all`
		);
	}
	// Group commit: an update's time runs from its hand-over to storage to its commit's end.
	const commits = after.commits - before.commits;
	const commitSeconds = after.commitSeconds - before.commitSeconds;
	let line =
		`      our storage: ${persisted} updates persisted in ${commits} commits (${fmt(persisted / commits, 1)} per commit),` +
		` ${fmt((commitSeconds * 1000) / commits, 2)} ms each (${pct(commitSeconds / wallSeconds)} of the time);` +
		` an update waited ${fmt((persistSeconds * 1000) / persisted, 2)} ms on average to be stored,` +
		` ${slower('persistedWithin10ms')} over 10 ms, ${slower('persistedWithin100ms')} over 100 ms;` +
		` ${compactions} compactions, ${fmt(compactionSeconds * 1000)} ms in all`;
	if (after.folds !== null && before.folds !== null) {
		const folds = after.folds - before.folds;
		const foldSeconds = after.foldSeconds - before.foldSeconds;
		line += `; ${folds} folds of the journal into SQLite, ${fmt((foldSeconds * 1000) / Math.max(folds, 1), 2)} ms each`;
	}
	return line;
}
