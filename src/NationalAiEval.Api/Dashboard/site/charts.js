// Small SVG charts drawn here (no library, no CDN): lines over time, stacked bars, and a timeline of bars.
const ns = 'http://www.w3.org/2000/svg';

function element(name, attributes = {}, text) {
  const node = document.createElementNS(ns, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function frame(width, height, title) {
  const svg = element('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': title });
  svg.append(element('title', {}, title));
  return svg;
}

const niceMax = value => {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map(step => step * power).find(step => step >= value);
};

/** Lines over a shared x axis: series = [{ name, color, values: [number|null], dashed }], labels = x labels. */
/** Room for the longest y label (about 6.5 px a character at 11 px). */
const leftFor = (max, format) => 14 + 6.5 * Math.max(...[0, 1, 2, 3, 4].map(step => String(format((max * step) / 4)).length));

export function lineChart({ title, labels, series, width = 560, height = 220, format = String }) {
  const max = niceMax(Math.max(0, ...series.flatMap(s => s.values.filter(v => v !== null))));
  const pad = { left: leftFor(max, format), right: 34, top: 10, bottom: 26 };
  const svg = frame(width, height, title);
  const x = i => pad.left + (labels.length <= 1 ? 0 : (i * (width - pad.left - pad.right)) / (labels.length - 1));
  const y = v => height - pad.bottom - (v / max) * (height - pad.top - pad.bottom);
  for (let step = 0; step <= 4; step++) {
    const v = (max * step) / 4;
    svg.append(element('line', { x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v), stroke: '#e1e5ea' }));
    svg.append(element('text', { x: pad.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, format(v)));
  }
  const ticks = Math.min(6, labels.length);
  for (let k = 0; k < ticks; k++) {
    const i = Math.round((k * (labels.length - 1)) / Math.max(1, ticks - 1));
    svg.append(element('text', { x: x(i), y: height - 8, 'text-anchor': 'middle' }, labels[i]));
  }
  for (const s of series) {
    const points = s.values.map((v, i) => (v === null ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`)).filter(Boolean);
    if (points.length === 0) continue;
    svg.append(element('polyline', {
      points: points.join(' '), fill: 'none', stroke: s.color, 'stroke-width': 2, 'stroke-dasharray': s.dashed ? '6 4' : 'none',
      'data-series': s.name,
    }));
  }
  return svg;
}

/** Stacked bars: bars = [{ label, parts: [{ name, color, value }] }]. */
export function stackedBars({ title, bars, width = 760, height = 260, format = String }) {
  const max = niceMax(Math.max(0, ...bars.map(b => b.parts.reduce((sum, p) => sum + Math.max(0, p.value), 0))));
  const pad = { left: leftFor(max, format), right: 10, top: 10, bottom: 26 };
  const svg = frame(width, height, title);
  const slot = (width - pad.left - pad.right) / Math.max(1, bars.length);
  const y = v => height - pad.bottom - (v / max) * (height - pad.top - pad.bottom);
  for (let step = 0; step <= 4; step++) {
    const v = (max * step) / 4;
    svg.append(element('line', { x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v), stroke: '#e1e5ea' }));
    svg.append(element('text', { x: pad.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, format(v)));
  }
  bars.forEach((bar, i) => {
    let base = 0;
    for (const part of bar.parts) {
      if (part.value <= 0) continue;
      const rect = element('rect', {
        x: pad.left + i * slot + slot * 0.15, width: slot * 0.7, y: y(base + part.value), height: y(base) - y(base + part.value), fill: part.color,
        'data-bar': bar.label, 'data-part': part.name, 'data-value': part.value,
      });
      rect.append(element('title', {}, `${bar.label} · ${part.name}: ${format(part.value)}`));
      svg.append(rect);
      base += part.value;
    }
    svg.append(element('text', { x: pad.left + i * slot + slot / 2, y: height - 8, 'text-anchor': 'middle' }, bar.label));
  });
  return svg;
}

/** A timeline: rows = [{ label, bars: [{ start, end, text, color }] }] over [from, to] (milliseconds). */
export function timeline({ title, rows, from, to, ticks, width = 980, rowHeight = 26 }) {
  const pad = { left: 130, right: 10, top: 6, bottom: 24 };
  const height = pad.top + pad.bottom + rows.length * rowHeight;
  const svg = frame(width, height, title);
  const x = ms => pad.left + ((ms - from) / Math.max(1, to - from)) * (width - pad.left - pad.right);
  for (const tick of ticks) {
    svg.append(element('line', { x1: x(tick.at), x2: x(tick.at), y1: pad.top, y2: height - pad.bottom, stroke: '#e1e5ea' }));
    svg.append(element('text', { x: x(tick.at), y: height - 8, 'text-anchor': 'middle' }, tick.label));
  }
  rows.forEach((row, r) => {
    const top = pad.top + r * rowHeight;
    svg.append(element('text', { x: pad.left - 8, y: top + rowHeight / 2 + 4, 'text-anchor': 'end' }, row.label));
    for (const bar of row.bars) {
      const left = x(Math.max(from, bar.start));
      const right = x(Math.min(to, bar.end));
      if (right <= left) continue;
      const rect = element('rect', { x: left, y: top + 3, width: right - left, height: rowHeight - 6, rx: 3, fill: bar.color, 'data-team': bar.team });
      rect.append(element('title', {}, bar.text));
      svg.append(rect);
      if (right - left > 60) svg.append(element('text', { x: left + 4, y: top + rowHeight / 2 + 4, fill: '#fff', style: 'fill:#fff' }, bar.short ?? ''));
    }
  });
  return svg;
}
