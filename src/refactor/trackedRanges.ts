import * as vscode from 'vscode';
import { trackRange } from './rangeTracking';

/** A range of a document followed through edits from the moment it was taken. */
export interface TrackedRange {
  readonly uri: vscode.Uri;
  /** Current offsets of the range. */
  start: number;
  end: number;
  /** The text the range held when it was taken. */
  original: string;
  /** Set when an edit touched the range or its document closed: the text may no longer be `original`. */
  stale: boolean;
}

/**
 * Ranges kept current while the user keeps typing: a refactor's range is taken when Refactor starts,
 * so edits made while the model writes (above it: moved; inside it: stale) are seen, not only those
 * made after the proposal opens.
 */
export class TrackedRanges implements vscode.Disposable {
  private readonly ranges = new Set<TrackedRange>();
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      vscode.workspace.onDidChangeTextDocument((e) => this.onChange(e)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        for (const r of this.ranges) if (r.uri.toString() === d.uri.toString()) r.stale = true;
      }),
    ];
  }

  /** Starts following `range` of `doc`; call release() when done with it. */
  track(doc: vscode.TextDocument, range: vscode.Range): TrackedRange {
    const r: TrackedRange = { uri: doc.uri, start: doc.offsetAt(range.start), end: doc.offsetAt(range.end), original: doc.getText(range), stale: false };
    this.ranges.add(r);
    return r;
  }

  /** Keeps only the first `length` characters of the range (a selection cut to fit the context). */
  narrow(r: TrackedRange, length: number): void {
    r.end = r.start + length;
    r.original = r.original.slice(0, length);
  }

  release(range: TrackedRange | undefined): void {
    if (range) this.ranges.delete(range);
  }

  /** The range now, or undefined when it is stale or its text is no longer the original. */
  current(r: TrackedRange): { doc: vscode.TextDocument; range: vscode.Range } | undefined {
    if (r.stale) return undefined;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === r.uri.toString());
    if (!doc || doc.isClosed) return undefined;
    const range = new vscode.Range(doc.positionAt(r.start), doc.positionAt(r.end));
    return doc.getText(range) === r.original ? { doc, range } : undefined;
  }

  private onChange(e: vscode.TextDocumentChangeEvent): void {
    if (e.contentChanges.length === 0) return;
    const uri = e.document.uri.toString();
    const changes = e.contentChanges.map((c) => ({ rangeOffset: c.rangeOffset, rangeLength: c.rangeLength, textLength: c.text.length }));
    for (const r of this.ranges) {
      if (r.stale || r.uri.toString() !== uri) continue;
      const moved = trackRange(r, changes);
      if (moved === 'stale') r.stale = true;
      else {
        r.start = moved.start;
        r.end = moved.end;
      }
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.ranges.clear();
  }
}
