/** The charts' theme, read from VS Code's CSS variables, and a watch for theme changes. */
import type { ChartTheme } from '../src/charts';

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.body).getPropertyValue(name).trim();
  return value === '' ? fallback : value;
}

/** The current VS Code theme as a `ChartTheme`. */
export function currentTheme(): ChartTheme {
  const background = cssVar('--vscode-editor-background', '#ffffff');
  const fontSize = Number.parseFloat(cssVar('--vscode-font-size', '13px'));
  return {
    foreground: cssVar('--vscode-editor-foreground', '#1f1f1f'),
    background,
    grid: cssVar('--vscode-editorWidget-border', cssVar('--vscode-panel-border', '#80808059')),
    muted: cssVar('--vscode-descriptionForeground', '#717171'),
    fontFamily: cssVar('--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: Number.isFinite(fontSize) ? Math.max(10, fontSize - 2) : 11,
    palette: [
      cssVar('--vscode-charts-blue', '#1a85ff'),
      cssVar('--vscode-charts-orange', '#d18616'),
      cssVar('--vscode-charts-green', '#388a34'),
      cssVar('--vscode-charts-red', '#e51400'),
      cssVar('--vscode-charts-purple', '#652d90'),
      cssVar('--vscode-charts-yellow', '#bf8803'),
      cssVar('--vscode-terminal-ansiCyan', '#0598bc'),
      cssVar('--vscode-terminal-ansiMagenta', '#bc05bc'),
    ],
    diverging: [cssVar('--vscode-charts-blue', '#1a85ff'), background, cssVar('--vscode-charts-red', '#e51400')],
  };
}

/**
 * Calls `onChange` whenever VS Code switches theme: the body's `vscode-light`/`-dark`/`-high-contrast`
 * class changes, or (between two themes of one kind) the variables on the root element do.
 */
export function watchTheme(onChange: () => void): void {
  const fingerprint = () => `${document.body.className}|${JSON.stringify(currentTheme())}`;
  let current = fingerprint();
  const observer = new MutationObserver(() => {
    const next = fingerprint();
    if (next !== current) {
      current = next;
      onChange();
    }
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
}
