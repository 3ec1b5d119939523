/**
 * A decision taken by a hybrid assembly, end to end on two phones: a vote
 * with a quorum, each member voting on their own phone, a show of hands
 * recorded on one phone at the meeting (counting a member who also voted on
 * his own phone: his own vote wins, and the page says so), then adoption
 * with a statement, whose effects are carried out and seen on the other phone.
 *
 * Then two phones close the same decision differently while cut off from
 * each other; once they meet, both show the disagreement until someone
 * chooses the outcome that stands.
 *
 * The adopted decision carries two allocations: money out of the cash box,
 * seen in the fund's balance, and a booking of a resource from the inventory.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { horizontalOverflow, seriousViolations } from '../support/axe';
import { launchBrowser, newDevice } from '../support/browser';
import { CuttableLink } from '../support/cuttable-link';
import { freePort, requireAppBuild, ROOT, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';
import { DecisionsModel, plain } from './decisions-model';
import { MoneyModel } from './money-model';

const TITLE = 'Prêter la camionnette à la cantine';
const inDays = (days: number, hour: number) => {
	const d = new Date(Date.now() + days * 86_400_000);
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(hour)}:00`;
};

describe('decisions in a hybrid assembly', () => {
	let relay: RelayProcess;
	let browser: Browser;
	let pageA: Page;
	let pageB: Page;
	let alice: DecisionsModel;
	let bruno: DecisionsModel;

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess({ staticDir: join(ROOT, 'build') });
		browser = await launchBrowser();
		pageA = await (await newDevice(browser, 'fr-FR')).newPage();
		pageB = await (await newDevice(browser, 'fr-FR')).newPage();
		alice = new DecisionsModel(pageA);
		bruno = new DecisionsModel(pageB);
	});

	afterAll(async () => {
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	it('sets up a collective with a van and a cash box, and a second member joins by invite', async () => {
		const a = new AppModel(pageA);
		await pageA.goto(`http://127.0.0.1:${relay.port}/`);
		await a.chooseName('Alice');
		await a.createCollective('Atelier GKN');
		await a.addResource({ kind: 'Véhicule', name: 'Camionnette' });
		const money = new MoneyModel(pageA);
		await money.open('Fonds');
		await money.createFund({ name: 'Caisse', kind: 'Caisse' });
		await money.open('Écritures');
		await money.addEntry({ fund: 'Caisse (Caisse, EUR)', direction: 'Entrée', amount: '500', category: 'Don', outside: 'Soutien' });
		await a.waitSynced();
		const invite = await a.inviteLink();

		await pageB.goto(invite);
		await pageB.getByRole('heading', { name: 'Rejoindre « Atelier GKN »' }).waitFor();
		await pageB.getByLabel('Votre nom').fill('Bruno');
		await pageB.getByRole('button', { name: 'Rejoindre' }).click();
		await pageB.waitForURL(/\/s\//);
		await pageA.getByRole('link', { name: 'Membres' }).click();
		await pageA.locator('.member', { hasText: 'Bruno' }).waitFor();
	});

	it('refuses a proposal without a title and keeps what was typed', async () => {
		await alice.open();
		const form = await alice.startProposal();
		await form.getByLabel('Proposition').fill('Le samedi, pour les livraisons.');
		await form.getByRole('button', { name: 'Proposer' }).click();
		await expect.poll(() => form.getByRole('alert').textContent()).toContain('Donnez un titre à la proposition');
		await form.getByRole('button', { name: 'Ajouter une affectation' }).click();
		expect(await seriousViolations(pageA)).toEqual([]);
		expect(await horizontalOverflow(pageA)).toBe(0);
		await form.getByRole('button', { name: "Retirer l'affectation 1" }).click();
		expect(await form.getByLabel('Proposition').inputValue()).toBe('Le samedi, pour les livraisons.');
		// A reload (an app update, say) loses nothing of the draft.
		await pageA.reload();
		await expect.poll(() => alice.proposalForm().getByLabel('Proposition').inputValue()).toBe('Le samedi, pour les livraisons.');
	});

	it('opens a vote with a quorum, money and a booking to allocate if adopted, and a text corrected while open', async () => {
		await alice.proposalForm().getByRole('button', { name: 'Annuler' }).click();
		await alice.propose({
			title: TITLE,
			proposal: 'Le samedi, pour les livraisons.',
			process: 'Vote',
			quorum: '4',
			money: { fund: 'Caisse (EUR)', amount: '120' },
			booking: { resource: 'Camionnette', start: inDays(3, 8), end: inDays(3, 18), collective: 'Cantine populaire' }
		});
		await pageA.getByText('Vote à la majorité simple').waitFor();
		await pageA.getByText('Réservation de Camionnette pour Cantine populaire', { exact: false }).waitFor();
		await pageA.getByText(/120,00\s€ du fonds Caisse/).waitFor();
		// Still open, the proposal can be corrected; a title is still required.
		await pageA.getByRole('button', { name: 'Modifier la proposition' }).click();
		const edit = pageA.getByRole('form', { name: 'Modifier la proposition' });
		await edit.getByLabel('Titre').fill('');
		await edit.getByRole('button', { name: 'Enregistrer' }).click();
		await edit.getByRole('alert').waitFor();
		await edit.getByLabel('Titre').fill(TITLE);
		await edit.getByLabel('Proposition').fill('Le samedi matin, pour les livraisons.');
		await edit.getByRole('button', { name: 'Enregistrer' }).click();
		await edit.waitFor({ state: 'detached' });
		await pageA.getByText('Le samedi matin, pour les livraisons.').waitFor();

		// While it is open, what it would do can grow and shrink: 30 € more is proposed,
		// refused first without an amount, then withdrawn again (it stays listed, struck).
		await pageA.getByRole('button', { name: 'Ajouter une affectation' }).click();
		const more = pageA.getByRole('form', { name: 'Ajouter une affectation' });
		await more.getByLabel(/^Fonds/).selectOption({ label: 'Caisse (EUR)' });
		await more.getByRole('button', { name: 'Ajouter à la proposition' }).click();
		await expect.poll(() => more.getByRole('alert').textContent()).toContain('Affectation 3 : indiquez un montant positif');
		expect(await seriousViolations(pageA)).toEqual([]);
		await more.getByLabel('Montant').fill('30');
		await more.getByRole('button', { name: 'Ajouter à la proposition' }).click();
		await more.waitFor({ state: 'detached' });
		const ifAdopted = pageA.getByRole('region', { name: 'Si elle est adoptée' });
		await ifAdopted.getByText(/30,00\s€ du fonds Caisse/).waitFor();
		await ifAdopted.getByRole('button', { name: /Retirer de la proposition : 30,00\s€ du fonds Caisse/ }).click();
		await expect.poll(async () => plain(await ifAdopted.textContent())).toMatch(/30,00 € du fonds Caisse\s*\(retirée de la proposition\)/);
		await alice.takePosition('Oui');
		await expect.poll(() => alice.myPosition()).toContain('Votre position : Oui');
		await expect.poll(() => alice.participation()).toContain('quorum de 4 pas encore atteint');
	});

	it('lists it on the other phone, where Bruno sees who has not voted yet', async () => {
		await bruno.open();
		await bruno.card(TITLE).waitFor();
		await expect.poll(async () => plain(await bruno.card(TITLE).textContent())).toContain('Participation : 1 sur 2 membres');
		await bruno.openDecision(TITLE);
		await pageB.getByText('Le samedi matin, pour les livraisons.').waitFor();
		const ifAdopted = pageB.getByRole('region', { name: 'Si elle est adoptée' });
		await expect.poll(async () => plain(await ifAdopted.textContent())).toMatch(/30,00 € du fonds Caisse\s*\(retirée de la proposition\)/);
		expect(await ifAdopted.getByRole('button', { name: /^Retirer/ }).count()).toBe(2);
		await expect.poll(() => bruno.participation()).toContain('1 personne a participé');
		await bruno.results().getByText('Bruno').waitFor();
	});

	it('records a show of hands at the meeting; Bruno is counted by hand until he votes himself', async () => {
		// A show of hands needs a choice for each member ticked.
		const form = await alice.startTally();
		await form.getByRole('checkbox', { name: 'Bruno' }).check();
		await form.getByRole('button', { name: 'Enregistrer le décompte' }).click();
		await expect.poll(() => form.getByRole('alert').textContent()).toContain('Indiquez pour quoi Bruno a levé la main');
		expect(await seriousViolations(pageA)).toEqual([]);
		expect(await horizontalOverflow(pageA)).toBe(0);
		await form.getByRole('button', { name: 'Annuler' }).click();

		await alice.recordTally({ note: 'AG du samedi', hands: { Bruno: 'Oui' }, guests: { Oui: 3, Non: 1 } });
		await expect.poll(() => alice.count('Oui')).toBe(5);
		await expect.poll(() => alice.participation()).toContain('quorum de 4 atteint');
		await expect.poll(() => alice.tallies().count()).toBe(1);

		// On his own phone, Bruno sees how he was counted, then votes no.
		await expect.poll(() => bruno.myPosition()).toContain('Compté à main levée : Oui');
		await bruno.takePosition('Non');
		await expect.poll(() => bruno.myPosition()).toContain('Votre position : Non');
	});

	it('counts Bruno once, with his own vote, and says why his raised hand does not count', async () => {
		await expect.poll(() => alice.count('Non')).toBe(2);
		expect(await alice.count('Oui')).toBe(4);
		await expect.poll(() => alice.superseded().count()).toBe(1);
		const notice = plain(await alice.superseded().first().textContent());
		expect(notice).toContain('La main levée de Bruno (Oui)');
		expect(notice).toContain('Bruno a pris position sur son propre appareil');
		expect(await alice.participation()).toContain('6 personnes ont participé');
		expect(await alice.suggestion()).toContain('Adoptée : 4 oui contre 2 non');
		for (const model of [alice, bruno]) {
			await expect.poll(() => model.count('Non')).toBe(2);
		}
	});

	it('closes as adopted with a statement; money and booking follow, and the other phone shows the outcome', async () => {
		await alice.close('Adoptée', 'La camionnette va à la cantine le samedi.');
		const outcome = alice.outcome();
		await outcome.getByText('La camionnette va à la cantine le samedi.').waitFor();
		await outcome.getByText('Réservation confirmée').waitFor();
		await outcome.getByText(/^Écriture du .* 120,00\s€ sortis du fonds Caisse\b/).waitFor();
		await expect.poll(() => outcome.getByText('Fait par Alice', { exact: false }).count()).toBe(2);
		expect(await pageA.getByRole('form', { name: 'Ma position' }).count()).toBe(0);
		const decisionPage = pageA.url();
		const money = new MoneyModel(pageA);
		await money.open('Fonds');
		expect(await money.fundBalance('Caisse')).toBe('380,00 €');
		await pageA.goto(decisionPage);
		await alice.outcome().waitFor();
		expect(await seriousViolations(pageA)).toEqual([]);
		expect(await horizontalOverflow(pageA)).toBe(0);

		await bruno.outcome().waitFor();
		expect(plain(await bruno.outcome().getByRole('heading', { level: 3 }).textContent())).toBe('Issue : Adoptée');
		await bruno.outcome().getByText('La camionnette va à la cantine le samedi.').waitFor();
		expect(await pageB.getByRole('form', { name: 'Ma position' }).count()).toBe(0);
		await bruno.open();
		await bruno.card(TITLE).getByText('Adoptée').waitFor();
		expect(await seriousViolations(pageB)).toEqual([]);
	});

	it('keeps an allocation pending while its fund is archived, and carries it out on retry', async () => {
		const money = new MoneyModel(pageA);
		await alice.open();
		await alice.propose({ title: 'Acheter des outils', process: 'Consentement', money: { fund: 'Caisse (EUR)', amount: '50' } });
		const decisionPage = pageA.url();
		await alice.takePosition("D'accord");
		await money.open('Fonds');
		await money.fund('Caisse').getByRole('link', { name: 'Caisse' }).click();
		await pageA.waitForURL(/\/money\/funds\//);
		const fundPage = pageA.url();
		await pageA.getByRole('button', { name: 'Archiver' }).click();
		await pageA.getByRole('button', { name: 'Réactiver' }).waitFor();

		await pageA.goto(decisionPage);
		await alice.close('Adoptée', 'On achète les outils.');
		await expect.poll(() => pageA.getByRole('alert').textContent()).toContain('le fonds est archivé');
		await alice.outcome().getByText('En attente : le fonds est archivé.').waitFor();

		await pageA.goto(fundPage);
		await pageA.getByRole('button', { name: 'Réactiver' }).click();
		await pageA.goto(decisionPage);
		await alice.outcome().getByText('En attente : pas encore exécutée.').waitFor();
		await alice.outcome().getByRole('button', { name: 'Réessayer les affectations en attente' }).click();
		await alice.outcome().getByText(/^Écriture du .* 50,00\s€ sortis du fonds Caisse\b/).waitFor();
		expect(await alice.outcome().getByRole('button', { name: 'Réessayer les affectations en attente' }).count()).toBe(0);
		await money.open('Fonds');
		expect(await money.fundBalance('Caisse')).toBe('330,00 €');
	});
});

describe('a decision closed differently on two phones cut off from each other', () => {
	let relay: RelayProcess;
	let links: CuttableLink[];
	let browser: Browser;
	let pageA: Page;
	let pageB: Page;
	let alice: DecisionsModel;
	let bruno: DecisionsModel;

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess({ staticDir: join(ROOT, 'build') });
		// Each phone reaches the relay through its own link, so each can lose the network alone.
		links = [await CuttableLink.open(await freePort(), relay.port), await CuttableLink.open(await freePort(), relay.port)];
		browser = await launchBrowser();
		pageA = await (await newDevice(browser, 'fr-FR')).newPage();
		pageB = await (await newDevice(browser, 'fr-FR')).newPage();
		alice = new DecisionsModel(pageA);
		bruno = new DecisionsModel(pageB);
	});

	afterAll(async () => {
		await browser?.close();
		for (const link of links ?? []) await link.cut();
		await relay?.kill('SIGTERM');
	});

	it('shows both closings after the merge, and the one people keep stands everywhere', async () => {
		const [linkA, linkB] = links as [CuttableLink, CuttableLink];
		const a = new AppModel(pageA);
		await pageA.goto(`${linkA.origin}/`);
		await a.chooseName('Alice');
		await a.createCollective('Cantine');
		const invite = new URL(await a.inviteLink());
		const fragment = new URLSearchParams(invite.hash.slice(1));
		fragment.set('r', `ws://127.0.0.1:${linkB.port}/sync`);
		await pageB.goto(`${linkB.origin}/join#${fragment.toString()}`);
		await pageB.getByLabel('Votre nom').fill('Bruno');
		await pageB.getByRole('button', { name: 'Rejoindre' }).click();
		await pageB.waitForURL(/\/s\//);

		await alice.open();
		await alice.propose({ title: 'Horaires du samedi', process: 'Consentement' });
		await a.waitSynced();
		await bruno.open();
		await bruno.openDecision('Horaires du samedi');

		await linkA.cut();
		await linkB.cut();
		await alice.close('Adoptée', 'On ouvre à 10 h.');
		await bruno.close('Retirée', 'On en reparle en AG.');
		await linkA.restore();
		await linkB.restore();

		for (const model of [alice, bruno]) {
			const conflict = model.outcome().getByRole('group', { name: 'Close différemment hors ligne' });
			await conflict.waitFor();
			await expect.poll(() => conflict.getByRole('listitem').count()).toBe(2);
		}
		await alice.open();
		await alice.card('Horaires du samedi').getByText('à trancher', { exact: false }).waitFor();
		await alice.openDecision('Horaires du samedi');
		await alice
			.outcome()
			.getByRole('listitem', { name: 'Retirée' })
			.getByRole('button', { name: 'Garder cette issue' })
			.click();

		for (const model of [alice, bruno]) {
			await model.outcome().getByRole('group', { name: 'Close différemment hors ligne' }).waitFor({ state: 'detached' });
			await expect.poll(async () => plain(await model.outcome().getByRole('heading', { level: 3 }).textContent())).toBe('Issue : Retirée');
		}
	});
});
