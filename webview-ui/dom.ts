/** A tiny element builder: no HTML strings, so nothing from a run is ever parsed as markup. */

type Attributes = Record<string, string | number | boolean | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: (Node | string | undefined)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child !== undefined) element.append(child);
  }
  return element;
}

/** A labelled control: `<label for=id>text</label>` followed by the control. */
export function labelled(text: string, control: HTMLElement & { id: string }): HTMLElement {
  return h('span', { class: 'field' }, h('label', { for: control.id }, text), control);
}

export function setOptions(select: HTMLSelectElement, options: { value: string; label: string }[], selected?: string): void {
  select.replaceChildren(...options.map((option) => h('option', { value: option.value, selected: option.value === selected }, option.label)));
}
