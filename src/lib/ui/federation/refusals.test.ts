import { describe, test } from 'vitest';
import { FIELD_PROBLEMS } from '$lib/domain/core';
import { expectEveryLanguage } from '../refusals.testing';
import { refusalText } from '../refusals';
import { FIELD_LABELS, publishRefusals } from './refusals';

describe('publishing refusals', () => {
	test('every refusal and every field name reads in French, Italian and English', () => {
		expectEveryLanguage([
			{ name: 'resource_not_found', text: () => refusalText({ ok: false, reason: 'resource_not_found' }, publishRefusals) },
			{ name: 'need_not_found', text: () => refusalText({ ok: false, reason: 'need_not_found' }, publishRefusals) },
			...['name', 'description', 'area', 'contact', 'fields'].flatMap((field) =>
				FIELD_PROBLEMS.map((problem) => ({
					name: `${field} ${problem}`,
					text: () => refusalText({ ok: false, reason: 'invalid_field', field, problem, limit: 120 }, publishRefusals)
				}))
			),
			...Object.entries(FIELD_LABELS).map(([field, label]) => ({ name: `label ${field}`, text: label }))
		]);
	});
});
