// Movements over time. ECharts (only the parts used) is imported when the chart comes near the
// viewport, so it stays out of the page's initial load.
import { useEffect, useState } from 'react';
import { useT } from '../../app/useT.ts';
import { formatNumber, intlLocale } from '../../app/format.ts';
import type { SeriesPoint } from './api.ts';
import { useNearViewport } from '../../components/useNearViewport.ts';

export function SeriesChart({ points, interval }: { points: SeriesPoint[]; interval: 'day' | 'week' | 'month' }) {
  const { t, locale } = useT();
  const [ref, near] = useNearViewport<HTMLDivElement>();
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    if (!near) return;
    let chart: { dispose(): void; resize(): void; setOption(o: unknown): void } | null = null;
    let alive = true;
    const onResize = () => chart?.resize();
    import('./echarts.ts')
      .then(({ echarts }) => {
        if (!alive || !ref.current) return;
        chart = echarts.init(ref.current, undefined, { renderer: 'svg' });
        const dtf =
          interval === 'month'
            ? new Intl.DateTimeFormat(intlLocale(locale), { month: 'short', year: 'numeric', timeZone: 'UTC' })
            : new Intl.DateTimeFormat(intlLocale(locale), { month: 'short', day: 'numeric', timeZone: 'UTC' });
        const labels = points.map((p) => dtf.format(new Date(p.start + 'T00:00:00Z')));
        const fmt = (v: number) => formatNumber(v, locale);
        chart.setOption({
          textStyle: { fontFamily: 'Vazirmatn, system-ui, sans-serif' },
          tooltip: { trigger: 'axis', valueFormatter: (v: number) => fmt(v) },
          legend: { top: 0 },
          grid: { left: 8, right: 8, bottom: 8, top: 36, containLabel: true },
          xAxis: { type: 'category', data: labels, inverse: locale === 'fa' },
          yAxis: { type: 'value', position: locale === 'fa' ? 'right' : 'left', axisLabel: { formatter: fmt } },
          series: [
            { name: t('flows.dash.inflow'), type: 'bar', stack: 'm', data: points.map((p) => p.inflow), itemStyle: { color: '#0f766e' } },
            { name: t('flows.dash.outflow'), type: 'bar', stack: 'm', data: points.map((p) => p.outflow), itemStyle: { color: '#c2410c' } },
          ],
        });
        window.addEventListener('resize', onResize);
      })
      .catch(() => alive && setFailed(true));
    return () => {
      alive = false;
      window.removeEventListener('resize', onResize);
      chart?.dispose();
    };
  }, [near, points, interval, locale, t]);

  if (failed) return <p className="muted">{t('flows.dash.chartFailed')}</p>;
  return <div ref={ref} dir="ltr" className="flows-chart" role="img" aria-label={t('flows.dash.seriesTitle')} data-testid="flows-chart" />;
}
