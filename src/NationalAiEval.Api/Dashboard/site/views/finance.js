import { t, krw, krwShort, date, month, monthShort } from '../i18n.js';
import { api, all } from '../api.js';
import { html, figure, table, legend } from '../dom.js';
import { stackedBars } from '../charts.js';

export async function finance(view) {
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
