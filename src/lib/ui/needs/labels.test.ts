import { describe, expect, it } from 'vitest';
import { PLEDGE_STATES } from '$lib/domain/needs';
import { baseLocale, overwriteGetLocale } from '$lib/paraglide/runtime';
import { pledgeStateLabel } from './labels';

describe('pledge states in French', () => {
	it('agree with « promesse », which is feminine', () => {
		try {
			overwriteGetLocale(() => 'fr');
			const labels = Object.fromEntries(PLEDGE_STATES.map((state) => [state, pledgeStateLabel(state)]));
			expect(labels).toEqual({
				promised: 'Promise',
				conditional: 'Sous condition',
				converted: 'Condition remplie',
				lapsed: 'Caduque',
				delivered: 'Tenue',
				withdrawn: 'Retirée'
			});
		} finally {
			overwriteGetLocale(() => baseLocale);
		}
	});
});
