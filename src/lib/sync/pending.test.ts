import { describe, expect, it } from 'vitest';
import { addMark, parseMarks, unconfirmed } from './pending';

describe('pending changes', () => {
	it('counts marks the relay state has not reached', () => {
		let marks = addMark([], 7, 1);
		marks = addMark(marks, 7, 3);
		marks = addMark(marks, 9, 2);
		expect(unconfirmed(marks, new Map())).toHaveLength(3);
		expect(unconfirmed(marks, new Map([[7, 1]]))).toEqual([[7, 3], [9, 2]]);
		expect(unconfirmed(marks, new Map([[7, 3], [9, 5]]))).toEqual([]);
	});

	it('reads stored marks defensively', () => {
		expect(parseMarks(null)).toEqual([]);
		expect(parseMarks('{oops')).toEqual([]);
		expect(parseMarks('[[1,2],["x",3],[4],[5,6]]')).toEqual([[1, 2], [5, 6]]);
	});
});
