/**
 * Text on its way to a terminal: anything that came from a user's files (a CSV header in a
 * message, a dataset description) may hold control characters, such as an escape sequence that
 * retitles the terminal or rewrites the screen. They are printed escaped (`\x1b`, `\u009b`).
 */

/** C0 controls except tab and newline, DEL, and the C1 controls. */
// eslint-disable-next-line no-control-regex -- matching control characters is what this expression is for
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL, (char) => {
    const code = char.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
