import { t, hours, integer, krw, date, month } from '../i18n.js';
import { api, all } from '../api.js';
import { html, figure, table, legend } from '../dom.js';
import { timeline } from '../charts.js';

const teamColors = ['#0b57d0', '#1b7f3b', '#c25e00', '#6b4fa3', '#00838f', '#ad1457', '#5d4037', '#455a64'];

export async function plan(view, _argument, me) {
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
