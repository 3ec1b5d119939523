import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { linkTabs } from './tabs';

const unlinks: (() => void)[] = [];
afterEach(() => unlinks.splice(0).forEach((unlink) => unlink()));

function tab(name: string, doc = new Y.Doc()): Y.Doc {
	unlinks.push(linkTabs(doc, name));
	return doc;
}

/** Waits until `check` holds, a message round at a time. */
async function until(check: () => boolean): Promise<void> {
	for (let i = 0; i < 200 && !check(); i++) await new Promise((done) => setTimeout(done, 5));
	expect(check()).toBe(true);
}

describe('tabs of one browser', () => {
	it('a tab that opens gets what the others hold and gives them what it alone holds, both ways', async () => {
		const first = new Y.Doc();
		first.getMap('resources').set('a', 'held by the first tab');
		tab('space-1', first);
		const second = new Y.Doc();
		second.getMap('resources').set('b', 'written in the second tab before it opened');
		tab('space-1', second);
		await until(() => first.getMap('resources').size === 2 && second.getMap('resources').size === 2);
		expect(second.getMap('resources').get('a')).toBe('held by the first tab');
		expect(first.getMap('resources').get('b')).toBe('written in the second tab before it opened');
	});

	it('sends each change as it is made, and only to tabs of the same space', async () => {
		const one = tab('space-2');
		const two = tab('space-2');
		const other = tab('space-3');
		one.getMap('meta').set('name', 'Atelier');
		await until(() => two.getMap('meta').get('name') === 'Atelier');
		two.getMap('meta').set('name', 'Atelier des Lilas');
		await until(() => one.getMap('meta').get('name') === 'Atelier des Lilas');
		expect(other.getMap('meta').size).toBe(0);
	});

	it('ignores what is not one of its messages', async () => {
		const doc = tab('space-4');
		const stranger = new BroadcastChannel('passerelle:tabs:space-4');
		stranger.postMessage({ type: 'update', update: new Uint8Array([255, 255, 255]) });
		stranger.postMessage({ type: 'hello', vector: 'not bytes' });
		stranger.postMessage('noise');
		const later = tab('space-4');
		later.getMap('meta').set('name', 'still linked');
		await until(() => doc.getMap('meta').get('name') === 'still linked');
		stranger.close();
	});
});
