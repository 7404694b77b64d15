import { t, hours, hoursShort, integer, krw, percent, date } from '../i18n.js';
import { api, all } from '../api.js';
import { html, figure, table, legend } from '../dom.js';
import { lineChart } from '../charts.js';

export async function programme(view) {
  const [pools, flags] = await Promise.all([all('/api/v1/pools'), all('/api/v1/flags?status=open')]);
  view.append(html('h2', {}, t('programme.title')));
  view.append(legend([[t('leased'), 'var(--leased)'], [t('allocated'), 'var(--allocated)'], [t('used'), 'var(--used)']]));
  const grid = html('div', { class: 'pools' });
  view.append(grid);
  // The pools' series are asked for at once; they are drawn in the pools' order.
  const seriesOfPools = await Promise.all(pools.map(pool => api(`/api/v1/pools/${pool.code}/utilisation?granularity=day`)));
  for (const [index, pool] of pools.entries()) {
    const series = seriesOfPools[index];
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
