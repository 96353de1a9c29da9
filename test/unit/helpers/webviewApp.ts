// The chat webview app in jsdom, for the webview tests: a fake VS Code API that checks every message
// the view posts, frames and background work run by hand.
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { ChatApp } from '../../../src/webview/app';
import { parseWebviewMessage, type ChatStateView, type MessageView } from '../../../src/protocol/messages';

export function setup(savedState?: unknown, eagerChars?: number) {
  const dom = new JSDOM('<!doctype html><html><body><div id="root"></div></body></html>');
  const win = dom.window as unknown as Window;
  const doc = dom.window.document;
  const posted: unknown[] = [];
  let state: unknown = savedState;
  const api = {
    postMessage: (m: unknown) => {
      // Everything the view sends must be a well-formed WebviewToHost.
      assert.ok(parseWebviewMessage(m), `malformed message posted: ${JSON.stringify(m)}`);
      posted.push(m);
    },
    getState: () => state,
    setState: (s: unknown) => {
      state = s;
    },
  };
  const frames: Array<() => void> = [];
  const deferred: Array<() => void> = [];
  const app = new ChatApp(doc.getElementById('root')!, api, win, {
    schedule: (cb) => frames.push(cb),
    defer: (cb) => deferred.push(cb),
    draftDelayMs: 0,
    eagerChars,
  });
  const frame = () => {
    while (frames.length) frames.splice(0).forEach((cb) => cb());
  };
  const $ = (sel: string) => doc.querySelector<HTMLElement>(sel);
  const $$ = (sel: string) => Array.from(doc.querySelectorAll<HTMLElement>(sel));
  const send = (raw: unknown) => {
    dom.window.dispatchEvent(new dom.window.MessageEvent('message', { data: raw }));
  };
  const types = () => posted.map((m) => (m as { type: string }).type);
  return { dom, win, doc, app, api, posted, frame, deferred, $, $$, send, types, getSaved: () => state };
}

let nextStateId = 1;
/** A state as the host posts it (each with its own id, as the host numbers them; `extra` may set one). */
export const state = (messages: MessageView[], extra: Partial<ChatStateView> = {}): ChatStateView => ({
  messages,
  stateId: nextStateId++,
  hasApiKey: true,
  model: 'anthropic/claude-sonnet-4.5',
  busy: false,
  ...extra,
});

export const tick = (win: Window) => new Promise((r) => win.setTimeout(r, 5));
