/** Character vocabularies: texts as Unicode code points, and code points to token ids and back. */

/** The text's Unicode code points, so that a character outside the BMP (an emoji) is one token, not two. */
export function codePoints(text: string): Int32Array {
  const points = new Int32Array(text.length);
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const point = text.codePointAt(i)!;
    points[count++] = point;
    if (point > 0xffff) i++;
  }
  return points.slice(0, count);
}

export interface Vocabulary {
  /** Token id to character. */
  symbols: string[];
  /** Code point to token id. */
  ids: Map<number, number>;
}

/**
 * The distinct characters of `texts` in code-point order. With `padding`, id 0 is reserved for
 * padding (shown as '') and characters start at 1.
 */
export function characterVocabulary(texts: Iterable<Int32Array>, padding: boolean): Vocabulary {
  const distinct = new Set<number>();
  for (const text of texts) for (const point of text) distinct.add(point);
  const sorted = [...distinct].sort((a, b) => a - b);
  const first = padding ? 1 : 0;
  return {
    symbols: [...(padding ? [''] : []), ...sorted.map((point) => String.fromCodePoint(point))],
    ids: new Map(sorted.map((point, index) => [point, first + index])),
  };
}
