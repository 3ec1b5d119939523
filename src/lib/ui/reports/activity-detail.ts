/**
 * What a history record says beyond its action, in the reader's language.
 * Records keep data (minor units and a currency, a quantity and its unit, a
 * period code, a date) and the names people typed; the words and the number
 * formats are chosen here, when the page is read, never when it was written.
 * A record written before that keeps its text as it was written.
 */
import { formatMoney, type Activity } from '$lib/domain/core';
import { DUES_PERIODS, type DuesPeriod } from '$lib/domain/money';
import { getLocale } from '$lib/paraglide/runtime';
import * as m from '$lib/paraglide/messages';
import { formatDate, formatQuantity } from '../format';
import { perPeriodLabel } from '../money/labels';
import { isRole, roleLabel } from '../space/roles';

export interface ActivityDetail {
	/** What a person typed (a title, a name, a reason), shown as a quotation; '' when none. */
	quoted: string;
	/** Figures, periods and dates, formatted for the reader; '' when none. */
	facts: string;
}

function isPeriod(code: string): code is DuesPeriod {
	return (DUES_PERIODS as readonly string[]).includes(code);
}

export function activityDetail(record: Activity): ActivityDetail {
	let quoted = record.summary;
	if (record.to !== undefined) quoted = quoted ? `${quoted} → ${record.to}` : record.to;
	// The collective's own dues setting has no member name: it is named here.
	if (quoted === '' && record.subjectKind === 'dues' && record.subjectId === 'default') quoted = m.money_dues_default();
	const facts: string[] = [];
	if (record.amount !== undefined && record.currency !== undefined) {
		let money = formatMoney(record.amount, record.currency, getLocale());
		if (record.period !== undefined && isPeriod(record.period)) money = `${money} ${perPeriodLabel(record.period)}`;
		facts.push(money);
	}
	if (record.role !== undefined && isRole(record.role)) facts.push(roleLabel(record.role));
	if (record.quantity !== undefined) facts.push(formatQuantity(record.quantity, record.unit ?? ''));
	if (record.since !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(record.since)) facts.push(m.history_since({ date: formatDate(record.since) }));
	return { quoted, facts: facts.join(' · ') };
}

/** The detail on one line, for lists that do not set the quotation apart. */
export function activityDetailText(record: Activity): string {
	const { quoted, facts } = activityDetail(record);
	return [quoted, facts].filter((part) => part !== '').join(' · ');
}
