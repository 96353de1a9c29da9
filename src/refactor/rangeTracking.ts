/** An edit as VS Code reports it: offsets into the document before the edit. */
export interface TextChange {
  rangeOffset: number;
  rangeLength: number;
  textLength: number;
}

export interface OffsetRange {
  start: number;
  end: number;
}

/**
 * Where a proposal's original range is after a set of edits, or 'stale' when an edit touched it.
 * All changes of one event refer to the document before that event, so they are compared with the
 * old range and their shifts summed. An insertion exactly at the start counts as before the range;
 * one exactly at the end counts as after it.
 */
export function trackRange(range: OffsetRange, changes: readonly TextChange[]): OffsetRange | 'stale' {
  let shift = 0;
  for (const c of changes) {
    const cStart = c.rangeOffset;
    const cEnd = c.rangeOffset + c.rangeLength;
    if (c.rangeLength === 0 && c.textLength === 0) continue;
    if (cEnd <= range.start) shift += c.textLength - c.rangeLength;
    else if (cStart < range.end) return 'stale';
  }
  return { start: range.start + shift, end: range.end + shift };
}
