import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { expectEveryLanguage } from '../refusals.testing';
import { parseVectorCode } from '$lib/sync/bundle';
import { bundleFileName, mergeFile, spaceOfFile, refusalSentence, reportSentences, watchDeviceCode, writeBundle, type FileRefusal } from './transfer';

const ALL_REFUSALS: FileRefusal[] = [
	'not_a_bundle',
	'newer_format',
	'other_space',
	'other_key',
	'damaged',
	'not_from_member',
	'too_big',
	'unreadable'
];

const here = { id: 'space-here-0123456789abcdef', secret: 'secret-here-0123456789abcdefghijklmnopqrs', access: 'member' as const };
const there = { id: 'space-there-0123456789abcdef', secret: 'secret-there-0123456789abcdefghijklmnopqr', access: 'member' as const };

describe('files on a device', () => {
	it('says every refusal and every report in French, Italian and English', () => {
		expectEveryLanguage([
			...ALL_REFUSALS.map((reason) => ({ name: reason, text: () => refusalSentence(reason) })),
			{ name: 'other space named', text: () => refusalSentence('other_space', 'Atelier vélo') },
			{ name: 'report', text: () => reportSentences({ added: 212, waiting: 0 }).join(' ') },
			{ name: 'one added', text: () => reportSentences({ added: 1, waiting: 0 }).join(' ') },
			{ name: 'waiting', text: () => reportSentences({ added: 3, waiting: 4 }).join(' ') },
			{ name: 'nothing new', text: () => reportSentences({ added: 0, waiting: 0 }).join(' ') }
		]);
		expect(refusalSentence('other_space', 'Atelier vélo')).toContain('Atelier vélo');
		expect(reportSentences({ added: 212, waiting: 0 })[0]).toBe('212 changements ajoutés, 0 en attente.');
	});

	it('names the collective of this device a file of another space belongs to', async () => {
		const doc = new Y.Doc();
		doc.getMap('entities').set('a', 1);
		const file = await writeBundle(doc, there);
		const target = new Y.Doc();
		const outcome = await mergeFile(target, here, file, [{ id: there.id, name: 'Atelier vélo' }]);
		expect(outcome).toEqual({ ok: false, reason: 'other_space', otherSpace: 'Atelier vélo' });
		expect(await mergeFile(target, here, file, [])).toEqual({ ok: false, reason: 'other_space' });
		expect(target.getMap('entities').size).toBe(0);
		expect(await mergeFile(target, there, file, [])).toEqual({ ok: true, added: 1, waiting: 0 });
	});

	it('finds which collective of this device a shared file belongs to, from its header alone', async () => {
		const doc = new Y.Doc();
		doc.getMap('entities').set('a', 1);
		const file = await writeBundle(doc, there);
		const spaces = [
			{ id: here.id, name: 'Cuisine' },
			{ id: there.id, name: 'Atelier vélo' }
		];
		const found = await spaceOfFile(file, spaces);
		expect(found.ok && found.space.name).toBe('Atelier vélo');
		expect(await spaceOfFile(file, [spaces[0]!])).toEqual({ ok: false, reason: 'not_held' });
		expect(await spaceOfFile(new TextEncoder().encode('JFIF'), spaces)).toEqual({ ok: false, reason: 'not_a_bundle' });
		expect(await spaceOfFile(file.subarray(0, 20), spaces)).toMatchObject({ ok: false });
	});

	it('names files after the collective and the day', () => {
		expect(bundleFileName('Atelier vélo & co', new Date(2026, 11, 4, 23, 0))).toBe('atelier-velo-co-2026-12-04.passerelle');
	});

	it('shows the device code once loaded and again when a run of changes settles, and stops when asked', async () => {
		const doc = new Y.Doc();
		const shown: string[] = [];
		const settle = () => new Promise((done) => setTimeout(done, 40));
		const stop = watchDeviceCode(doc, Promise.resolve(), (code) => shown.push(code), 10);
		await settle();
		expect(shown.length).toBe(1);
		for (let i = 0; i < 5; i++) doc.getMap('entities').set(`k${i}`, i);
		await settle();
		expect(shown.length).toBe(2);
		expect(parseVectorCode(shown[1] as string)).toEqual(Y.encodeStateVector(doc));
		stop();
		doc.getMap('entities').set('after', 1);
		await settle();
		expect(shown.length).toBe(2);
	});
});
