/** Sizing and the schema shared by the charts. */

/** The Vega-Lite schema every spec names. */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** A chart's size. `width` defaults to `'container'` (the panel element's width); pass a number for Node rendering. */
export interface ChartSize {
  width?: number | 'container';
  height?: number;
}

/**
 * Pads the view to fit titles and legends and re-measures whenever data or the container change
 * (without `resize`, titles were clipped when data arrived after the first render).
 */
export const AUTOSIZE = { type: 'pad', resize: true } as const;

/**
 * The size and autosize of a single or layered chart. A numeric width is the plot's width, padded
 * for axes and legends; `'container'` makes the whole chart, axes included, as wide as its element
 * (`fit-x`: with `pad` the axes would overflow the element).
 */
export function chartSizing(size: ChartSize, defaultHeight: number) {
  const width = size.width ?? 'container';
  return {
    width,
    height: size.height ?? defaultHeight,
    autosize: width === 'container' ? ({ type: 'fit-x', contains: 'padding', resize: true } as const) : AUTOSIZE,
  };
}
