/** Roles in words, in the reader's language. */
import type { Role } from '$lib/domain/decisions';
import { getLocale } from '$lib/paraglide/runtime';
import * as m from '$lib/paraglide/messages';

export function roleLabel(role: Role): string {
	return { treasurer: m.role_treasurer, closer: m.role_closer, keeper: m.role_keeper }[role]();
}

/** What the role's holders usually do, in a sentence. */
export function roleDoes(role: Role): string {
	return { treasurer: m.role_treasurer_does, closer: m.role_closer_does, keeper: m.role_keeper_does }[role]();
}

/** Names joined as the language joins them: « Alice et Bruno ». */
export function nameList(names: readonly string[]): string {
	return new Intl.ListFormat(getLocale(), { type: 'conjunction' }).format(names);
}

/** Whom the collective entrusted with it: « Les comptes sont confiés à Alice. » */
export function usuallySentence(role: Role, names: readonly string[]): string {
	const words = { names: nameList(names) };
	return { treasurer: m.role_usually_treasurer, closer: m.role_usually_closer, keeper: m.role_usually_keeper }[role](words);
}

export function isRole(code: string): code is Role {
	return code === 'treasurer' || code === 'closer' || code === 'keeper';
}
