// A site relay and its upstream as real processes, the site's internet a TCP link: seeded
// runs of edits on both sides, the link cut and restored, and either relay killed with
// SIGKILL and started again on its data. Whatever happens, once everything is back up,
// the phone on the site and the laptop in town hold the same document with every edit.
import { beforeAll, expect, onTestFinished, test } from 'vitest';
import { bool, int, iterations, replayAsync, seeds, type Gen } from '../../src/lib/testing/random.js';
import { CuttableLink } from '../support/cuttable-link.js';
import { ensureRelayBuilt, freePort, startRelayProcess, type RelayProcess } from '../support/relay-process.js';
import { makeClient, pairedReadToken, randomRoomId, randomToken, tempDir, waitFor, waitForSynced } from './helpers.js';

beforeAll(() => ensureRelayBuilt(), 120_000);

interface Side {
	relay: RelayProcess;
	port: number;
	dataDir: string;
	env: Record<string, string>;
}

async function start(side: Omit<Side, 'relay'>): Promise<Side> {
	const relay = await startRelayProcess({ port: side.port, dataDir: side.dataDir, env: side.env });
	return { ...side, relay };
}

async function restart(side: Side): Promise<Side> {
	await side.relay.kill('SIGKILL');
	return start(side);
}

for (const seed of seeds([7, 8, 9])) {
	test(`seed ${seed}: cuts and kill -9 of either relay lose no edit, and both sides converge`, { timeout: 120_000 }, async () => {
		await replayAsync(seed, async (gen: Gen) => {
			let upstream = await start({ port: await freePort(), dataDir: tempDir('up'), env: {} });
			const internet = await CuttableLink.open(await freePort(), upstream.port);
			let site = await start({ port: await freePort(), dataDir: tempDir('site'), env: { UPSTREAM: `ws://127.0.0.1:${internet.port}` } });
			onTestFinished(async () => {
				await internet.cut();
				await site.relay.kill('SIGKILL');
				await upstream.relay.kill('SIGKILL');
			});
			const room = randomRoomId();
			const token = randomToken();
			const phone = makeClient(`ws://127.0.0.1:${site.port}/sync`, room, token);
			await waitForSynced(phone);
			const chained = await fetch(`http://127.0.0.1:${site.port}/rooms/${room}/upstream`, {
				method: 'POST',
				headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
				body: JSON.stringify({ readToken: pairedReadToken(token) })
			});
			expect(chained.status).toBe(200);
			const laptop = makeClient(`ws://127.0.0.1:${upstream.port}/sync`, room, token);

			const written = { phone: 0, laptop: 0 };
			const steps = iterations(40);
			for (let step = 0; step < steps; step++) {
				switch (int(gen, 0, 5)) {
					case 0:
					case 1: {
						const n = int(gen, 1, 20);
						for (let i = 0; i < n; i++) phone.doc.getArray<string>('site').push([`p${written.phone++}`]);
						break;
					}
					case 2: {
						const n = int(gen, 1, 20);
						for (let i = 0; i < n; i++) laptop.doc.getArray<string>('town').push([`l${written.laptop++}`]);
						break;
					}
					case 3:
						if (bool(gen)) await internet.cut();
						else await internet.restore();
						break;
					case 4:
						site = await restart(site);
						break;
					default:
						upstream = await restart(upstream);
				}
				await new Promise((done) => setTimeout(done, int(gen, 0, 150)));
			}

			await internet.restore();
			const expected = { site: written.phone, town: written.laptop };
			for (const [name, client] of [['phone', phone], ['laptop', laptop]] as const) {
				await waitFor(
					() => client.doc.getArray('site').length === expected.site && client.doc.getArray('town').length === expected.town,
					`the ${name} to hold every edit (${expected.site} from the site, ${expected.town} from town)`,
					40_000
				);
			}
			expect(phone.doc.getArray('site').toArray()).toEqual(laptop.doc.getArray('site').toArray());
			expect(phone.doc.getArray('town').toArray()).toEqual(laptop.doc.getArray('town').toArray());
			// And the relays hold it too: a device that never saw either side gets everything from town.
			const late = makeClient(`ws://127.0.0.1:${upstream.port}/sync`, room, token);
			await waitFor(() => late.doc.getArray('site').length === expected.site && late.doc.getArray('town').length === expected.town, 'a new device in town to get everything', 40_000);
			return written;
		});
	});
}
