/**
 * Roles as the collective's contract. Alice (in French, at 360 px) opens a proposal from the
 * members page that makes Tom treasurer, and adopts it. Tom's device, in Node, makes himself
 * keeper the same way. From then on Alice is told, before she records money, that the
 * accounts are entrusted to Tom, and asked to confirm; she does, and the history marks her
 * entry « hors rôle » and the conflicts page lists it until she acknowledges it with a note.
 * The member invite is held back for her until she asks for it, which is recorded too. The
 * members page reads the same in Italian.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { newId, type MemberId } from '../../src/lib/domain/core';
import { adoptDecision, createDecision, roleHolders } from '../../src/lib/domain/decisions';
import { createFund } from '../../src/lib/domain/money/funds';
import { joinSpace } from '../../src/lib/domain/space/space';
import { horizontalOverflow, seriousViolations } from '../support/axe';
import { launchBrowser, newDevice } from '../support/browser';
import { openInNode, type NodeDevice } from '../support/node-device';
import { requireAppBuild, startRelayProcess, type RelayProcess } from '../support/relay-process';
import { AppModel } from './app-model';
import { DecisionsModel } from './decisions-model';
import { MoneyModel } from './money-model';
import { created } from '../support/written';

describe('roles', () => {
	let relay: RelayProcess;
	let browser: Browser;
	let contexts: BrowserContext[] = [];
	let tomDevice: NodeDevice | undefined;

	beforeAll(async () => {
		requireAppBuild();
		relay = await startRelayProcess();
		browser = await launchBrowser();
	});

	afterAll(async () => {
		tomDevice?.close();
		await browser?.close();
		await relay?.kill('SIGTERM');
	});

	it('names a treasurer by decision, asks others to confirm, and marks what they did for review', async () => {
		contexts = [await newDevice(browser, 'fr-FR')];
		const a = new AppModel(await contexts[0]!.newPage());
		const base = `http://127.0.0.1:${relay.port}`;
		await a.page.goto(`${base}/`);
		await a.chooseName('Alice');
		const spaceId = await a.createCollective('Atelier', '');
		await a.waitSynced();

		// Tom joins from his own device and opens the cash box.
		tomDevice = await openInNode(await a.inviteLink(), relay.port);
		const { doc } = tomDevice;
		const tom = newId() as MemberId;
		joinSpace(doc, tom, 'Tom');
		created(createFund(doc, { name: 'Caisse', kind: 'cash', currency: 'EUR' }, tom));

		// Every role is open until a decision names someone.
		await a.page.goto(`${base}/s/${spaceId}/members`);
		const roles = a.page.getByRole('region', { name: 'Rôles' });
		const treasury = roles.locator('[data-role="treasurer"]');
		await treasury.getByText('Personne : ouvert à tous les membres').waitFor();
		await a.page.locator('li.member', { hasText: 'Tom' }).waitFor();

		// Alice proposes Tom as treasurer: the proposal opens with the role change written in.
		await treasury.getByRole('button', { name: 'Proposer un changement de rôle' }).click();
		const form = a.page.getByRole('form', { name: 'Nouvelle proposition' });
		expect(await form.getByLabel('Titre').inputValue()).toBe('Rôle : Trésorerie');
		expect(await form.getByRole('combobox', { name: /^Rôle/ }).inputValue()).toBe('treasurer');
		await form.getByRole('button', { name: 'Proposer' }).click();
		await form.getByRole('alert').getByText('Affectation 1 : choisissez le rôle et le membre.').waitFor();
		await form.getByLabel('À qui').selectOption({ label: 'Tom' });
		await form.getByRole('button', { name: 'Proposer' }).click();
		await a.page.getByText('Confier à Tom le rôle : Trésorerie').first().waitFor();
		await new DecisionsModel(a.page).close('Adoptée', 'Tom tient les comptes.');

		// The members page names him, with the decision.
		await a.page.goto(`${base}/s/${spaceId}/members`);
		await treasury.getByText('Tom', { exact: true }).waitFor();
		await treasury.getByRole('link', { name: /Dernier changement : « Rôle : Trésorerie »/ }).waitFor();
		await expect.poll(() => roleHolders(doc).treasurer).toEqual([tom]);

		// Tom makes himself keeper from his device: Alice no longer sees the member invite at once.
		const keeper = created(
			createDecision(doc, { title: 'Tom garde la clé', process: 'consent', closesAt: Date.now() + 60_000, allocations: [{ kind: 'role', role: 'keeper', memberId: tom, change: 'grant' }] }, tom)
		);
		expect(adoptDecision(doc, keeper, {}, tom).ok).toBe(true);
		const invite = a.page.getByRole('region', { name: 'Inviter quelqu’un' });
		await invite.getByText('Les invitations et la clé sont confiées à Tom.').waitFor();
		expect(await a.page.getByRole('textbox', { name: "Lien d'invitation", exact: true }).count()).toBe(0);
		expect(await horizontalOverflow(a.page)).toBe(0);
		expect(await seriousViolations(a.page)).toEqual([]);
		await invite.getByRole('button', { name: "Montrer l'invitation quand même" }).click();
		const link = invite.getByRole('textbox', { name: "Lien d'invitation", exact: true });
		await expect.poll(() => link.inputValue()).toContain(spaceId);
		const memberInvite = await link.inputValue();

		// Alice records money: she is told who keeps the accounts, and asked once.
		const money = new MoneyModel(a.page);
		await money.open('Écritures');
		await a.page.getByRole('button', { name: 'Nouvelle écriture' }).click();
		const entry = a.page.getByRole('form', { name: 'Nouvelle écriture' });
		await entry.getByText('Les comptes sont confiés à Tom.').waitFor();
		await entry.getByRole('radio', { name: /^Entrée/ }).check();
		await entry.getByLabel('Montant').fill('40');
		await entry.getByLabel('Catégorie').selectOption({ label: 'Don' });
		await entry.getByRole('button', { name: 'Enregistrer' }).click();
		const asked = entry.getByRole('alert');
		await asked.getByText(/ce sera signalé dans l'historique/).waitFor();
		expect(await horizontalOverflow(a.page)).toBe(0);
		expect(await seriousViolations(a.page)).toEqual([]);
		await entry.getByRole('button', { name: 'Le faire quand même' }).click();
		await a.page.getByRole('status').getByText('Écriture enregistrée.').waitFor();

		// The history marks her entry and her invite; Tom's appointment reads as such.
		await a.page.goto(`${base}/s/${spaceId}/history`);
		const ledgerLine = a.page.locator('li[data-action="ledger.created"]').first();
		await ledgerLine.getByText('hors rôle : Trésorerie').waitFor();
		await a.page.locator('li[data-action="space.invite_shared"]').getByText('hors rôle : Invitations et clé').waitFor();
		const granted = a.page.locator('li[data-action="member.role_granted"]', { hasText: 'Tom garde la clé' });
		expect(await granted.textContent()).toContain('Invitations et clé');
		expect(await a.page.locator('li[data-action="fund.created"] [data-testid="outside-role"]').count()).toBe(0);

		// The conflicts page lists both for review; a note settles one.
		await a.page.goto(`${base}/s/${spaceId}/conflicts`);
		const cards = a.page.locator('li.conflict[data-kind="outside_role"]');
		await expect.poll(() => cards.count()).toBe(2);
		const card = cards.filter({ hasText: 'a inscrit une écriture' });
		expect(await card.textContent()).toContain('Les comptes sont confiés à Tom.');
		await card.getByLabel('Note de relecture').fill('Tom était en congé');
		await card.getByRole('button', { name: 'Revu, avec cette note' }).click();
		await expect.poll(() => cards.count()).toBe(1);

		// In Italian, the roles read in Italian.
		contexts.push(await newDevice(browser, 'it-IT'));
		const it = await contexts[1]!.newPage();
		await it.goto(memberInvite);
		await it.getByLabel('Il tuo nome').fill('Rosa');
		await it.getByRole('button', { name: 'Unisciti' }).click();
		await it.waitForURL(/\/s\//);
		await it.goto(`${base}/s/${spaceId}/members`);
		const ruoli = it.getByRole('region', { name: 'Ruoli' });
		await ruoli.locator('[data-role="treasurer"]').getByText('Tom', { exact: true }).waitFor();
		expect(await ruoli.textContent()).toContain('Tesoreria');
		expect(await it.getByRole('region', { name: /Invita/ }).textContent()).toContain('Gli inviti e la chiave sono affidati a Tom.');
		expect(await horizontalOverflow(it)).toBe(0);
	});
});
