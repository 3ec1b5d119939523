/**
 * A field's `maxlength` stops typing at the limit, which a person sees, but
 * it also cuts a paste or a dictated text at the limit without a word: a
 * 5 000-character name pasted into a 120-character field was saved as its
 * first 120, and nobody knew. Every field of the app keeps its limit, and the
 * person is told, under the field, how much was kept of how much.
 */
import * as m from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';

type TextField = HTMLInputElement | HTMLTextAreaElement;

/** The notice shown under each field that was cut, while it is on the page. */
const notices = new WeakMap<TextField, HTMLElement>();

/** How long the field's text would be if the browser took all of `inserted`. */
export function lengthWithout(limit: { value: string; start: number | null; end: number | null }, inserted: string): number {
	const selected = limit.start !== null && limit.end !== null ? Math.max(limit.end - limit.start, 0) : 0;
	return limit.value.length - selected + inserted.length;
}

function isTextField(target: EventTarget | null): target is TextField {
	return (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) && target.maxLength > 0;
}

function selection(field: TextField): { start: number | null; end: number | null } {
	try {
		return { start: field.selectionStart, end: field.selectionEnd };
	} catch {
		// Some input types have no selection.
		return { start: null, end: null };
	}
}

/**
 * The field's notice, made when `create` and there is none. It goes after the
 * field's label, not inside it: inside, it would become part of the field's
 * name for screen readers. The field points to it instead.
 */
function noticeOf(field: TextField, create: boolean): HTMLElement | null {
	const known = notices.get(field);
	if (known?.isConnected) return known;
	if (!create) return null;
	const notice = document.createElement('p');
	notice.setAttribute('role', 'status');
	notice.className = 'notice cut-notice';
	notice.id = `cut-${Math.random().toString(36).slice(2)}`;
	notice.style.flexBasis = '100%';
	(field.closest('label') ?? field).insertAdjacentElement('afterend', notice);
	const described = field.getAttribute('aria-describedby');
	field.setAttribute('aria-describedby', described ? `${described} ${notice.id}` : notice.id);
	notices.set(field, notice);
	return notice;
}

function forget(field: TextField): void {
	const notice = notices.get(field);
	if (!notice) return;
	notice.remove();
	notices.delete(field);
	const rest = (field.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id !== '' && id !== notice.id);
	if (rest.length > 0) field.setAttribute('aria-describedby', rest.join(' '));
	else field.removeAttribute('aria-describedby');
}

/**
 * Watches every text field of the document from now on; returns the way to
 * stop. Reading the insertion before the browser cuts it, it knows the
 * length the person meant; the field's own limit still applies.
 */
export function watchCutText(root: Document): () => void {
	let pending: { field: TextField; meant: number } | null = null;
	const before = (event: Event) => {
		const field = event.target;
		if (!(event instanceof InputEvent) || !isTextField(field) || !event.inputType.startsWith('insert')) return;
		const inserted = event.data ?? event.dataTransfer?.getData('text/plain') ?? '';
		const meant = lengthWithout({ value: field.value, ...selection(field) }, inserted);
		pending = meant > field.maxLength ? { field, meant } : null;
	};
	const after = (event: Event) => {
		const field = event.target;
		if (!isTextField(field)) return;
		const cut = pending?.field === field ? pending : null;
		pending = null;
		if (cut) {
			const notice = noticeOf(field, true);
			const count = new Intl.NumberFormat(getLocale());
			if (notice) notice.textContent = m.text_cut({ kept: count.format(field.maxLength), meant: count.format(cut.meant) });
		} else if (field.value.length < field.maxLength) {
			forget(field);
		}
	};
	root.addEventListener('beforeinput', before, true);
	root.addEventListener('input', after, true);
	return () => {
		root.removeEventListener('beforeinput', before, true);
		root.removeEventListener('input', after, true);
	};
}
