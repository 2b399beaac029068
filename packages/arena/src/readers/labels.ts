/**
 * Whether a read needs labels. Labels are a property of the file: training and evaluation
 * need one on every row ('require'), prediction reads them when present ('optional'). A
 * file or row without them under 'require' is a broken file, never a row to skip.
 */
import { LABEL_COLUMNS } from '../record.js';

export type LabelRequirement = 'require' | 'optional';

export const LABEL_REQUIREMENTS: readonly LabelRequirement[] = ['require', 'optional'];

/** Why an unlabelled file or row cannot be read with labels: 'require'. */
export const NO_LABEL_COLUMNS =
  `has no label columns ${LABEL_COLUMNS.join(', ')}; ` +
  'training and evaluation need a label on every row; `gft predict` does not';

/** Whether a row (of a format without a header) has any label column. */
export function hasLabelColumns(fields: Record<string, unknown>): boolean {
  return LABEL_COLUMNS.some((c) => fields[c] !== undefined);
}
