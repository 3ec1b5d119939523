import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { newId, type MemberId } from './ids';
import { editConflicts, fieldHeads, writeRevision } from './revisions';
import { revisionsMap } from './schema';

const by = newId<'member'>() as MemberId;
const other = newId<'member'>() as MemberId;

function afresh(doc: Y.Doc): Y.Doc {
	const copy = new Y.Doc();
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
	return copy;
}

describe('field revisions', () => {
	it('a revision that arrives before the one it names still supersedes it', () => {
		const doc = new Y.Doc();
		expect(editConflicts(doc)).toEqual([]);
		const first = newId<'revision'>();
		const second = newId<'revision'>();
		revisionsMap(doc).set(second, { kind: 'resource', entity: 'r1', field: 'location', value: 'Cour', by, at: 2, bases: [first] });
		revisionsMap(doc).set(first, { kind: 'resource', entity: 'r1', field: 'location', value: 'Parking', by: other, at: 1, bases: [] });
		expect(fieldHeads(doc, 'resource', 'r1', 'location').map((r) => r.id)).toEqual([second]);
		expect(editConflicts(doc)).toEqual([]);
		expect(editConflicts(afresh(doc))).toEqual([]);
	});

	it('entries that do not read are passed over, and a revision taken away by another client is forgotten', () => {
		const doc = new Y.Doc();
		const a = writeRevision(doc, 'need', 'n1', 'target', 50, by, 1);
		doc.transact(() => {
			revisionsMap(doc).set('junk', { kind: 'need', entity: 'n1', field: 'target', value: 9, by, at: 1, bases: [] });
			revisionsMap(doc).set(newId(), { kind: 'spaceship', entity: 'n1', field: 'target', value: 9, by, at: 1, bases: [] });
			revisionsMap(doc).set(newId(), new Y.Map());
		});
		const b = newId<'revision'>();
		revisionsMap(doc).set(b, { kind: 'need', entity: 'n1', field: 'target', value: 60, by: other, at: 2, bases: [] });
		expect(editConflicts(doc)[0]?.values.map((v) => v.value)).toEqual([50, 60]);
		expect(editConflicts(doc)).toEqual(editConflicts(afresh(doc)));
		revisionsMap(doc).delete(b);
		expect(editConflicts(doc)).toEqual([]);
		expect(fieldHeads(doc, 'need', 'n1', 'target').map((r) => r.id)).toEqual([a]);
	});

	it('two edits of one field in one transaction form a line', () => {
		const doc = new Y.Doc();
		editConflicts(doc);
		doc.transact(() => {
			writeRevision(doc, 'fund', 'f1', 'name', 'Caisse', by, 1);
			writeRevision(doc, 'fund', 'f1', 'name', 'Caisse du bar', by, 2);
		});
		expect(fieldHeads(doc, 'fund', 'f1', 'name').map((r) => r.value)).toEqual(['Caisse du bar']);
		expect(fieldHeads(afresh(doc), 'fund', 'f1', 'name').map((r) => r.value)).toEqual(['Caisse du bar']);
	});
});
