import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { generateSpace } from '../../../bench/scale/generate';
import { piecesOf } from './local-copy';

/** A space of a few hundred kilobytes, and the rows a device keeps of it: one compacted row, then some changes. */
function storedSpace(): { doc: Y.Doc; rows: Uint8Array[] } {
	const doc = new Y.Doc();
	generateSpace(doc, { members: 4, resources: 40, funds: 2, entries: 1500, needs: 3, pledges: 10, decisions: 4, positions: 8, bookings: 20 }, { seed: 5, batch: 200 });
	const rows = [Y.encodeStateAsUpdate(doc)];
	for (let i = 0; i < 30; i++) {
		const before = Y.encodeStateVector(doc);
		doc.getMap('notes').set(`n${i}`, `note ${i}`);
		rows.push(Y.encodeStateAsUpdate(doc, before));
	}
	return { doc, rows };
}

describe('loading the stored copy in pieces', () => {
	it('cuts a compacted row and groups small ones, and the pieces in order make the same document', async () => {
		const { doc, rows } = storedSpace();
		const pieceBytes = 16 * 1024;
		expect(rows[0]!.length).toBeGreaterThan(pieceBytes * 4);
		const { pieces, cut } = await piecesOf(rows, pieceBytes);
		expect(cut).toBe(true);
		expect(pieces.length).toBeGreaterThan(4);
		// The thirty small changes after it travel together rather than one per piece.
		expect(pieces.at(-1)!.length).toBe(30);
		for (const piece of pieces.slice(0, -1)) expect(piece.reduce((n, u) => n + u.length, 0)).toBeLessThan(pieceBytes * 3);

		const loaded = new Y.Doc();
		for (const piece of pieces) {
			loaded.transact(() => {
				for (const update of piece) Y.applyUpdate(loaded, update);
			});
		}
		expect(Y.encodeStateVector(loaded)).toEqual(Y.encodeStateVector(doc));
		expect(Y.equalSnapshots(Y.snapshot(loaded), Y.snapshot(doc))).toBe(true);
		expect(loaded.getMap('notes').toJSON()).toEqual(doc.getMap('notes').toJSON());
	});

	it('leaves a copy of small rows as it is', async () => {
		const doc = new Y.Doc();
		const rows: Uint8Array[] = [];
		doc.on('update', (update: Uint8Array) => rows.push(update));
		for (let i = 0; i < 10; i++) doc.getMap('m').set(`k${i}`, i);
		const { pieces, cut } = await piecesOf(rows, 16 * 1024);
		expect(cut).toBe(false);
		expect(pieces).toEqual([rows]);
	});
});
