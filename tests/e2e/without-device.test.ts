/**
 * A person without a phone: Alice adds Maria by hand on the members page, with the day she
 * became a member. Maria owes dues from that day (set by a treasurer's device in Node, which
 * also records a payment she made in cash), and Alice writes a pledge for her. Months later
 * Maria gets a phone, in Italian: she opens the invite, says « Sono io » on her entry, and
 * her dues line, from her old membership date and with her payment, is now her phone's. Both
 * phones at 360 px.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { localDate, newId, type MemberId } from '../../src/lib/domain/core';
import { recordDuesPayment, setDues } from '../../src/lib/domain/money/dues';
import { createFund } from '../../src/lib/domain/money/funds';
import { createNeed } from '../../src/lib/domain/needs/needs';
import { joinSpace, listMembers } from '../../src/lib/domain/space/space';
import { horizontalOverflow, seriousViolations } from '../support/axe';
import { launchBrowser, newDevice } from '../support/browser';
import { openInNode } from '../support/node-device';
import { requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';
import { created, monthsAgo } from '../support/written';

describe('a member without a phone', () => {
	let relay: RelayProcess;
	let browser: Browser;
	let contexts: BrowserContext[] = [];

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess();
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	it('owes dues, can pledge through a member, and is claimed later by a new phone', async () => {
		contexts = [await newDevice(browser, 'fr-FR'), await newDevice(browser, 'it-IT')];
		const a = new AppModel(await contexts[0]!.newPage());
		const b = new AppModel(await contexts[1]!.newPage());
		await a.page.goto(`http://127.0.0.1:${relay.port}/`);
		await a.chooseName('Alice');
		const spaceId = await a.createCollective('Atelier', '');
		await a.waitSynced();

		// Alice adds Maria, who has been a member for three months and has no phone.
		await a.page.goto(`http://127.0.0.1:${relay.port}/s/${spaceId}/members`);
		await a.page.getByRole('button', { name: 'Ajouter une personne sans téléphone' }).click();
		const form = a.page.getByRole('form', { name: 'Une personne sans téléphone' });
		await form.getByRole('button', { name: 'Ajouter' }).click();
		await form.getByRole('alert').getByText('Indiquez le nom de la personne.').waitFor();
		await form.getByLabel('Nom').fill('Maria');
		await form.getByLabel('Membre depuis (facultatif)').fill(monthsAgo(3));
		await form.getByLabel('Comment la joindre (facultatif)').fill('Atelier 2, équipe du matin');
		await form.getByRole('button', { name: 'Ajouter' }).click();
		await a.page.getByRole('status').getByText('Fiche créée : Maria').waitFor();
		const maria = a.page.locator('li.member', { hasText: 'Maria' });
		await maria.getByText('sans téléphone').waitFor();
		expect(await maria.textContent()).toContain('fiche créée par Alice');
		expect(await maria.textContent()).toContain('Contact : Atelier 2, équipe du matin');
		// Alice added her for someone else: she is not offered to take the entry over.
		expect(await maria.getByRole('button', { name: "C'est moi" }).count()).toBe(0);
		expect(await horizontalOverflow(a.page)).toBe(0);
		expect(await seriousViolations(a.page)).toEqual([]);
		await a.waitSynced();

		// The treasurer's device sets the dues and records Maria's cash payment.
		const treasurer = await openInNode(await a.inviteLink(), relay.port);
		let need: string;
		try {
			const { doc } = treasurer;
			const tom = newId() as MemberId;
			joinSpace(doc, tom, 'Tom');
			await expect.poll(() => listMembers(doc).items.some((member) => member.name === 'Maria')).toBe(true);
			const mariaId = listMembers(doc).items.find((member) => member.name === 'Maria')!.id;
			const box = created(createFund(doc, { name: 'Caisse', kind: 'cash', currency: 'EUR' }, tom));
			setDues(doc, 'default', { amount: 1_000, currency: 'EUR', period: 'monthly', start: monthsAgo(6) }, tom);
			created(recordDuesPayment(doc, { memberId: mariaId, amount: 2_000, fundId: box, date: localDate(), note: 'en liquide' }, tom));
			need = createNeed(doc, { kind: 'money', title: 'Outillage', unit: 'EUR', target: 30_000 }, tom);
			await new Promise((done) => setTimeout(done, 500));
		} finally {
			treasurer.close();
		}

		// Maria owes dues from her membership date: four months started, two paid.
		await a.page.goto(`http://127.0.0.1:${relay.port}/s/${spaceId}/money/dues`);
		const mariaDues = a.page.getByRole('article', { name: 'Maria' });
		await mariaDues.waitFor();
		expect(await mariaDues.getAttribute('data-state')).toBe('late');
		expect((await mariaDues.textContent())?.replace(/\s/g, ' ')).toContain('Payé 20,00 € sur 40,00 € attendus');

		// Alice writes a pledge for Maria, who told her at the workshop.
		await a.page.goto(`http://127.0.0.1:${relay.port}/s/${spaceId}/needs/${need}`);
		const pledgeForm = a.page.getByRole('form', { name: 'Promettre' });
		await pledgeForm.getByLabel('Une personne sans téléphone').check();
		await pledgeForm.getByLabel('Montant (EUR)').fill('15');
		await pledgeForm.getByRole('button', { name: 'Enregistrer la promesse' }).click();
		await pledgeForm.getByRole('alert').getByText('Choisissez la personne pour qui vous promettez.').waitFor();
		await pledgeForm.getByLabel('Laquelle').selectOption({ label: 'Maria' });
		await pledgeForm.getByRole('button', { name: 'Enregistrer la promesse' }).click();
		const pledgeLine = a.page.locator('li.pledge', { hasText: 'Maria' });
		await pledgeLine.waitFor();
		expect(await pledgeLine.textContent()).toContain('(notée par Alice)');
		await a.waitSynced();

		// Maria gets a phone, in Italian, and takes over her entry.
		await b.page.goto(await a.inviteLink());
		await b.page.getByLabel('Il tuo nome').fill('Maria Rossi');
		await b.page.getByRole('button', { name: 'Unisciti' }).click();
		await b.page.waitForURL(new RegExp(`/s/${spaceId}`));
		await b.waitSynced();
		await b.page.goto(`http://127.0.0.1:${relay.port}/s/${spaceId}/members`);
		const entry = b.page.locator('li.member', { hasText: 'senza telefono' });
		await entry.getByRole('button', { name: 'Sono io' }).click();
		expect(await entry.textContent()).toContain('Questa scheda diventerà la tua');
		expect(await horizontalOverflow(b.page)).toBe(0);
		await entry.getByRole('button', { name: 'Sì, sono io' }).click();
		await b.page.getByRole('status').getByText('Fatto: la scheda Maria è tua.').waitFor();
		await b.page.locator('li.member', { hasText: 'Scheda ripresa da Maria Rossi' }).waitFor();
		// One person, one entry: no other « Sono io » is offered.
		expect(await b.page.getByRole('button', { name: 'Sono io' }).count()).toBe(0);
		expect(await seriousViolations(b.page)).toEqual([]);

		// Her phone's dues line runs from her old membership date, with her cash payment.
		await b.page.goto(`http://127.0.0.1:${relay.port}/s/${spaceId}/money/dues`);
		const own = b.page.getByRole('article', { name: 'Maria Rossi' });
		await own.waitFor();
		expect((await own.textContent())?.replace(/\s/g, ' ')).toContain('Pagati 20,00 € su 40,00 € attesi');
		expect(await b.page.getByRole('article', { name: 'Maria', exact: true }).count()).toBe(0);

		// Alice's phone hears of it: the entry is Maria Rossi's, and her dues are one line.
		await b.waitSynced();
		await a.page.goto(`http://127.0.0.1:${relay.port}/s/${spaceId}/members`);
		await a.page.locator('li.member', { hasText: 'Fiche reprise par Maria Rossi' }).waitFor();
		await a.page.goto(`http://127.0.0.1:${relay.port}/s/${spaceId}/money/dues`);
		await a.page.getByRole('article', { name: 'Maria Rossi' }).waitFor();
		expect(await a.page.getByRole('article', { name: 'Maria', exact: true }).count()).toBe(0);
	});
});
