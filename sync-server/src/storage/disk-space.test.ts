// The free-space floor: read from the disk rarely, yet never far off, since the updates
// taken since the last reading are counted as written.
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { DiskSpace } from './disk-space.js';

const MiB = 1024 * 1024;

test('the floor against the real disk: far below it is not low, above the free space is', () => {
	const dir = mkdtempSync(join(tmpdir(), 'passerelle-space-'));
	try {
		const stats = statfsSync(dir);
		const free = stats.bavail * stats.bsize;
		expect(new DiskSpace(dir, { minFreeBytes: 1 }).isLow()).toBe(false);
		expect(new DiskSpace(dir, { minFreeBytes: free + 1024 ** 4 }).isLow()).toBe(true);
		expect(new DiskSpace(dir, { minFreeBytes: 0 }).isLow()).toBe(false);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});

test('updates taken count as written until the next reading, which comes after 4 MiB of them', () => {
	let free = 100 * MiB;
	let readings = 0;
	const changes: boolean[] = [];
	const space = new DiskSpace('/data', {
		minFreeBytes: 64 * MiB,
		freeBytes: () => {
			readings += 1;
			return free;
		},
		changed: (low) => changes.push(low)
	});
	expect(space.isLow(MiB)).toBe(false);
	free -= MiB;
	expect(readings).toBe(1);
	// 30 more MiB in small updates: read again every 4 MiB, not at each update.
	for (let n = 0; n < 30 * 4; n++) {
		space.isLow(MiB / 4);
		free -= MiB / 4;
	}
	expect(readings).toBeGreaterThanOrEqual(7);
	expect(readings).toBeLessThanOrEqual(9);
	// An update that would cross the floor is refused; a smaller one that fits is taken.
	const left = space.freeBytes - 64 * MiB;
	expect(space.isLow(left + 1)).toBe(true);
	expect(changes).toEqual([true]);
	expect(space.isLow(left - 1)).toBe(false);
	expect(changes).toEqual([true, false]);
	// Written, it counts: the next one finds the floor reached.
	free -= left - 1;
	expect(space.isLow(2)).toBe(true);
});
