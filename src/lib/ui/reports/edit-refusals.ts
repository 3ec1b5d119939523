/**
 * Why settling an edit conflict was refused: settled meanwhile, the item gone,
 * or the value refused by the item's own rules, said as its own form says it.
 */
import type * as Y from 'yjs';
import { getNeed } from '$lib/domain/needs';
import type { EditRefusal, ResolveEditResult } from '$lib/domain/reports';
import * as m from '$lib/paraglide/messages';
import { editRefusals } from '../decisions/refusals';
import { resourceRefusals } from '../inventory/refusals';
import { correctionRefusals, duesChangeRefusals, fundRefusals } from '../money/refusals';
import { needRefusals, pledgeRefusals } from '../needs/refusals';
import { refusalText, type Failure, type RefusalMessages } from '../refusals';
import { spaceRefusals } from '../space/refusals';

function editRefusalText(doc: Y.Doc, edit: EditRefusal): string {
	switch (edit.kind) {
		case 'resource':
			return refusalText(edit.refusal, resourceRefusals);
		case 'need':
			return refusalText(edit.refusal, needRefusals);
		case 'pledge': {
			const need = getNeed(doc, edit.needId);
			return need ? refusalText(edit.refusal, pledgeRefusals(need)) : m.conflict_edit_not_found();
		}
		case 'decision':
			return refusalText(edit.refusal, editRefusals);
		case 'fund':
			return refusalText(edit.refusal, fundRefusals);
		case 'dues':
			return refusalText(edit.refusal, duesChangeRefusals(edit.start));
		case 'ledger':
			return refusalText(edit.refusal, correctionRefusals);
		case 'space':
			return refusalText(edit.refusal, spaceRefusals);
	}
}

/** The refusals of `resolveEditConflict`, for a document's page. */
export function resolveEditRefusals(doc: Y.Doc): RefusalMessages<Failure<ResolveEditResult>> {
	return {
		already_resolved: () => m.conflict_edit_already_resolved(),
		not_found: () => m.conflict_edit_not_found(),
		edit_refused: (refusal) => editRefusalText(doc, refusal.edit)
	};
}
