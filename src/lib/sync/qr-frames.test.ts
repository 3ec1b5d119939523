import { describe, expect, test } from 'vitest';
import { bytes as randomBytes, generator, int, shuffle } from '../testing/random';
import { FRAME_BYTES, FrameCollector, MAX_QR_BYTES, toFrames } from './qr-frames';

describe('QR frames of a small bundle', () => {
	test('read in any order, with repeats, they give back the bundle, byte for byte', () => {
		const gen = generator(42);
		for (let run = 0; run < 200; run++) {
			const bundle = randomBytes(gen, int(gen, 1, 6000));
			const frames = toFrames(bundle);
			expect(frames).toHaveLength(Math.ceil(bundle.length / FRAME_BYTES));
			const collector = new FrameCollector();
			const order = shuffle(gen, [...frames, ...frames.slice(0, int(gen, 0, frames.length))]);
			let outcome = null;
			for (const frame of order) {
				outcome = collector.add(frame);
				if (outcome.status === 'complete') break;
				expect(outcome.status).toBe('progress');
			}
			expect(outcome).toMatchObject({ status: 'complete', total: frames.length });
			expect(outcome?.status === 'complete' && [...outcome.bytes]).toEqual([...bundle]);
		}
	});

	test('says which frames are missing, refuses what is not a frame or of another sequence', () => {
		const gen = generator(7);
		const frames = toFrames(randomBytes(gen, 2000));
		const collector = new FrameCollector();
		expect(collector.add(frames[0]!)).toEqual({ status: 'progress', have: 1, total: 5 });
		expect(collector.add(frames[3]!)).toEqual({ status: 'progress', have: 2, total: 5 });
		expect(collector.missing()).toEqual([2, 3, 5]);
		expect(collector.add('https://example.org/a-poster')).toEqual({ status: 'refused', reason: 'not_a_frame' });
		expect(collector.add(toFrames(randomBytes(gen, 2000))[1]!)).toEqual({ status: 'refused', reason: 'other_sequence' });
		expect(collector.add(frames[1]!.replace(/ 2\/5 /, ' 9/5 '))).toEqual({ status: 'refused', reason: 'not_a_frame' });
		expect(collector.missing()).toEqual([2, 3, 5]);
	});

	test('a damaged frame is found once all are read, and reading starts over', () => {
		const gen = generator(9);
		const frames = toFrames(randomBytes(gen, 900));
		const collector = new FrameCollector();
		const last = frames[2]!;
		const damaged = last.slice(0, -2) + (last.endsWith('AA') ? 'BB' : 'AA');
		collector.add(frames[0]!);
		collector.add(frames[1]!);
		expect(collector.add(damaged)).toEqual({ status: 'damaged' });
		expect(collector.missing()).toEqual([]);
		for (const frame of frames.slice(0, 2)) collector.add(frame);
		expect(collector.add(last)).toMatchObject({ status: 'complete' });
	});

	test('a bundle too large for QR codes gives no frames', () => {
		expect(toFrames(new Uint8Array(MAX_QR_BYTES + 1))).toEqual([]);
		expect(toFrames(new Uint8Array(0))).toEqual([]);
	});
});
