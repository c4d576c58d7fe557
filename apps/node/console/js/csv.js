// The auditor's CSV export of ledger entries (RFC 4180), safe to open in a spreadsheet.
const COLUMNS = ['seq', 'time', 'event', 'kind', 'counterpart', 'messageId', 're', 'digest', 'actor', 'reason'];

/** RFC 4180 quoting; a cell that a spreadsheet would run as a formula is prefixed with '. */
export function csvCell(value) {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvHeader = () => COLUMNS.join(',');
export const csvLine = (entry) => COLUMNS.map((c) => csvCell(entry[c])).join(',');
