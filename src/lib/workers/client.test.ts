import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { afterChanges } from './client';

const wait = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('a long report made again after changes', () => {
	it('is asked once for a burst of changes, local or applied from elsewhere, and not for a reading', async () => {
		const doc = new Y.Doc();
		let asked = 0;
		const stop = afterChanges(doc, 30, () => asked++);
		doc.transact(() => {});
		doc.getMap('ledger').get('nothing');
		await wait(60);
		expect(asked).toBe(0);

		for (let i = 0; i < 5; i++) doc.getMap('ledger').set(`e${i}`, i);
		const elsewhere = new Y.Doc();
		elsewhere.getMap('ledger').set('remote', 1);
		Y.applyUpdate(doc, Y.encodeStateAsUpdate(elsewhere));
		await wait(60);
		expect(asked).toBe(1);

		doc.getMap('ledger').delete('e0');
		await wait(60);
		expect(asked).toBe(2);

		doc.getMap('ledger').set('late', 1);
		stop();
		await wait(60);
		expect(asked).toBe(2);
	});
});
