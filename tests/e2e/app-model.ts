/**
 * The app as a person sees it, through roles and labels (French is the
 * reference language; each method takes the words it looks for from the page).
 */
import type { Locator, Page } from 'playwright-core';

export class AppModel {
	constructor(readonly page: Page) {}

	async chooseName(name: string): Promise<void> {
		await this.page.getByLabel('Votre nom').fill(name);
		await this.page.getByRole('button', { name: 'Continuer' }).click();
	}

	async createCollective(name: string, description = ''): Promise<string> {
		await this.page.getByLabel('Nom du collectif').fill(name);
		await this.page.getByLabel('Description').fill(description);
		await this.page.getByRole('button', { name: 'Créer', exact: true }).click();
		// A new collective opens on its home page, with its first steps; the tests go on from the inventory.
		await this.page.waitForURL(/\/s\/[A-Za-z0-9_-]+\/home$/);
		await this.page.getByTestId('first-steps').waitFor();
		await this.page.getByRole('link', { name: 'Inventaire', exact: true }).click();
		await this.page.waitForURL(/\/s\/[A-Za-z0-9_-]+$/);
		return new URL(this.page.url()).pathname.split('/')[2] ?? '';
	}

	async addResource(fields: {
		kind: string;
		name: string;
		quantity?: string;
		unit?: string;
		location?: string;
		expiresOn?: string;
	}): Promise<void> {
		await this.page.getByRole('button', { name: 'Ajouter une ressource' }).click();
		const form = this.page.getByRole('form', { name: 'Ajouter une ressource' });
		await form.getByLabel('Type').selectOption({ label: fields.kind });
		await form.getByLabel('Nom', { exact: true }).fill(fields.name);
		if (fields.quantity) await form.getByLabel('Quantité').fill(fields.quantity);
		if (fields.unit) await form.getByLabel('Unité').fill(fields.unit);
		if (fields.location) await form.getByLabel('Emplacement').fill(fields.location);
		if (fields.expiresOn) await form.getByLabel('Date limite').fill(fields.expiresOn);
		await form.getByRole('button', { name: 'Enregistrer' }).click();
		await this.resource(fields.name).waitFor();
	}

	resource(name: string): Locator {
		return this.page.getByRole('article', { name, exact: true });
	}

	resources(): Locator {
		return this.page.getByRole('article');
	}

	syncStatus(): Locator {
		return this.page.locator('.sync[role="status"]');
	}

	/** Waits until the relay has confirmed every local change. */
	async waitSynced(): Promise<void> {
		await this.page.locator('.sync[data-state="synced"][data-pending="0"]').waitFor();
	}

	async waitOffline(): Promise<void> {
		await this.page.locator('.sync[data-state="offline"]').waitFor();
	}

	async waitControlledByServiceWorker(): Promise<void> {
		await this.page.evaluate(() => navigator.serviceWorker.ready);
		await this.page.waitForFunction(() => navigator.serviceWorker.controller !== null);
	}

	async inviteLink(): Promise<string> {
		await this.page.getByRole('navigation', { name: 'Rubriques du collectif' }).getByRole('link', { name: 'Membres' }).click();
		const field = this.page.getByRole('textbox', { name: "Lien d'invitation", exact: true });
		// The link is filled in once the space's keys are derived: an empty field is not yet the link.
		for (let tries = 0; ; tries++) {
			const value = await field.inputValue();
			if (value !== '' || tries >= 100) return value;
			await this.page.waitForTimeout(100);
		}
	}
}
