/**
 * The decisions pages as a person sees them, through roles and labels
 * (French, the reference language).
 */
import type { Locator, Page } from 'playwright-core';
import { elides } from '../../src/lib/ui/elision';

export const plain = (text: string | null): string => (text ?? '').replace(/\s+/g, ' ').trim();

export interface Proposal {
	title: string;
	proposal?: string;
	process: 'Consentement' | 'Vote' | 'Sondage';
	majority?: string;
	quorum?: string;
	options?: string[];
	/** Money sent on adoption: the fund as its option reads ("Caisse (EUR)") and the amount typed. */
	money?: { fund: string; amount: string };
	/** A booking granted on adoption: resource name, datetime-local start and end, another collective. */
	booking?: { resource: string; start: string; end: string; collective: string };
}

export class DecisionsModel {
	constructor(readonly page: Page) {}

	async open(): Promise<void> {
		await this.page.getByRole('navigation', { name: 'Rubriques du collectif' }).getByRole('link', { name: 'Décisions' }).click();
		await this.page.getByRole('heading', { level: 2, name: 'Décisions' }).waitFor();
	}

	proposalForm(): Locator {
		return this.page.getByRole('form', { name: 'Nouvelle proposition' });
	}

	async startProposal(): Promise<Locator> {
		await this.page.getByRole('button', { name: 'Nouvelle proposition' }).click();
		const form = this.proposalForm();
		await form.waitFor();
		return form;
	}

	/** Fills the proposal form and submits it; resolves on the new decision's page. */
	async propose(p: Proposal): Promise<void> {
		const form = await this.startProposal();
		await form.getByLabel('Titre').fill(p.title);
		if (p.proposal) await form.getByLabel('Proposition').fill(p.proposal);
		await form.getByRole('radio', { name: p.process }).check();
		if (p.majority) await form.getByLabel('Majorité requise').selectOption({ label: p.majority });
		for (const [i, option] of (p.options ?? []).entries()) {
			if (i >= 2) await form.getByRole('button', { name: 'Ajouter une option' }).click();
			await form.getByLabel(`Option ${i + 1}`, { exact: true }).fill(option);
		}
		if (p.quorum) await form.getByLabel('Quorum', { exact: false }).fill(p.quorum);
		let allocations = 0;
		if (p.money) {
			await form.getByRole('button', { name: 'Ajouter une affectation' }).click();
			const allocation = form.getByRole('group', { name: `Affectation ${++allocations}` });
			await allocation.getByLabel('Effet').selectOption({ label: "De l'argent d'un fonds" });
			await allocation.getByLabel(/^Fonds/).selectOption({ label: p.money.fund });
			await allocation.getByLabel('Montant').fill(p.money.amount);
		}
		if (p.booking) {
			await form.getByRole('button', { name: 'Ajouter une affectation' }).click();
			const allocation = form.getByRole('group', { name: `Affectation ${++allocations}` });
			await allocation.getByLabel('Effet').selectOption({ label: 'Réserver une ressource' });
			await allocation.getByLabel(/^Ressource/).selectOption({ label: p.booking.resource });
			await allocation.getByLabel('Début').fill(p.booking.start);
			await allocation.getByLabel('Fin').fill(p.booking.end);
			await allocation.getByRole('radio', { name: 'Un autre collectif' }).check();
			await allocation.getByLabel('Nom du collectif').fill(p.booking.collective);
		}
		await form.getByRole('button', { name: 'Proposer' }).click();
		await this.page.getByRole('heading', { level: 2, name: p.title }).waitFor();
	}

	/** A decision's card in the list. */
	card(title: string): Locator {
		return this.page.getByRole('article', { name: title, exact: true });
	}

	async openDecision(title: string): Promise<void> {
		await this.card(title).getByRole('link', { name: title }).click();
		await this.page.getByRole('heading', { level: 2, name: title }).waitFor();
	}

	positionForm(): Locator {
		return this.page.getByRole('form', { name: 'Ma position' });
	}

	async takePosition(choice: string, reason = ''): Promise<void> {
		const form = this.positionForm();
		await form.getByRole('radio', { name: choice, exact: true }).check();
		if (reason) await form.getByLabel('Raison', { exact: false }).fill(reason);
		await form.getByRole('button', { name: /Prendre position|Changer ma position/ }).click();
	}

	async myPosition(): Promise<string> {
		return plain(await this.page.getByTestId('my-position').textContent());
	}

	results(): Locator {
		return this.page.getByRole('region', { name: 'Résultats' });
	}

	/** The count shown for a choice, e.g. count('Oui') → 4. */
	async count(choice: string): Promise<number> {
		const row = this.results().getByRole('list', { name: 'Décompte par choix' }).getByRole('listitem').filter({
			has: this.page.getByText(choice, { exact: true })
		});
		return Number(await row.locator('.count').textContent());
	}

	async participation(): Promise<string> {
		return plain(await this.results().getByTestId('participation').textContent());
	}

	async suggestion(): Promise<string> {
		return plain(await this.results().getByTestId('suggestion').textContent());
	}

	tallyForm(): Locator {
		return this.page.getByRole('form', { name: 'Enregistrer un vote à main levée' });
	}

	async startTally(): Promise<Locator> {
		await this.page.getByRole('button', { name: 'Enregistrer un vote à main levée' }).click();
		const form = this.tallyForm();
		await form.waitFor();
		return form;
	}

	/** Records a show of hands: members present with what they raised, people without an account per choice. */
	async recordTally(tally: { note?: string; hands?: Record<string, string>; guests?: Record<string, number> }): Promise<void> {
		const form = await this.startTally();
		if (tally.note) await form.getByLabel('Réunion').fill(tally.note);
		for (const [name, choice] of Object.entries(tally.hands ?? {})) {
			await form.getByRole('checkbox', { name }).check();
			await form.getByLabel(`Main levée ${elides(name) ? `d'${name}` : `de ${name}`}`).selectOption({ label: choice });
		}
		for (const [choice, count] of Object.entries(tally.guests ?? {})) {
			await form.getByRole('spinbutton', { name: choice, exact: true }).fill(String(count));
		}
		await form.getByRole('button', { name: 'Enregistrer le décompte' }).click();
		await form.waitFor({ state: 'detached' });
	}

	tallies(): Locator {
		return this.page.getByRole('region', { name: 'Votes à main levée' }).getByRole('listitem').filter({ hasText: 'Décompte du' });
	}

	/** Notices of raised hands that do not count. */
	superseded(): Locator {
		return this.results().getByRole('list', { name: 'Mains levées qui ne comptent pas' }).getByRole('listitem');
	}

	async close(outcome: 'Adoptée' | 'Rejetée' | 'Retirée', statement: string): Promise<void> {
		await this.page.getByRole('button', { name: 'Clore la décision' }).click();
		const form = this.page.getByRole('form', { name: 'Clore la décision' });
		await form.getByRole('radio', { name: outcome }).check();
		await form.getByLabel('Ce qui a été décidé').fill(statement);
		await form.getByRole('button', { name: "Enregistrer l'issue" }).click();
		await this.outcome().waitFor();
	}

	outcome(): Locator {
		return this.page.getByRole('region', { name: /^Issue : / });
	}
}
