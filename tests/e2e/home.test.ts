/**
 * A collective's home page: a new collective opens on its first steps; once another member
 * (a device in Node, through the real relay) has written a decision, dues, food, a booking
 * and a need, the home lists each of them under "now" or "soon", says what that member did
 * since the last visit, and each line leads to its place.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { localDate, newId, type MemberId } from '../../src/lib/domain/core';
import { confirmBooking, requestBooking } from '../../src/lib/domain/bookings/bookings';
import { createDecision } from '../../src/lib/domain/decisions/decisions';
import { addResource } from '../../src/lib/domain/inventory/resources';
import { setDues } from '../../src/lib/domain/money/dues';
import { createNeed } from '../../src/lib/domain/needs/needs';
import { joinSpace, listMembers } from '../../src/lib/domain/space/space';
import { horizontalOverflow, seriousViolations } from '../support/axe';
import { launchBrowser, newDevice } from '../support/browser';
import { openInNode } from '../support/node-device';
import { requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';
import { created, monthsAgo } from '../support/written';

const H = 3_600_000;

describe('a collective’s home page', () => {
	let relay: RelayProcess;
	let browser: Browser;
	let context: BrowserContext;
	let a: AppModel;

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess();
		browser = await launchBrowser();
		context = await newDevice(browser, 'fr-FR');
		a = new AppModel(await context.newPage());
	});

	afterAll(async () => {
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	it('guides a new collective’s first steps, then lists what needs attention, each line leading to its place', async () => {
		await a.page.goto(`http://127.0.0.1:${relay.port}/`);
		await a.chooseName('Alice');
		// createCollective sees the first steps on the new collective's home, then goes to the inventory.
		await a.createCollective('Cantine', '');
		await a.waitSynced();
		// Another member, on a device of their own, writes what needs attention.
		const device = await openInNode(await a.inviteLink(), relay.port);
		const { doc, spaceId } = device;
		try {
			const bruno = newId() as MemberId;
			const now = Date.now();
			const today = localDate();
			const inThreeDays = localDate(new Date(now + 3 * 24 * H));
			// Bruno has been a member for months; dues are owed from a member's first day.
			joinSpace(doc, bruno, 'Bruno', new Date(monthsAgo(4)).getTime());
			const alice = listMembers(doc).items.find((member) => member.name === 'Alice')!.id;
			const decision = created(createDecision(doc, { title: 'Repeindre la cuisine', proposal: 'En vert', process: 'vote', closesAt: now + 5 * H }, bruno, now));
			setDues(doc, 'default', { amount: 1_000, currency: 'EUR', period: 'monthly', start: monthsAgo(3) }, bruno, now);
			setDues(doc, alice, { amount: 1_500, currency: 'EUR', period: 'monthly', start: monthsAgo(3) }, bruno, now);
			created(addResource(doc, { kind: 'food', name: 'Pain', quantity: 4, unit: 'kg', expiresOn: today }, bruno, now));
			const room = created(addResource(doc, { kind: 'room', name: 'Salle' }, bruno, now));
			const evening = new Date();
			evening.setHours(23, 0, 0, 0);
			const booking = created(requestBooking(doc, { resourceId: room, start: evening.getTime(), end: evening.getTime() + 30 * 60_000, to: { kind: 'member', memberId: bruno } }, bruno, now));
			confirmBooking(doc, booking, bruno, now);
			const need = createNeed(doc, { kind: 'money', title: 'Loyer', unit: 'EUR', target: 50_000, deadline: inThreeDays }, bruno, now);

			await a.page.getByRole('link', { name: 'À traiter' }).click();
			const home = a.page.getByTestId('attention');
			await home.locator('[data-kind="need_deadline"]').waitFor();
			const line = (kind: string) => home.locator(`[data-kind="${kind}"]`);
			const texts = async (kind: string) => (await line(kind).allTextContents()).map((text) => text.replace(/\s+/g, ' ').trim());
			expect(await line('decision').textContent()).toContain('Décision « Repeindre la cuisine » : se clôt le');
			expect(await line('decision').textContent()).toContain('votre position manque');
			expect(await texts('dues_late')).toEqual([
				expect.stringMatching(/^Vos cotisations sont en retard : \d+,00\s€ à régler$/),
				expect.stringMatching(/^Cotisations de Bruno en retard : \d+,00\s€$/)
			]);
			expect(await texts('food_expiring')).toEqual(["Pain : date limite aujourd'hui"]);
			expect(await texts('booking')).toEqual([expect.stringMatching(/^Salle aujourd'hui, .+, pour Bruno$/)]);
			expect(await texts('need_deadline')).toEqual([expect.stringMatching(/^Besoin « Loyer » : échéance le .+, 0 % promis$/)]);
			// Everything for today under « Maintenant », the need's deadline under « Bientôt ».
			const headings = await home.getByRole('heading').allTextContents();
			expect(headings).toEqual(['Maintenant', 'Bientôt', 'Bon à savoir']);
			// The first steps are done: a member invited, something held, a need recorded.
			await expect.poll(() => a.page.getByTestId('first-steps').count()).toBe(0);

			// What Bruno did since Alice's last visit (when the collective was created).
			const since = a.page.getByTestId('since-last-visit');
			expect(await since.textContent()).toMatch(/\d+ changements par d'autres membres/);
			expect(await since.getByText('Bruno', { exact: true }).count()).toBeGreaterThan(0);

			expect(await horizontalOverflow(a.page)).toBe(0);
			expect(await seriousViolations(a.page)).toEqual([]);

			// Each line leads to its place.
			await line('decision').getByRole('link').click();
			await a.page.waitForURL(`http://127.0.0.1:${relay.port}/s/${spaceId}/decisions/${decision}`);
			await a.page.getByRole('heading', { name: 'Repeindre la cuisine' }).waitFor();
			await a.page.goBack();
			await line('need_deadline').getByRole('link').click();
			await a.page.waitForURL(`http://127.0.0.1:${relay.port}/s/${spaceId}/needs/${need}`);
			await a.page.goBack();
			await line('dues_late').first().getByRole('link').click();
			await a.page.waitForURL(`http://127.0.0.1:${relay.port}/s/${spaceId}/money/dues`);
			await a.page.goBack();

			// Coming back later: nothing new since this visit.
			await a.page.reload();
			await a.page.getByTestId('since-last-visit').getByText("Personne d'autre n'a rien changé depuis votre dernière visite.").waitFor();
		} finally {
			device.close();
		}
	});
});
