// Building blocks of the views: elements, figure cards (with their exact value for tests), tables and legends.
export function html(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value; else if (name.startsWith('on')) node.addEventListener(name.slice(2), value); else node.setAttribute(name, value);
  }
  for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

/** A figure with its exact value beside the formatted text, so that tests compare it with the API. */
export const figure = (testId, label, value, format) =>
  html('div', { class: 'card' }, html('div', { class: 'label' }, label), html('div', { class: 'value', 'data-testid': testId, 'data-value': value }, format(value)));

export const table = (headers, rows, testId) => html('table', { 'data-testid': testId },
  html('thead', {}, html('tr', {}, headers.map(h => html('th', { class: h.num ? 'num' : undefined, scope: 'col' }, h.label ?? h)))),
  html('tbody', {}, rows));

export const legend = items => html('div', { class: 'legend' }, items.map(([label, color, dashed]) =>
  html('span', {}, html('i', { style: `background:${color};${dashed ? 'opacity:.6' : ''}` }), label)));

