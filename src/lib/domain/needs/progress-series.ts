/**
 * A need's progress over time, for its chart: at the end of each week since
 * it was recorded (each month when that would be too many bars), what was
 * delivered, firmly promised and promised under a condition, as its pledges
 * stood that day. A pledge counts from the day it was made, as delivered from
 * the day it was, and not from the day it was withdrawn.
 */
import type * as Y from 'yjs';
import { localDate } from '../core/dates';
import type { NeedId } from '../core/ids';
import { getNeed } from './needs';
import { pledgesOfNeed } from './pledges';
import { progressOf } from './progress';
import type { Pledge } from './pledge';

export interface ProgressPoint {
	/** The day the point stands for, YYYY-MM-DD. */
	day: string;
	delivered: number;
	promised: number;
	conditional: number;
}

/** More points than this and the series goes by month. */
export const MOST_POINTS = 16;

export function needProgressSeries(doc: Y.Doc, needId: NeedId, today: string): { target: number; points: ProgressPoint[] } | null {
	const need = getNeed(doc, needId);
	if (!need) return null;
	const pledges = pledgesOfNeed(doc, need).items;
	const first = [localDate(new Date(need.createdAt)), ...pledges.map((p) => p.pledgedOn)].reduce((a, b) => (a < b ? a : b), today);
	return { target: need.target, points: days(first, today).map((day) => ({ day, ...partsOn(need, pledges, day) })) };
}

function partsOn(need: NonNullable<ReturnType<typeof getNeed>>, pledges: readonly Pledge[], day: string): Omit<ProgressPoint, 'day'> {
	const then = pledges
		.filter((p) => p.pledgedOn <= day)
		.map((p) => ({
			...p,
			...(p.deliveredOn !== null && p.deliveredOn > day ? { deliveredOn: null, deliveredAt: null, deliveredBy: null } : {}),
			...(p.withdrawnOn !== null && p.withdrawnOn > day ? { withdrawnOn: null, withdrawnAt: null, withdrawnBy: null } : {})
		}));
	const { delivered, promised, conditional } = progressOf(need, then, day);
	return { delivered, promised, conditional };
}

/** The ends of weeks from `first` to `today` (today last), or of months when weeks are too many. */
function days(first: string, today: string): string[] {
	const step = (date: string, by: 'week' | 'month') => {
		const d = new Date(`${date}T00:00:00Z`);
		if (by === 'week') d.setUTCDate(d.getUTCDate() + 7);
		else d.setUTCMonth(d.getUTCMonth() + 1);
		return d.toISOString().slice(0, 10);
	};
	for (const by of ['week', 'month'] as const) {
		const out: string[] = [];
		for (let day = first; day < today; day = step(day, by)) out.push(day);
		out.push(today);
		if (out.length <= MOST_POINTS || by === 'month') return out.slice(-MOST_POINTS * 2);
	}
	return [today];
}
