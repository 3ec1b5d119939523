import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { activityArray, archivedUpTo, copyToArchive, listActivity, recordActivity, recordsToArchive, removeArchived } from '../domain/core';
import { memberId } from '../domain/space/testing';
import { historyView, transparencyView, withArchivedActivity } from '../domain/reports';
import { createNetwork, type Network } from '../testing/network';
import { bool, int, seeds } from '../testing/random';
import { archiveOldRecords, covers, type ArchiveConfirmations } from './archive-run';

const LIMITS = { above: 50, keep: 20 };

function historyOf(count: number, from = 1_000): Y.Doc {
	const doc = new Y.Doc();
	const by = memberId();
	for (let i = 0; i < count; i++) {
		recordActivity(doc, { at: from + i * 1000, by, action: 'resource.created', subjectKind: 'resource', subjectId: `r${i}`, summary: `Objet ${i}` });
	}
	return doc;
}

const ids = (doc: Y.Doc, archive: Y.Doc | null = null) => listActivity(doc, {}, archive).items.map((record) => record.id);
const stateOf = (doc: Y.Doc) => Y.decodeStateVector(Y.encodeStateVector(doc));

/** Confirmations the test gives by hand, to see what happens before each. */
function heldConfirmations() {
	let local: () => void = () => {};
	let relay: () => void = () => {};
	const asked: string[] = [];
	const confirm: ArchiveConfirmations = {
		storedLocally: () => new Promise<void>((resolve) => ((local = resolve), asked.push('local'))),
		storedOnRelay: () => new Promise<void>((resolve) => ((relay = resolve), asked.push('relay')))
	};
	return { confirm, asked, local: () => local(), relay: () => relay() };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('archiving the history', () => {
	it('moves the records older than the newest ones, and a second pass writes nothing', async () => {
		const space = historyOf(80);
		const archive = new Y.Doc();
		const before = ids(space);
		const sizeBefore = Y.encodeStateAsUpdate(space).byteLength;
		const now = async () => undefined;
		const first = await archiveOldRecords(space, archive, { storedLocally: now, storedOnRelay: now }, LIMITS);
		expect(first).toEqual({ copied: 60, removed: 60 });
		expect(ids(space)).toEqual(before.slice(0, 20));
		expect(ids(archive)).toEqual(before.slice(20));
		expect(ids(space, archive)).toEqual(before);
		// The oldest kept record is newer than every archived one, which the space says.
		expect(archivedUpTo(space)).toBe(1_000 + 59 * 1000);
		const sizeAfter = Y.encodeStateAsUpdate(space).byteLength;
		expect(sizeAfter).toBeLessThan(sizeBefore * 0.4);

		let writes = 0;
		archive.on('update', () => writes++);
		space.on('update', () => writes++);
		expect(await archiveOldRecords(space, archive, { storedLocally: now, storedOnRelay: now }, LIMITS)).toEqual({ copied: 0, removed: 0 });
		// Copying again what the archive holds writes nothing either.
		expect(copyToArchive(space, archive, before.slice(20))).toBe(0);
		expect(writes).toBe(0);
	});

	it('removes nothing from the space before the archive is kept on the device and stored by the relay', async () => {
		const space = historyOf(60);
		const archive = new Y.Doc();
		const all = ids(space);
		const held = heldConfirmations();
		const pass = archiveOldRecords(space, archive, held.confirm, LIMITS);
		await settle();
		expect(activityArray(archive).length).toBe(40);
		expect(activityArray(space).length).toBe(60);
		expect(held.asked).toEqual(['local']);
		held.local();
		await settle();
		expect(held.asked).toEqual(['local', 'relay']);
		// A record written meanwhile stays, whatever its age.
		recordActivity(space, { at: 1, by: memberId(), action: 'need.created', subjectKind: 'need', subjectId: 'late' });
		expect(activityArray(space).length).toBe(61);
		held.relay();
		expect(await pass).toEqual({ copied: 40, removed: 40 });
		expect(activityArray(space).length).toBe(21);
		expect(ids(space, archive)).toHaveLength(61);
		expect(new Set(ids(space, archive))).toEqual(new Set([...all, ids(space).at(-1)]));
	});

	it('removes only records the archive holds, of those it was given', () => {
		const space = historyOf(30);
		const archive = new Y.Doc();
		const all = ids(space);
		copyToArchive(space, archive, all.slice(10, 20));
		// Given ids the archive lacks (0–9) and ids it holds (10–19): only the latter go.
		expect(removeArchived(space, archive, new Set(all.slice(0, 20)))).toBe(10);
		expect(ids(space)).toEqual([...all.slice(0, 10), ...all.slice(20)]);
		expect(ids(space, archive)).toEqual(all);
	});

	it('leaves the history page and the transparency report as they were, once the archive is read with the space', async () => {
		const space = new Y.Doc();
		const by = memberId();
		const decisions = ['d-one-xxxxxxxxxxxxxxxxx', 'd-two-xxxxxxxxxxxxxxxxx'] as const;
		const day = 86_400_000;
		const first = new Date('2025-01-01T12:00:00').getTime();
		for (let i = 0; i < 90; i++) {
			recordActivity(space, {
				at: first + i * day,
				by,
				action: 'ledger.created',
				subjectKind: 'ledger',
				subjectId: `e${i}`,
				...(i % 3 === 0 ? { decisionId: decisions[i % 2] as never } : {}),
				data: { amount: -100 * i, currency: 'EUR' }
			});
		}
		const whole = { subjectKind: null, by: null, from: null, to: null };
		const period = ['2025-01-01', '2025-03-31'] as const;
		const before = { history: historyView(space, whole), report: transparencyView(space, ...period) };
		expect(before.report.decisions.map((t) => t.activity.length)).toEqual([15, 15]);
		const archive = new Y.Doc();
		const now = async () => undefined;
		expect(await archiveOldRecords(space, archive, { storedLocally: now, storedOnRelay: now }, LIMITS)).toEqual({ copied: 70, removed: 70 });

		expect(historyView(space, whole, archive)).toEqual(before.history);
		expect(transparencyView(space, ...period, archive)).toEqual(before.report);
		// A report made from the space alone (as a worker does) and completed from the archive.
		expect(withArchivedActivity(transparencyView(space, ...period), space, archive)).toEqual(before.report);
		// Without the archive, only the lines of the 20 records kept in the space.
		expect(transparencyView(space, ...period).decisions.map((t) => t.activity.length)).toEqual([3, 3]);
		expect(historyView(space, whole).rows).toHaveLength(20);
	});

	it('refuses limits that keep more than they start at', () => {
		expect(() => recordsToArchive(historyOf(3), { above: 5, keep: 10 })).toThrow(RangeError);
		expect(recordsToArchive(historyOf(50), LIMITS)).toEqual([]);
	});

	for (const seed of seeds([1, 2, 3, 4, 5, 6])) {
		it(`devices archiving at once over partial syncs keep every record exactly once (seed ${seed})`, async () => {
			// Replica 0 of each network stands for the relay: it stores, archives nothing, and its
			// archive's state vector is what the relay acknowledges.
			const spaces = createNetwork(3, seed);
			const archives = createNetwork(3, seed + 1000);
			const origin = historyOf(120);
			const everyone = new Set(ids(origin));
			spaces.startFrom(origin);
			const gen = spaces.gen;
			const waiting: { state: ReadonlyMap<number, number>; resolve: () => void }[] = [];
			const confirmations = (): ArchiveConfirmations => ({
				storedLocally: () => Promise.resolve(),
				storedOnRelay: (state) => new Promise<void>((resolve) => waiting.push({ state, resolve }))
			});
			const step = (network: Network) => {
				const roll = int(gen, 0, 9);
				if (roll === 0) network.disconnectRandom();
				else if (roll === 1) network.reconnectRandom();
				else if (roll < 6) network.flushRandom();
				else network.deliverRandom();
			};
			const relayKeepsEverything = () => {
				const held = new Set([...ids(spaces.docs[0]!), ...ids(archives.docs[0]!)]);
				for (const id of everyone) expect(held.has(id), `the relay lost ${id}`).toBe(true);
			};
			const passes = [1, 2].map((device) =>
				archiveOldRecords(spaces.docs[device]!, archives.docs[device]!, confirmations(), { above: 100, keep: 30 + device * 10 })
			);
			let done = false;
			void Promise.all(passes).then(() => (done = true));
			for (let i = 0; i < 2000 && !done; i++) {
				step(bool(gen) ? spaces : archives);
				relayKeepsEverything();
				const relayState = stateOf(archives.docs[0]!);
				for (const wait of waiting.splice(0)) {
					if (covers(relayState, wait.state) && bool(gen)) wait.resolve();
					else waiting.push(wait);
				}
				await settle();
			}
			spaces.syncAll();
			archives.syncAll();
			for (const wait of waiting.splice(0)) wait.resolve();
			const results = await Promise.all(passes);
			spaces.syncAll();
			archives.syncAll();
			expect(results.map((result) => result.removed).reduce((a, b) => a + b)).toBeGreaterThan(0);
			for (let replica = 0; replica < 3; replica++) {
				const space = spaces.docs[replica]!;
				const archive = archives.docs[replica]!;
				const read = ids(space, archive);
				expect(read).toHaveLength(everyone.size);
				expect(new Set(read)).toEqual(everyone);
				// Each removed what it archived: the space keeps what the device keeping fewer kept.
				expect(ids(space)).toEqual(ids(origin).slice(0, 40));
				expect(ids(space).some((id) => ids(archive).includes(id))).toBe(false);
			}
		});
	}
});
