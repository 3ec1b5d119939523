/**
 * French drops the vowel of "de" before a word that starts with a vowel
 * sound: "la main levée d'Amina", "la cotisation d'Hélène", but "de Bob" and
 * "de Yasmine". A message that puts "de" before a name the app does not know
 * in advance takes `elision` with it and has two French variants; the other
 * languages ignore it. This module says which one a name takes.
 */

export type Elision = 'yes' | 'no';

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u', 'æ', 'œ']);

/** The word's first letters, lower case, without accents ("Élodie" → "elodie"). */
function bare(word: string): string {
	return word.trim().normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * Whether French elides "de" before this word. A vowel elides, and so does a
 * mute h before one (Hélène, Hugo: names starting with an aspirated h are
 * rare, and nothing in the spelling tells them apart). A y elides before a
 * consonant (Yves, Yvonne), where it sounds as a vowel, not before a vowel
 * (Yann, Yasmine). Anything else, a digit, another script, does not.
 */
export function elides(word: string): boolean {
	const [first = '', second = ''] = [...bare(word)];
	if (VOWELS.has(first)) return true;
	const vowelNext = VOWELS.has(second) || second === 'y';
	if (first === 'h') return vowelNext;
	if (first === 'y') return /\p{L}/u.test(second) && !vowelNext;
	return false;
}

/** What a message with "de {name}" takes: the name, and whether French elides before it. */
export function named(name: string): { name: string; elision: Elision } {
	return { name, elision: elides(name) ? 'yes' : 'no' };
}

/** The same, for a message whose name is under another key ("de {resource}"). */
export function elision(name: string): Elision {
	return elides(name) ? 'yes' : 'no';
}
