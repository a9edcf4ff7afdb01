/**
 * The experiment panel's HTML: a shell that loads the bundled panel app under a strict Content
 * Security Policy. Scripts and styles need the page's nonce; nothing loads from the network,
 * and all data arrives by messages.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** The folder of the panel bundle, relative to the extension: the webview's only resource root. */
export const PANEL_BUNDLE_DIR = ['dist', 'webview'];

export function panelResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, ...PANEL_BUNDLE_DIR)];
}

export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): string {
  const nonce = randomBytes(16).toString('base64');
  const bundle = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...PANEL_BUNDLE_DIR, file)).toString();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${bundle('panel.css')}" nonce="${nonce}">
<title>${escapeHtml(title)}</title>
</head>
<body>
<div id="app" aria-live="polite"></div>
<script nonce="${nonce}" src="${bundle('panel.js')}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
