import { t, hours, hoursShort, integer, date } from '../i18n.js';
import { api, all } from '../api.js';
import { html, figure, table, legend } from '../dom.js';
import { lineChart } from '../charts.js';

export async function team(view, requested, me) {
  // A team key sees its own team whatever the address asks; others choose any team (the first one by default).
  let code = me.role === 'team' ? me.team : requested;
  if (me.role !== 'team') {
    const teams = await all('/api/v1/teams');
    code ??= teams[0]?.code;
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
