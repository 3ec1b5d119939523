import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DerivedViews } from './derived';
import { ledgerMap, resourcesMap } from './schema';

function counting(compute: (doc: Y.Doc) => number) {
	let runs = 0;
	return {
		view: (doc: Y.Doc) => {
			runs++;
			return compute(doc);
		},
		runs: () => runs
	};
}

describe('views kept until what they read changes', () => {
	it('computes once while nothing it read changes, again after a change below it', () => {
		const doc = new Y.Doc();
		const views = new DerivedViews(doc);
		const size = counting((d) => resourcesMap(d).size);
		expect(views.get('size', () => size.view(doc))).toBe(0);
		expect(views.get('size', () => size.view(doc))).toBe(0);
		expect(size.runs()).toBe(1);
		const entry = new Y.Map<unknown>();
		resourcesMap(doc).set('a', entry);
		expect(views.get('size', () => size.view(doc))).toBe(1);
		entry.set('name', 'Van');
		views.get('size', () => size.view(doc));
		expect(size.runs()).toBe(3);
	});

	it('drops the view used least lately when too many are kept, not one read on every update', () => {
		const doc = new Y.Doc();
		const views = new DerivedViews(doc);
		const badge = counting((d) => resourcesMap(d).size);
		views.get('badge', () => badge.view(doc));
		for (let i = 0; i < 200; i++) {
			views.get(`filter ${i}`, () => resourcesMap(doc).size + i);
			views.get('badge', () => badge.view(doc));
		}
		expect(badge.runs()).toBe(1);
	});

	it('keeps a view when only a structure it did not read changes', () => {
		const doc = new Y.Doc();
		const views = new DerivedViews(doc);
		const entries = counting((d) => ledgerMap(d).size);
		views.get('entries', () => entries.view(doc));
		resourcesMap(doc).set('a', new Y.Map());
		views.get('entries', () => entries.view(doc));
		expect(entries.runs()).toBe(1);
	});

	it('sees a change from another device', () => {
		const doc = new Y.Doc();
		const views = new DerivedViews(doc);
		views.get('size', () => resourcesMap(doc).size);
		const remote = new Y.Doc();
		resourcesMap(remote).set('b', new Y.Map());
		Y.applyUpdate(doc, Y.encodeStateAsUpdate(remote));
		expect(views.get('size', () => resourcesMap(doc).size)).toBe(1);
	});

	it('makes a view built on another depend on what the inner one read, even when the inner one was kept', () => {
		const doc = new Y.Doc();
		const views = new DerivedViews(doc);
		const inner = () => views.get('inner', () => ledgerMap(doc).size);
		inner();
		const outer = counting(() => inner() * 10);
		expect(views.get('outer', () => outer.view(doc))).toBe(0);
		ledgerMap(doc).set('e', new Y.Map());
		expect(views.get('outer', () => outer.view(doc))).toBe(10);
		expect(outer.runs()).toBe(2);
	});

	it('computes afresh inside a transaction', () => {
		const doc = new Y.Doc();
		const views = new DerivedViews(doc);
		views.get('size', () => resourcesMap(doc).size);
		doc.transact(() => {
			resourcesMap(doc).set('a', new Y.Map());
			expect(views.get('size', () => resourcesMap(doc).size)).toBe(1);
		});
	});
});
