/**
 * The charts' colours: money in in greens and blues, money out in reds and
 * browns, one shade per category, so that a category keeps its colour from
 * one chart to the next. Each is dark enough to stand against the page.
 */
import type { LedgerCategory } from '$lib/domain/money';

export const IN_COLOURS: Record<LedgerCategory, string> = {
	dues: '#1e6b34',
	donation: '#2e8b73',
	allocation: '#3f7fa6',
	purchase: '#5a6f9e',
	transfer: '#6b7f77',
	other: '#24566e'
};

export const OUT_COLOURS: Record<LedgerCategory, string> = {
	purchase: '#9b1c1c',
	allocation: '#b4521c',
	dues: '#8a4b00',
	donation: '#a8324f',
	transfer: '#7a5a52',
	other: '#6e2a4a'
};
