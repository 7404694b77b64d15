// The dashboard: sign in with an API key (kept in session storage only), then the views the key's role may see.
// Every figure comes from the API the key can call; nothing is computed here that the API does not also say.
import { t, translatePage, setLanguage, currentLanguage, setZone, hours, hoursShort, integer, krw, krwShort, percent, date, month, monthShort } from './i18n.js';
import { lineChart, stackedBars, timeline } from './charts.js';

const views = { manager: ['programme', 'team', 'plan', 'finance'], finance: ['programme', 'team', 'plan', 'finance'], team: ['team'], provider: ['programme'] };
const teamColors = ['#0b57d0', '#1b7f3b', '#c25e00', '#6b4fa3', '#00838f', '#ad1457', '#5d4037', '#455a64'];
let me = null;
let renders = 0;

const $ = id => document.getElementById(id);
const key = () => sessionStorage.getItem('nae.key');

class ApiError extends Error { constructor(status, detail) { super(detail); this.status = status; } }

async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: { Authorization: `Bearer ${key()}`, Accept: 'application/json', ...(options.headers ?? {}) } });
  if (!response.ok) {
    let detail = response.statusText;
    try { const problem = await response.json(); detail = problem.detail ?? problem.title ?? detail; } catch { /* not JSON */ }
    throw new ApiError(response.status, `${response.status} ${detail}`);
  }
  return options.raw ? response : response.json();
}

/** Every item of a paged list. */
async function all(path) {
  const items = [];
  let after = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page = await api(`${path}${separator}limit=500${after ? `&after=${encodeURIComponent(after)}` : ''}`);
    items.push(...page.items);
    after = page.nextCursor;
  } while (after);
  return items;
}

function html(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value; else if (name.startsWith('on')) node.addEventListener(name.slice(2), value); else node.setAttribute(name, value);
  }
  for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

/** A figure with its exact value beside the formatted text, so that tests compare it with the API. */
const figure = (testId, label, value, format) =>
  html('div', { class: 'card' }, html('div', { class: 'label' }, label), html('div', { class: 'value', 'data-testid': testId, 'data-value': value }, format(value)));

const table = (headers, rows, testId) => html('table', { 'data-testid': testId },
  html('thead', {}, html('tr', {}, headers.map(h => html('th', { class: h.num ? 'num' : undefined, scope: 'col' }, h.label ?? h)))),
  html('tbody', {}, rows));

const legend = items => html('div', { class: 'legend' }, items.map(([label, color, dashed]) =>
  html('span', {}, html('i', { style: `background:${color};${dashed ? 'opacity:.6' : ''}` }), label)));

function setStatus(text, error = false) { $('status').textContent = text; $('status').className = error ? 'error' : ''; }

// ---------- programme ----------
async function programme(view) {
  const [pools, flags] = await Promise.all([all('/api/v1/pools'), all('/api/v1/flags?status=open')]);
  view.append(html('h2', {}, t('programme.title')));
  view.append(legend([[t('leased'), 'var(--leased)'], [t('allocated'), 'var(--allocated)'], [t('used'), 'var(--used)']]));
  const grid = html('div', { class: 'pools' });
  view.append(grid);
  for (const pool of pools) {
    const series = await api(`/api/v1/pools/${pool.code}/utilisation?granularity=day`);
    const points = series.points;
    grid.append(html('div', { class: 'pool', 'data-pool': pool.code },
      html('h3', {}, `${pool.code} `, html('span', { class: 'badge' }, pool.gpuModel), ' ', html('span', { class: 'muted' }, pool.provider)),
      lineChart({
        title: `${pool.code}: ${t('leased')}, ${t('allocated')}, ${t('used')}`,
        labels: points.map(p => date(p.start)),
        format: hoursShort,
        series: [
          { name: 'leased', color: 'var(--leased)', values: points.map(p => p.leasedGpuHours) },
          { name: 'allocated', color: 'var(--allocated)', values: points.map(p => p.allocatedGpuHours) },
          { name: 'used', color: 'var(--used)', values: points.map(p => p.usedGpuHours) },
        ],
      }),
      html('div', { class: 'cards' },
        figure(`pool-${pool.code}-leased`, `${t('leased')} (${t('gpuHours')})`, series.total.leasedGpuHours, hours),
        figure(`pool-${pool.code}-used`, `${t('used')} (${t('gpuHours')})`, series.total.usedGpuHours, hours),
        figure(`pool-${pool.code}-idle`, `${t('idle')} (${t('gpuHours')})`, series.total.idleUnallocatedGpuHours + series.total.idleAllocatedUnusedGpuHours, hours),
        figure(`pool-${pool.code}-utilisation`, t('utilisation'), series.total.utilisationPercent, percent))));
  }

  view.append(html('h2', {}, t('programme.flags')));
  const flaggedKrw = flags.reduce((sum, f) => sum + (f.krw ?? 0), 0);
  view.append(html('div', { class: 'cards' }, figure('flags-krw', t('programme.flagsKrw'), flaggedKrw, krw)));
  view.append(flags.length === 0 ? html('p', {}, t('programme.noFlags')) : table(
    [t('kind'), t('pool'), t('team'), t('period'), { label: t('amount'), num: true }, { label: t('krw'), num: true }, t('detail')],
    flags.map(f => html('tr', { 'data-flag': f.id },
      html('td', {}, html('span', { class: 'badge code' }, f.kind)), html('td', { class: 'code' }, f.pool ?? ''), html('td', { class: 'code' }, f.team ?? ''),
      html('td', {}, `${date(f.periodStart)} – ${date(f.periodEnd)}`), html('td', { class: 'num' }, f.hours === null ? integer(f.amount) : hours(f.hours)),
      html('td', { class: 'num' }, f.krw === null ? '' : krw(f.krw)), html('td', {}, f.detail))), 'flags'));
}

// ---------- team ----------
async function team(view, requested) {
  let code = requested;
  if (me.role === 'team') code = me.team;
  if (!code) {
    const teams = await all('/api/v1/teams');
    code = teams[0]?.code;
    const select = html('select', { id: 'team-choice', onchange: e => { location.hash = `#/team/${e.target.value}`; } },
      teams.map(x => html('option', { value: x.code, selected: x.code === code ? 'selected' : undefined }, `${x.name} (${x.code})`)));
    view.append(html('label', { for: 'team-choice' }, t('team.choose')), select);
  } else if (me.role !== 'team') {
    const teams = await all('/api/v1/teams');
    view.append(html('label', { for: 'team-choice' }, t('team.choose')), html('select', { id: 'team-choice', onchange: e => { location.hash = `#/team/${e.target.value}`; } },
      teams.map(x => html('option', { value: x.code, selected: x.code === code ? 'selected' : undefined }, `${x.name} (${x.code})`))));
  }
  if (!code) return;
  let quota;
  try {
    quota = await api(`/api/v1/teams/${encodeURIComponent(code)}/quota`);
  } catch (error) {
    if (error.status === 404) { view.append(html('p', { 'data-testid': 'team-not-found' }, t('team.notFound'))); return; }
    throw error;
  }
  view.append(html('h2', { 'data-testid': 'team-code' }, `${t('team.title')}: ${quota.team}`));
  const allocations = await all(`/api/v1/allocations?team=${encodeURIComponent(code)}`);
  for (const stage of quota.stages) {
    view.append(html('h3', {}, `${stage.stageName} · ${t('team.window')} ${date(stage.windowStart)} – ${date(stage.windowEnd)}`));
    view.append(html('div', { class: 'cards' },
      figure(`quota-${stage.stage}-entitlement`, t('team.entitlement'), stage.entitlementGpuHours, hours),
      figure(`quota-${stage.stage}-used`, t('team.used'), stage.used.equivalentGpuHours, hours),
      figure(`quota-${stage.stage}-remaining`, t('team.remaining'), stage.remainingGpuHours, hours),
      figure(`quota-${stage.stage}-ahead`, t('team.allocatedAhead'), stage.allocatedAheadGpuHours, hours),
      figure(`quota-${stage.stage}-still`, t('team.stillToAllocate'), stage.stillToAllocateGpuHours, hours),
      html('div', { class: 'card' }, html('div', { class: 'label' }, t('team.status')),
        html('div', { class: 'value', 'data-testid': `quota-${stage.stage}-status` }, t(`status.${stage.forecast.status}`)),
        stage.forecast.projectedExhaustion ? html('div', { class: 'label' }, `${t('team.exhaustion')}: ${date(stage.forecast.projectedExhaustion)}`) : '')));
    await burnDown(view, quota, stage);
    const mine = allocations.filter(a => a.stage === stage.stage);
    view.append(html('h3', {}, t('team.allocations')));
    const now = Date.parse(quota.asOf);
    view.append(mine.length === 0 ? html('p', {}, t('team.none')) : table(
      [t('pool'), { label: t('gpus'), num: true }, t('start'), t('end'), { label: `${t('gpuHours')} (EGH)`, num: true }, t('state')],
      mine.map(a => {
        const state = Date.parse(a.end) <= now ? 'past' : Date.parse(a.start) > now ? 'scheduled' : 'running';
        return html('tr', { 'data-allocation': a.id }, html('td', {}, a.pool), html('td', { class: 'num' }, integer(a.gpus)), html('td', {}, date(a.start)),
          html('td', {}, date(a.end)), html('td', { class: 'num' }, hours(a.equivalentGpuHours)), html('td', {}, t(`state.${state}`)));
      }), `allocations-${stage.stage}`));
  }
}

async function burnDown(view, quota, stage) {
  const asOf = Date.parse(quota.asOf);
  // Usage counts against the entitlement inside the window and before the hour of an elimination or withdrawal, as in
  // the ledger (which charges no usage from the hour the end takes effect).
  const until = Math.min(asOf, Date.parse(stage.windowEnd), stage.endedAt ? Math.floor(Date.parse(stage.endedAt) / 3_600_000) * 3_600_000 : Infinity);
  const day = 86_400_000;
  const windowStart = Date.parse(stage.windowStart);
  const windowEnd = Date.parse(stage.windowEnd);
  const labels = [];
  const remaining = [];
  const equal = [];
  const projection = [];
  const iso = ms => new Date(ms).toISOString().replace('.000', '');
  const usage = until > windowStart
    ? (await api(`/api/v1/teams/${quota.team}/usage?granularity=day&from=${iso(windowStart)}&to=${iso(until)}`)).buckets
    : [];
  const cumulative = usage.reduce((sum, b) => sum + b.equivalentGpuHours, 0);
  let used = 0;
  const byDay = new Map(usage.map(b => [Date.parse(b.start), b.equivalentGpuHours]));
  const rate = stage.forecast.burnRate7DaysGpuHoursPerDay;
  const remainingNow = stage.remainingGpuHours;
  for (let at = windowStart; at <= windowEnd; at += day) {
    labels.push(date(at));
    equal.push(stage.entitlementGpuHours * Math.max(0, (windowEnd - at) / (windowEnd - windowStart)));
    if (at <= until) { remaining.push(stage.entitlementGpuHours - used); used += byDay.get(at) ?? 0; } else remaining.push(null);
    projection.push(at >= until ? Math.max(0, remainingNow - (rate * (at - until)) / day) : null);
  }
  view.append(html('h3', {}, t('team.burndown')));
  view.append(legend([[t('team.remainingLine'), 'var(--used)'], [t('team.equalLine'), 'var(--leased)'], [t('team.projection'), 'var(--unused)', true]]));
  view.append(html('div', { 'data-testid': `burndown-${stage.stage}`, 'data-used': cumulative },
    lineChart({
      title: t('team.burndown'), labels, format: hoursShort, width: 860, height: 260,
      series: [
        { name: 'equal', color: 'var(--leased)', values: equal },
        { name: 'remaining', color: 'var(--used)', values: remaining },
        { name: 'projection', color: 'var(--unused)', values: projection, dashed: true },
      ],
    })));
}

// ---------- plan ----------
async function plan(view) {
  const stages = await all('/api/v1/stages');
  if (stages.length === 0) return;
  const stage = stages[stages.length - 1];
  const [allocations, pools, capacity] = await Promise.all([
    all(`/api/v1/allocations?stage=${stage.code}`), all('/api/v1/pools'), api(`/api/v1/stages/${stage.code}/plan/capacity`)]);
  view.append(html('h2', {}, `${t('plan.title')} · ${stage.name}`));
  const teams = [...new Set(allocations.map(a => a.team))].sort();
  const color = team => teamColors[teams.indexOf(team) % teamColors.length];
  view.append(legend(teams.map(team => [team, color(team)])));
  const from = Math.min(...allocations.map(a => Date.parse(a.start)), Date.parse(`${stage.startDate}T00:00:00Z`));
  const to = Math.max(...allocations.map(a => Date.parse(a.end)), Date.parse(`${stage.endDate}T00:00:00Z`));
  const ticks = [];
  for (let d = new Date(from); d.getTime() <= to; d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1))) {
    const first = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    if (first >= from) ticks.push({ at: first, label: month(new Date(first).toISOString().slice(0, 7)) });
  }
  view.append(html('div', { 'data-testid': 'plan-timeline' }, timeline({
    title: t('plan.title'), from, to, ticks,
    // One lane per team on each pool, so that teams sharing a pool at the same time are both visible.
    rows: pools.flatMap(pool => {
      const onPool = allocations.filter(a => a.pool === pool.code);
      const lanes = [...new Set(onPool.map(a => a.team))].sort();
      if (lanes.length === 0) return [{ label: pool.code, bars: [] }];
      return lanes.map((team, lane) => ({
        label: lane === 0 ? pool.code : '',
        bars: onPool.filter(a => a.team === team).map(a => ({
          start: Date.parse(a.start), end: Date.parse(a.end), color: color(a.team), team: a.team, short: `${a.team} ×${a.gpus}`,
          text: `${a.team} · ${a.gpus} ${t('gpus')} · ${date(a.start)} – ${date(a.end)}`,
        })),
      }));
    }),
  })));
  view.append(html('h3', {}, t('plan.capacity')));
  view.append(html('div', { class: 'cards' },
    figure('plan-max-share', t('plan.maxShare'), capacity.maxEqualShareGpuHours, hours),
    figure('plan-entitlement', t('team.entitlement'), capacity.entitlementGpuHours, hours),
    html('div', { class: 'card' }, html('div', { class: 'label' }, t('plan.feasible')), html('div', { class: 'value', 'data-testid': 'plan-feasible' }, capacity.feasible ? t('yes') : t('no'))),
    figure('plan-extra-krw', t('plan.extra'), capacity.extraLeaseKrw, krw)));
  view.append(html('h3', {}, t('plan.whatIf')));
  if (me.role !== 'manager') { view.append(html('p', { class: 'muted' }, t('plan.managersOnly'))); return; }
  const result = html('div', { 'data-testid': 'what-if-result' });
  const form = html('form', { class: 'inline', id: 'what-if', onsubmit: async e => {
    e.preventDefault();
    result.replaceChildren(t('loading'));
    try {
      const preview = await api(`/api/v1/stages/${stage.code}/plan/preview`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ whatIf: { joins: [{ team: form.elements.team.value.trim(), joinDate: form.elements.joinDate.value, kind: 'rechallenge' }] } }) });
      const analysis = preview.capacity;
      result.replaceChildren(html('div', { class: 'cards' },
        figure('what-if-target', t('plan.target'), preview.targetGpuHours, hours),
        html('div', { class: 'card' }, html('div', { class: 'label' }, t('plan.feasible')), html('div', { class: 'value', 'data-testid': 'what-if-feasible' }, analysis.feasible ? t('yes') : t('no'))),
        figure('what-if-extra-krw', t('plan.extra'), analysis.extraLeaseKrw, krw)),
      analysis.extraLeases.length === 0 ? '' : html('div', {}, html('h3', {}, t('plan.extraLeases')), table(
        [t('pool'), { label: t('gpus'), num: true }, t('start'), t('end'), { label: t('krw'), num: true }],
        analysis.extraLeases.map(l => html('tr', {}, html('td', {}, l.pool), html('td', { class: 'num' }, integer(l.gpus)), html('td', {}, date(l.from)),
          html('td', {}, date(l.to)), html('td', { class: 'num' }, krw(l.krw)))), 'what-if-leases')));
    } catch (error) { result.replaceChildren(html('p', { class: 'error', role: 'alert' }, error.message)); }
  } },
  html('div', {}, html('label', { for: 'what-if-team' }, t('plan.whatIfTeam')), html('input', { id: 'what-if-team', name: 'team', required: 'required', pattern: '[a-z0-9][a-z0-9-]*[a-z0-9]' })),
  html('div', {}, html('label', { for: 'what-if-date' }, t('plan.whatIfDate')), html('input', { id: 'what-if-date', name: 'joinDate', type: 'date', required: 'required' })),
  html('button', { type: 'submit', class: 'primary' }, t('plan.whatIfRun')));
  view.append(form, result);
}

// ---------- finance ----------
async function finance(view) {
  const [report, periods] = await Promise.all([api('/api/v1/reports/waste?groupBy=month,cause'), all('/api/v1/periods')]);
  view.append(html('h2', {}, t('finance.title')));
  view.append(html('div', { class: 'cards' },
    figure('finance-leased-krw', t('finance.leased'), report.total.leasedKrw, krw),
    figure('finance-used-krw', t('finance.used'), report.total.usedKrw, krw),
    figure('finance-idle-krw', t('finance.idle'), report.total.idleKrw, krw)));
  // One bar and one table row per month, and one per adjustment a month carries for an earlier, closed month.
  const keyOf = r => (r.adjustmentFor ? `${r.month}/${r.adjustmentFor}` : r.month);
  const labelOf = (key, short) => {
    const [of, forMonth] = key.split('/');
    if (!forMonth) return short ? monthShort(of) : month(of);
    return short ? `${monthShort(of)}*` : `${month(of)} (${t('finance.adjustment')} ${month(forMonth)})`;
  };
  const months = [...new Set(report.rows.map(keyOf))];
  const parts = [
    { name: t('idleUnallocated'), cause: 'idle-unallocated', color: 'var(--unallocated)' },
    { name: t('idleAllocatedUnused'), cause: 'idle-allocated-unused', color: 'var(--unused)' },
  ];
  const idleOf = (key, cause) => report.rows.filter(r => keyOf(r) === key && r.cause === cause).reduce((sum, r) => sum + r.idleKrw, 0);
  view.append(legend(parts.map(p => [p.name, p.color])));
  view.append(html('div', { 'data-testid': 'waste-chart' }, stackedBars({
    title: t('finance.title'), format: krwShort, width: 980,
    bars: months.map(m => ({ label: labelOf(m, true), parts: parts.map(p => ({ name: p.cause, color: p.color, value: idleOf(m, p.cause) })) })),
  })));
  view.append(table([t('month'), { label: t('idleUnallocated'), num: true }, { label: t('idleAllocatedUnused'), num: true }, { label: t('finance.idle'), num: true }],
    months.map(m => {
      const [unallocated, unused] = [idleOf(m, 'idle-unallocated'), idleOf(m, 'idle-allocated-unused')];
      return html('tr', { 'data-month': m }, html('td', {}, labelOf(m, false)), html('td', { class: 'num' }, krw(unallocated)),
        html('td', { class: 'num' }, krw(unused)), html('td', { class: 'num', 'data-value': unallocated + unused }, krw(unallocated + unused)));
    }), 'waste-table'));
  view.append(html('button', { type: 'button', id: 'csv', onclick: async () => {
    const response = await api('/api/v1/reports/waste?groupBy=month,pool,team,cause&format=csv', { raw: true, headers: { Accept: 'text/csv' } });
    const link = html('a', { href: URL.createObjectURL(await response.blob()), download: `waste-${report.from}-${report.to}.csv` });
    document.body.append(link); link.click(); link.remove();
  } }, t('finance.csv')));
  view.append(html('h2', {}, t('finance.closed')));
  view.append(periods.length === 0 ? html('p', {}, t('finance.noClosed')) : table([t('month'), t('finance.closedAt'), t('finance.by')],
    periods.map(p => html('tr', { 'data-period': p.period }, html('td', {}, month(p.period)), html('td', {}, date(p.closedAt)), html('td', {}, p.closedBy ?? ''))), 'periods'));
}

// ---------- shell ----------
const renderers = { programme, team, plan, finance };

async function render() {
  translatePage();
  const signedIn = Boolean(key());
  $('sign-in').hidden = signedIn;
  $('sign-out').hidden = !signedIn;
  $('nav').hidden = !signedIn;
  const view = $('view');
  view.replaceChildren();
  if (!signedIn) { $('who').textContent = ''; view.dataset.rendered = String(++renders); return; }
  try {
    me ??= await api('/api/v1/me');
  } catch (error) {
    sessionStorage.removeItem('nae.key');
    me = null;
    setStatus(t('signIn.bad'), true);
    return render();
  }
  $('who').textContent = `${me.name} · ${t(`role.${me.role}`)}${me.team ? ` · ${me.team}` : ''}`;
  const allowed = views[me.role] ?? [];
  for (const link of document.querySelectorAll('#nav a')) link.hidden = !allowed.includes(link.dataset.view);
  const [, requested, argument] = location.hash.match(/^#\/([a-z]+)(?:\/([a-z0-9-]+))?/) ?? [];
  const name = allowed.includes(requested) ? requested : allowed[0];
  for (const link of document.querySelectorAll('#nav a')) link.toggleAttribute('aria-current', link.dataset.view === name) || link.removeAttribute('aria-current');
  document.querySelector(`#nav a[data-view="${name}"]`)?.setAttribute('aria-current', 'page');
  setStatus(t('loading'));
  view.setAttribute('data-view', name);
  view.setAttribute('aria-busy', 'true');
  try {
    await renderers[name](view, argument);
    setStatus('');
  } catch (error) {
    setStatus(`${t('failed')}${error.message}`, true);
  } finally {
    view.setAttribute('aria-busy', 'false');
    view.dataset.rendered = String(++renders); // tests wait for this, then read what was drawn
  }
}

document.addEventListener('DOMContentLoaded', async () => {
  $('sign-in').addEventListener('submit', event => {
    event.preventDefault();
    sessionStorage.setItem('nae.key', $('key').value.trim());
    $('key').value = '';
    me = null;
    setStatus('');
    render();
  });
  $('sign-out').addEventListener('click', () => { sessionStorage.removeItem('nae.key'); me = null; location.hash = ''; render(); });
  $('language').addEventListener('click', () => { setLanguage(currentLanguage() === 'en' ? 'ko' : 'en'); render(); });
  window.addEventListener('hashchange', render);
  try {
    if (key()) { const stages = await api('/api/v1/stages?limit=1').catch(() => null); setZone(stages?.items?.[0]?.timeZone); }
  } finally { render(); }
});
