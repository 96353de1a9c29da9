// Entry point of dist/webview.js: wires the chat view to VS Code's webview API.
import { ChatApp, type VsCodeApi } from './app';

declare function acquireVsCodeApi(): VsCodeApi;

const root = document.getElementById('root') ?? document.body;
new ChatApp(root, acquireVsCodeApi(), window).start();
