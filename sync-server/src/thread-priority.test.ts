// The relay's other threads run at the lowest priority, the event loop's thread at its own.
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, test, vi } from 'vitest';
import { WorkerMerger } from './rooms/merger.js';
import { prepareSchema } from './storage/sqlite/sqlite-schema.js';
import { StoreWorker } from './storage/sqlite/store-worker.js';
import { lowerHelperThreadPriority } from './thread-priority.js';

/** Nice value of each thread of this process, by thread id. */
function niceByThread(): Map<number, number> {
	const nice = new Map<number, number>();
	for (const tid of readdirSync('/proc/self/task')) {
		try {
			const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
			// Fields after the command name, which may hold spaces: nice is field 19 of stat.
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			nice.set(Number(tid), Number(fields[16]));
		} catch {
			// The thread ended while listed.
		}
	}
	return nice;
}

const niced = () => [...niceByThread().values()].filter((value) => value === 19).length;

test.skipIf(!existsSync('/proc/thread-self'))('merge and store workers run at nice 19; the main thread keeps its priority', async () => {
	const dir = mkdtempSync(join(tmpdir(), 'passerelle-priority-'));
	const file = join(dir, 'relay.sqlite');
	const db = new Database(file);
	prepareSchema(db);
	const before = niced();
	const merger = new WorkerMerger().prepare();
	const worker = new StoreWorker(file, () => {});
	try {
		await vi.waitFor(() => expect(niced()).toBe(before + 2), { timeout: 5000 });
		expect(niceByThread().get(process.pid)).toBe(0);
	} finally {
		await merger.close();
		await worker.close();
		db.close();
		rmSync(dir, { recursive: true, force: true });
	}
});

test.skipIf(!existsSync('/proc/thread-self'))('every thread but the calling one can be lowered: V8 helpers and the thread pool', () => {
	const own = Number(readlinkSync('/proc/thread-self').split('/').pop());
	const spared = new Set([process.pid, own]);
	const threads = niceByThread().size;
	expect(threads).toBeGreaterThan(spared.size);
	expect(lowerHelperThreadPriority()).toBeGreaterThanOrEqual(threads - spared.size);
	for (const [tid, nice] of niceByThread()) expect([tid, nice]).toEqual([tid, spared.has(tid) ? 0 : 19]);
});
