import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { bool, clientId, generator, int, pick, seeds, shuffle, string, withReplayHint, type Gen } from '../testing/random';
import {
	BUNDLE_VERSION,
	bundleKeys,
	exportBundle,
	importBundle,
	openBundle,
	parseVectorCode,
	readBundleHeader,
	vectorCode
} from './bundle';
import { deriveReadSecret } from './keys';

const SPACE = 'space-one-0123456789abcdef';
const OTHER_SPACE = 'space-two-0123456789abcdef';
const SECRET = 'member-secret-0123456789abcdefghijklmnop';
const ROTATED = 'member-secret-rotated-0123456789abcdefghij';
const ORIGIN = Symbol('bundle');

async function keysFor(spaceId = SPACE, secret = SECRET) {
	const member = await bundleKeys({ id: spaceId, secret, access: 'member' });
	const reader = await bundleKeys({ id: spaceId, secret: await deriveReadSecret(secret, spaceId), access: 'read' });
	return { member, reader };
}

function docWithClient(gen: Gen): Y.Doc {
	const doc = new Y.Doc();
	doc.clientID = clientId(gen);
	return doc;
}

/** A few random edits of the kinds a space makes: map entries set and removed, list items, text. */
function edit(doc: Y.Doc, gen: Gen, steps: number): void {
	for (let i = 0; i < steps; i++) {
		const map = doc.getMap<unknown>('entities');
		const list = doc.getArray<string>('activity');
		const text = doc.getText('notes');
		doc.transact(() => {
			switch (int(gen, 0, 4)) {
				case 0:
				case 1:
					map.set(`e${int(gen, 0, 30)}`, { name: string(gen, 0, 30), amount: int(gen, -10_000, 10_000) });
					break;
				case 2: {
					const keys = [...map.keys()];
					if (keys.length > 0) map.delete(pick(gen, keys));
					break;
				}
				case 3:
					list.insert(int(gen, 0, list.length), [string(gen, 1, 20)]);
					if (list.length > 5 && bool(gen, 0.3)) list.delete(int(gen, 0, list.length - 1), 1);
					break;
				default:
					text.insert(int(gen, 0, text.length), string(gen, 1, 12));
			}
		});
	}
}

function sync(from: Y.Doc, to: Y.Doc): void {
	Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
}

function expectSame(a: Y.Doc, b: Y.Doc): void {
	expect(b.getMap('entities').toJSON()).toEqual(a.getMap('entities').toJSON());
	expect(b.getArray('activity').toJSON()).toEqual(a.getArray('activity').toJSON());
	expect(b.getText('notes').toString()).toBe(a.getText('notes').toString());
	expect(Y.equalSnapshots(Y.snapshot(a), Y.snapshot(b))).toBe(true);
	expect(b.store.pendingStructs).toBeNull();
}

describe('bundles', () => {
	it('1,000 seeded random round trips give equal documents, whole or as what the other device lacks', async () => {
		const { member, reader } = await keysFor();
		for (const seed of seeds([16_005])) {
			const gen = generator(seed);
			try {
				for (let run = 0; run < 1000; run++) {
					// Two or three devices edit apart and partly sync: the sender holds several clients' changes.
					const sender = docWithClient(gen);
					const other = docWithClient(gen);
					edit(sender, gen, int(gen, 1, 12));
					edit(other, gen, int(gen, 0, 12));
					sync(other, sender);
					const receiver = docWithClient(gen);
					let base: Uint8Array | undefined;
					if (bool(gen)) {
						// The receiver already holds an earlier state of the sender: the file carries only what it lacks.
						sync(sender, receiver);
						edit(sender, gen, int(gen, 1, 8));
						base = Y.encodeStateVector(receiver);
					}
					const before = Y.decodeStateVector(Y.encodeStateVector(receiver));
					// A member's file opens on a member or a read-only device; a read-only device's only on another.
					const madeByMember = bool(gen, 0.8);
					const file = await exportBundle(sender, madeByMember ? member : reader, base);
					const result = await importBundle(receiver, file, madeByMember && bool(gen) ? member : reader, ORIGIN);
					if (!result.ok) throw new Error(`refused: ${result.reason}`);
					expectSame(sender, receiver);
					expect(result.waiting).toBe(0);
					let inserted = 0;
					for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(sender))) inserted += clock - (before.get(client) ?? 0);
					expect(result.added).toBeGreaterThanOrEqual(inserted);
					// The same file again adds nothing.
					const again = await importBundle(receiver, file, reader, ORIGIN);
					expect(again).toEqual({ ok: true, added: 0, waiting: 0 });
				}
			} catch (error) {
				throw withReplayHint(error, seed);
			}
		}
	}, 120_000);

	it('refuses every file with a single byte changed, on a member and on a read-only device, or cut short, and changes nothing', async () => {
		const { member, reader } = await keysFor();
		const gen = generator(16_006);
		const sender = docWithClient(gen);
		edit(sender, gen, 40);
		const file = await exportBundle(sender, member);
		expect((await importBundle(new Y.Doc(), file, member, ORIGIN)).ok).toBe(true);
		const reasons = new Set<string>();
		for (let at = 0; at < file.length; at++) {
			const damaged = file.slice();
			damaged[at] = (damaged[at] as number) ^ int(gen, 1, 255);
			for (const keys of [member, reader]) {
				const receiver = new Y.Doc();
				const result = await importBundle(receiver, damaged, keys, ORIGIN);
				if (result.ok) throw new Error(`byte ${at} of ${file.length} changed and the file was still merged`);
				reasons.add(result.reason);
				expect(Y.encodeStateVector(receiver)).toEqual(Y.encodeStateVector(new Y.Doc()));
			}
		}
		expect(reasons).toContain('damaged');
		expect(reasons).toContain('not_a_bundle');
		expect(reasons).toContain('other_space');
		// A file cut short anywhere (a transfer that stopped) is refused too.
		for (let length = 0; length < file.length; length++) {
			const receiver = new Y.Doc();
			const result = await importBundle(receiver, file.slice(0, length), reader, ORIGIN);
			if (result.ok) throw new Error(`the first ${length} bytes of ${file.length} were merged`);
			expect(Y.encodeStateVector(receiver)).toEqual(Y.encodeStateVector(new Y.Doc()));
		}
	}, 120_000);

	it('a file of what a device lacks is at most 1.1 times the update of what it lacks', async () => {
		const { member } = await keysFor();
		const gen = generator(16_007);
		let measured = 0;
		for (let run = 0; run < 60; run++) {
			const sender = docWithClient(gen);
			const other = docWithClient(gen);
			edit(sender, gen, int(gen, 50, 400));
			edit(other, gen, int(gen, 0, 200));
			sync(other, sender);
			const receiver = docWithClient(gen);
			sync(sender, receiver);
			edit(receiver, gen, int(gen, 0, 50));
			edit(sender, gen, int(gen, 60, 600));
			const vector = Y.encodeStateVector(receiver);
			const raw = Y.encodeStateAsUpdate(sender, vector);
			const file = await exportBundle(sender, member, vector);
			expect(file.length).toBeLessThanOrEqual(raw.length * 1.1);
			// And it is what the device lacks, not everything.
			expect(file.length).toBeLessThan(Y.encodeStateAsUpdate(sender).length);
			measured++;
		}
		expect(measured).toBe(60);
	});

	it('repeated and reordered imports converge, files made against states a device lacks waiting until it has them', async () => {
		const { member } = await keysFor();
		let waited = 0;
		for (const seed of seeds([16_008, 16_009, 16_010])) {
			const gen = generator(seed);
			try {
				const devices = [docWithClient(gen), docWithClient(gen), docWithClient(gen)];
				const files: Uint8Array[] = [];
				// Each device edits, sometimes hears another, and writes files: everything, or what a device lacked then.
				for (let step = 0; step < 30; step++) {
					const device = pick(gen, devices);
					edit(device, gen, int(gen, 1, 6));
					if (bool(gen, 0.3)) sync(pick(gen, devices), device);
					const target = pick(gen, devices);
					files.push(await exportBundle(device, member, bool(gen) ? Y.encodeStateVector(target) : undefined));
				}
				const readers = [new Y.Doc(), new Y.Doc()];
				for (const reader of readers) {
					const order = shuffle(gen, [...files, ...files.filter(() => bool(gen, 0.3))]);
					for (const file of order) {
						const result = await importBundle(reader, file, member, ORIGIN);
						if (!result.ok) throw new Error(`refused: ${result.reason}`);
						waited = Math.max(waited, result.waiting);
					}
				}
				// Only the devices' last states are sure to be in some file: compare with what the files hold.
				const fromFiles = new Y.Doc();
				for (const file of files) {
					const opened = await openBundle(file, member);
					if (!opened.ok) throw new Error(opened.reason);
					Y.applyUpdate(fromFiles, opened.update);
				}
				expectSame(readers[0] as Y.Doc, readers[1] as Y.Doc);
				expect(readers[0]?.getMap('entities').toJSON()).toEqual(fromFiles.getMap('entities').toJSON());
				expect(Y.equalSnapshots(Y.snapshot(readers[0] as Y.Doc), Y.snapshot(fromFiles))).toBe(true);
			} catch (error) {
				throw withReplayHint(error, seed);
			}
		}
		// Some file came before the one it was made against, and its changes waited.
		expect(waited).toBeGreaterThan(0);
	}, 60_000);

	it('says why a file is refused: another space, another key, not from a member, a newer format, not a bundle', async () => {
		const { member, reader } = await keysFor();
		const other = await keysFor(OTHER_SPACE);
		const rotated = await keysFor(SPACE, ROTATED);
		const gen = generator(16_011);
		const sender = docWithClient(gen);
		edit(sender, gen, 20);
		const file = await exportBundle(sender, member);

		expect(await importBundle(new Y.Doc(), file, other.member, ORIGIN)).toEqual({ ok: false, reason: 'other_space' });
		expect(await importBundle(new Y.Doc(), file, rotated.member, ORIGIN)).toEqual({ ok: false, reason: 'other_key' });

		// A read-only device reads a member's file and makes its own, which a member refuses and a reader merges.
		const readerDoc = new Y.Doc();
		expect((await importBundle(readerDoc, file, reader, ORIGIN)).ok).toBe(true);
		const fromReader = await exportBundle(readerDoc, reader);
		expect(await importBundle(new Y.Doc(), fromReader, member, ORIGIN)).toEqual({ ok: false, reason: 'not_from_member' });
		const opened = await openBundle(fromReader, reader);
		expect(opened.ok && opened.fromMember).toBe(null);
		const openedByMember = await openBundle(file, member);
		expect(openedByMember.ok && openedByMember.fromMember).toBe(true);

		const newer = file.slice();
		newer[4] = BUNDLE_VERSION + 1;
		expect(await importBundle(new Y.Doc(), newer, member, ORIGIN)).toEqual({ ok: false, reason: 'newer_format' });
		expect(await importBundle(new Y.Doc(), new TextEncoder().encode('a photo, not a bundle'), member, ORIGIN)).toEqual({
			ok: false,
			reason: 'not_a_bundle'
		});
		expect(await importBundle(new Y.Doc(), file.slice(0, 40), member, ORIGIN)).toEqual({ ok: false, reason: 'damaged' });
		expect(await importBundle(new Y.Doc(), new Uint8Array(), member, ORIGIN)).toEqual({ ok: false, reason: 'not_a_bundle' });
	});

	it('the header names no space id and carries the sender and base vectors', async () => {
		const { member } = await keysFor();
		const gen = generator(16_012);
		const sender = docWithClient(gen);
		edit(sender, gen, 10);
		const receiver = new Y.Doc();
		sync(sender, receiver);
		edit(sender, gen, 5);
		const file = await exportBundle(sender, member, Y.encodeStateVector(receiver));
		const read = readBundleHeader(file);
		if (!read.ok) throw new Error(read.reason);
		expect(Y.decodeStateVector(read.header.senderVector)).toEqual(Y.decodeStateVector(Y.encodeStateVector(sender)));
		expect(Y.decodeStateVector(read.header.baseVector)).toEqual(Y.decodeStateVector(Y.encodeStateVector(receiver)));
		// On a device that lacks what the file was made against, its changes wait and are said to.
		const empty = await importBundle(new Y.Doc(), file, member, ORIGIN);
		expect(empty.ok && empty.added === 0 && empty.waiting > 0).toBe(true);
		const text = new TextDecoder('latin1').decode(file);
		expect(text).not.toContain(SPACE);
		expect(text).not.toContain('space-one');
	});

	it('a device state code reads back, and anything else is not one', () => {
		const gen = generator(16_013);
		const doc = docWithClient(gen);
		edit(doc, gen, 10);
		const vector = Y.encodeStateVector(doc);
		expect(parseVectorCode(vectorCode(vector))).toEqual(vector);
		expect(parseVectorCode(` ${vectorCode(vector).replace(/(.{8})/g, '$1 ')} `)).toEqual(vector);
		for (const bad of ['', 'hello world!', 'AAAA', '////', vectorCode(vector).slice(0, 3)]) expect(parseVectorCode(bad)).toBeNull();
	});
});


describe('what an import hands on to the device copy and the relay', () => {
	function spaceOf(entries: number): Y.Doc {
		const doc = new Y.Doc();
		doc.transact(() => {
			for (let i = 0; i < entries; i++) doc.getMap<string>('entities').set(`entry-${i}`, `written ${i}`);
		});
		return doc;
	}

	it('hands on a file new to the device as it is, and one mostly known as only what it adds', async () => {
		const { member } = await keysFor();
		const source = spaceOf(500);
		const file = await exportBundle(source, member);
		const opened = await openBundle(file, member);
		if (!opened.ok) throw new Error(opened.reason);

		const fresh = new Y.Doc();
		const handed: Uint8Array[] = [];
		fresh.on('update', (update: Uint8Array) => handed.push(update));
		expect(await importBundle(fresh, file, member, ORIGIN)).toMatchObject({ ok: true, added: 500 });
		expect(handed).toEqual([opened.update]);

		// A device holding all but one entry gets the file's content again, and hands on only the new one.
		const known = new Y.Doc();
		Y.applyUpdate(known, Y.encodeStateAsUpdate(source));
		source.getMap<string>('entities').set('entry-new', 'one more');
		const later = await exportBundle(source, member);
		const seen: Uint8Array[] = [];
		known.on('update', (update: Uint8Array) => seen.push(update));
		expect(await importBundle(known, later, member, ORIGIN)).toMatchObject({ ok: true, added: 1 });
		expect(seen).toHaveLength(1);
		expect(seen[0]!.byteLength).toBeLessThan(100);
		// What was handed on makes the space again, as the device's copy will on the next opening.
		const reopened = new Y.Doc();
		for (const update of handed) Y.applyUpdate(reopened, update);
		expect(reopened.getMap('entities').toJSON()).toEqual(fresh.getMap('entities').toJSON());
	});
});
