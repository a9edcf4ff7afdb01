/**
 * Each recurrent cell described once: its gate blocks in PyTorch's order, what a probe records of
 * it, whether it carries a cell state, and the `torch.nn` module whose equations and parameter
 * names it shares. Also each probe quantity's name and range. The spec's `CellType` and the
 * events' `ProbeQuantity` are the keys of these tables, and the parameter shapes, the tfjs cells,
 * the kernel cells, the probes and the charts read the facts from here (a unit test holds the
 * schema's cell list to them); a pure module (no tfjs), so the webview can read it too.
 */

export interface CellDescription {
  /**
   * The blocks stacked in W_ih, W_hh, b_ih and b_hh, in PyTorch's order: block k is rows
   * [k·H, (k+1)·H). The RNN's one block is its pre-activation, whose activation is h.
   */
  readonly gates: readonly ProbeQuantity[];
  /** What a probe records of each step, in display order: h first. */
  readonly quantities: readonly ProbeQuantity[];
  /** Whether the cell carries a cell state c beside h. */
  readonly hasCellState: boolean;
  /** The `torch.nn` module with the same equations and the same parameter names (`weight_ih_l0`, …). */
  readonly torchModule: 'RNN' | 'LSTM' | 'GRU';
}

export const CELLS = {
  rnn: { gates: ['h'], quantities: ['h'], hasCellState: false, torchModule: 'RNN' },
  lstm: { gates: ['i', 'f', 'g', 'o'], quantities: ['h', 'c', 'i', 'f', 'g', 'o'], hasCellState: true, torchModule: 'LSTM' },
  gru: { gates: ['r', 'z', 'n'], quantities: ['h', 'r', 'z', 'n'], hasCellState: false, torchModule: 'GRU' },
} as const satisfies Record<string, CellDescription>;

/** The spec's `model.cell`: one of the described cells. */
export type CellType = keyof typeof CELLS;

/** The cell types, in the schema's order. */
export const CELL_TYPES = Object.keys(CELLS) as CellType[];

/** G: how many blocks of H rows the cell's weight matrices have. */
export function gateCount(cell: CellType): number {
  return CELLS[cell].gates.length;
}

export interface QuantityDescription {
  /** In words, e.g. "forget gate". */
  readonly name: string;
  /**
   * The values it takes: `gate` a sigmoid in [0, 1]; `tanh` in [-1, 1]; `state` unbounded (the
   * LSTM's cell state); `hidden` the cell's output h, in [-1, 1] but for a ReLU RNN's [0, ∞).
   */
  readonly range: 'gate' | 'tanh' | 'state' | 'hidden';
}

export const QUANTITIES = {
  h: { name: 'hidden state', range: 'hidden' },
  c: { name: 'cell state', range: 'state' },
  i: { name: 'input gate', range: 'gate' },
  f: { name: 'forget gate', range: 'gate' },
  g: { name: 'candidate', range: 'tanh' },
  o: { name: 'output gate', range: 'gate' },
  r: { name: 'reset gate', range: 'gate' },
  z: { name: 'update gate', range: 'gate' },
  n: { name: 'candidate', range: 'tanh' },
} as const satisfies Record<string, QuantityDescription>;

/** What a probe can record of a cell: h, the cell state c, or a gate. */
export type ProbeQuantity = keyof typeof QUANTITIES;

/** A chart's title of a quantity, e.g. "forget gate f". */
export function quantityTitle(quantity: ProbeQuantity): string {
  return `${QUANTITIES[quantity].name} ${quantity}`;
}

/** A picker's label of a quantity, e.g. "f (forget gate)". */
export function quantityLabel(quantity: ProbeQuantity): string {
  return `${quantity} (${QUANTITIES[quantity].name})`;
}
