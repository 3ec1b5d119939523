/**
 * Nothing typed is lost on the same field: two phones cut off from the relay
 * set the van's location, one to "Parking nord", the other to "Garage
 * municipal". Once both reconnect, both show one conflict with both values
 * and who typed each; choosing one on one phone clears it on both, and both
 * show the chosen value; a value typed there instead does the same. The
 * history says what changed, from and to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CuttableLink } from '../support/cuttable-link';
import type { AppModel } from './app-model';
import { TwoPhones } from './two-phones';
import { horizontalOverflow, seriousViolations } from '../support/axe';

async function setLocation(app: AppModel, location: string): Promise<void> {
	await app.page.getByRole('link', { name: 'Inventaire' }).click();
	await app.resource('Camionnette').getByRole('button', { name: 'Modifier' }).click();
	const form = app.page.getByRole('form', { name: 'Modifier la ressource' });
	await form.getByLabel('Emplacement').fill(location);
	await form.getByRole('button', { name: 'Enregistrer' }).click();
	await app.resource('Camionnette').getByText(`📍 ${location}`).waitFor();
}

describe('the same field edited on two phones offline', () => {
	let phones: TwoPhones;
	let links: CuttableLink[];
	let a: AppModel;
	let b: AppModel;

	beforeAll(async () => {
		phones = await TwoPhones.open();
		({ links, a, b } = phones);
	});

	afterAll(async () => {
		await phones?.close();
	});

	const cutOff = (i: number) => phones.cutOff(i);
	const reconnect = (i: number) => phones.reconnect(i);

	it('keeps both values as one conflict on both phones, settled on one in one tap', async () => {
		await a.page.goto(`${links[0]!.origin}/`);
		await a.chooseName('Amina');
		await a.createCollective('Atelier GKN');
		await a.addResource({ kind: 'Véhicule', name: 'Camionnette', location: 'Dépôt' });
		await a.waitSynced();
		const invite = (await a.inviteLink()).replaceAll(String(links[0]!.port), String(links[1]!.port));
		await b.page.goto(invite);
		await b.page.getByLabel('Votre nom').fill('Bachir');
		await b.page.getByRole('button', { name: 'Rejoindre' }).click();
		await b.page.getByRole('link', { name: 'Inventaire', exact: true }).click();
		await b.resource('Camionnette').waitFor();
		for (const app of [a, b]) {
			await app.waitSynced();
			await app.waitControlledByServiceWorker();
		}

		await cutOff(0);
		await cutOff(1);
		await a.waitOffline();
		await b.waitOffline();
		await setLocation(a, 'Parking nord');
		await setLocation(b, 'Garage municipal');
		for (const app of [a, b]) {
			await app.page.getByRole('link', { name: 'Conflits', exact: true }).click();
			await app.page.getByTestId('no-conflicts').waitFor();
		}

		await reconnect(0);
		await reconnect(1);
		for (const app of [a, b]) {
			await app.waitSynced();
			await app.page.getByRole('link', { name: 'Conflits (1)' }).waitFor();
			const conflict = app.page.locator('.conflict[data-kind="edit_conflict"]');
			await conflict.waitFor();
			await conflict.getByText('Emplacement de « Camionnette »').waitFor();
			const values = conflict.locator('.value');
			await expect.poll(() => values.count()).toBe(2);
			await values.filter({ hasText: 'Parking nord' }).filter({ hasText: 'Amina' }).waitFor();
			await values.filter({ hasText: 'Garage municipal' }).filter({ hasText: 'Bachir' }).waitFor();
			// A field holds one value: there is no "keep both" here, only a choice.
			expect(await conflict.getByRole('button', { name: 'Garder les deux, avec cette note' }).count()).toBe(0);
			// The van's card, which shows one of them, says there is another.
			await app.page.getByRole('link', { name: 'Inventaire' }).click();
			await app.resource('Camionnette').getByRole('link', { name: 'Deux valeurs saisies en même temps : choisissez dans Conflits' }).waitFor();
			await app.page.getByRole('link', { name: 'Conflits (1)' }).click();
			// Both values, their writers and the choices fit a 360 px phone and read for everyone.
			await conflict.waitFor();
			expect(await seriousViolations(app.page)).toEqual([]);
			expect(await horizontalOverflow(app.page)).toBe(0);
		}

		// Bachir gives way to Amina's value: one tap on one phone settles it on both.
		await b.page
			.locator('.conflict[data-kind="edit_conflict"]')
			.getByRole('button', { name: 'Garder cette valeur : Parking nord' })
			.click();
		for (const app of [a, b]) {
			await app.page.getByTestId('no-conflicts').waitFor();
			await app.page.getByRole('link', { name: 'Conflits', exact: true }).waitFor();
			await app.page.getByRole('link', { name: 'Inventaire' }).click();
			await app.resource('Camionnette').getByText('📍 Parking nord').waitFor();
			await expect.poll(() => app.resource('Camionnette').getByText('Garage municipal').count()).toBe(0);
			expect(await app.resource('Camionnette').locator('.edit-conflict').count()).toBe(0);
		}

		// Apart again, both change it again; this time Amina writes a third value.
		await cutOff(0);
		await cutOff(1);
		await a.waitOffline();
		await b.waitOffline();
		await setLocation(a, 'Cour');
		await setLocation(b, 'Rue des Lilas');
		await reconnect(0);
		await reconnect(1);
		const again = a.page.locator('.conflict[data-kind="edit_conflict"]');
		await a.waitSynced();
		await a.page.getByRole('link', { name: 'Conflits (1)' }).click();
		await expect.poll(() => again.locator('.value').count()).toBe(2);
		await again.getByLabel('Une autre valeur').fill('Parking sud');
		await again.getByRole('button', { name: 'Garder celle-ci' }).click();
		for (const app of [a, b]) {
			await app.page.getByRole('link', { name: 'Conflits', exact: true }).click();
			await app.page.getByTestId('no-conflicts').waitFor();
			await app.page.getByRole('link', { name: 'Inventaire' }).click();
			await app.resource('Camionnette').getByText('📍 Parking sud').waitFor();
		}

		// The history says what changed, not only that something did.
		await a.page.getByRole('link', { name: 'Historique' }).click();
		await a.page
			.locator('[data-action="resource.updated"]', { hasText: 'Bachir' })
			.getByText('Emplacement : Dépôt → Garage municipal')
			.waitFor();
		await a.page.locator('[data-action="conflict.resolved"]', { hasText: 'Bachir' }).waitFor();
	});
});
