// Entry point of dist/webview.js: wires the chat view to VS Code's webview API.
import { ChatApp, type VsCodeApi } from './app';
import { loadWebviewStrings } from './l10n';

declare function acquireVsCodeApi(): VsCodeApi;

const root = document.getElementById('root') ?? document.body;
// The words first: the view is built with them.
if (!loadWebviewStrings(root)) console.error('GMI chat: the host sent no valid string table');
new ChatApp(root, acquireVsCodeApi(), window).start();
