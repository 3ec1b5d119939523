/**
 * The pages' views timed on a generated space in Node: each view's first
 * call, the same call again (kept), and the call after one new resource.
 * The generated document is kept under bench/.cache/, keyed by size and
 * seed, so that measuring again does not generate it again.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import { derivedViews, localDate, newId } from '../../src/lib/domain/core';
import { createSpace, joinSpace, listMembers } from '../../src/lib/domain/space';
import { addResource, inventoryView, type ResourceInput } from '../../src/lib/domain/inventory';
import { duesCollection, ledgerMonthlyFlows, ledgerView, type Linked } from '../../src/lib/domain/money';
import { needsListView, readNeeds } from '../../src/lib/domain/needs';
import { actionsOutsideRole, adoptDecision, createDecision, listDecisions } from '../../src/lib/domain/decisions';
import { assemblyPack, attentionView, historyView, openConflictCount, remindersFor, transparencyView } from '../../src/lib/domain/reports';
import { readingAhead } from '../../src/lib/state/read-ahead';
import { generateSpace, SIZES } from './generate';

/** The generated space's document, from the cache when it holds it. */
export function cachedSpace(root: string, size: 'small' | 'large', seed = 14, log: (m: string) => void = () => {}): Y.Doc {
	const dir = join(root, 'bench/.cache');
	const file = join(dir, `${size}-${seed}.bin`);
	const doc = new Y.Doc();
	if (existsSync(file)) {
		const started = performance.now();
		Y.applyUpdateV2(doc, readFileSync(file));
		log(`loaded ${file} in ${(performance.now() - started).toFixed(0)} ms`);
		return doc;
	}
	const founder = newId<'member'>();
	const start = Date.UTC(2026, 0, 1);
	createSpace(doc, { name: 'Atelier', description: '' }, founder, start - 800 * 86_400_000);
	const generated = generateSpace(doc, SIZES[size], { seed, end: start, progress: log });
	log(`generated in ${(generated.ms / 1000).toFixed(0)} s`);
	mkdirSync(dir, { recursive: true });
	writeFileSync(file, Y.encodeStateAsUpdateV2(doc));
	return doc;
}

/**
 * A treasurer named a year before the generated history ends, so that the
 * actions outside that role are looked for in a year of history. Done once
 * per document: the cached one is loaded afresh each run.
 */
function entrustTreasury(doc: Y.Doc): void {
	const treasurer = listMembers(doc).items[0];
	if (!treasurer) return;
	const at = Date.UTC(2025, 0, 1);
	const decision = createDecision(
		doc,
		{ title: 'Trésorerie', process: 'consent', closesAt: at + 86_400_000, allocations: [{ kind: 'role', role: 'treasurer', memberId: treasurer.id, change: 'grant' }] },
		treasurer.id,
		at - 86_400_000
	);
	if (!decision.ok || !adoptDecision(doc, decision.id, {}, treasurer.id, at).ok) throw new Error('the treasurer was not named');
}

function linked(doc: Y.Doc): Linked {
	return { needs: () => readNeeds(doc).items, decisions: () => listDecisions(doc).items };
}

export function measure(root: string, size: 'small' | 'large', log: (m: string) => void, ahead = false): Record<string, number[]> {
	const doc = cachedSpace(root, size, 14, log);
	if (ahead) {
		const started = performance.now();
		let slices = 0;
		for (const _ of readingAhead(doc)) slices++;
		log(`read ahead in ${slices} slices, ${(performance.now() - started).toFixed(0)} ms in all`);
	}
	const today = localDate();
	const me = newId<'member'>();
	entrustTreasury(doc);
	const views: [string, () => unknown][] = [
		['inventory', () => inventoryView(doc, {}, today)],
		['needs', () => needsListView(doc, today, { status: null, kind: null, search: '' })],
		['ledger', () => ledgerView(doc, {}, linked(doc))],
		// Before the history, which marks what it finds.
		['outside roles', () => actionsOutsideRole(doc)],
		['history', () => historyView(doc, { subjectKind: null, by: null, from: null, to: null })],
		['transparency', () => transparencyView(doc, '2025-01-01', '2025-12-31')],
		['conflicts badge', () => openConflictCount(doc, today)],
		['home', () => attentionView(doc, { me, today, now: Date.now(), lastVisit: Date.now() - 7 * 86_400_000 })],
		['reminders', () => remindersFor(doc, { me, today, now: Date.now(), since: Date.now() - 7 * 86_400_000 })],
		['assembly pack', () => assemblyPack(doc, '2025-01-01', '2025-12-31')],
		['monthly flows', () => ledgerMonthlyFlows(doc, '2025-01-01', '2025-12-31')],
		['dues by month', () => duesCollection(doc, '2025-01-01', '2025-12-31')]
	];
	const kept = derivedViews(doc);
	const time = (f: () => unknown) => {
		const started = performance.now();
		f();
		return performance.now() - started;
	};
	const results: Record<string, number[]> = {};
	const by = newId<'member'>();
	for (const [name, f] of views) results[name] = [time(f), time(f)];
	for (const [name, f] of views) results[name]!.push(time(() => kept.get(name, f)));
	time(() => { const r = addResource(doc, { kind: 'equipment', name: 'Perceuse', description: '', quantity: null, unit: '', location: '', expiresOn: null, availability: 'available' } as ResourceInput, by); if (!r.ok) throw new Error(r.reason); });
	for (const [name, f] of views) results[name]!.push(time(() => kept.get(name, f)));
	return results;
}
