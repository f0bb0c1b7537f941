import { svg } from './dom.js';

const BAR_WIDTH = 8;
const GAP = 2;
const HEIGHT = 32;
const hourFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/**
 * Draws failures per hour as SVG bars, oldest first, the last bar being the current hour. Each bar has a <title>
 * with its hour and count, and the whole chart an aria-label with the total and the worst hour.
 */
export function failureTrend(failuresPerHour, now = new Date()) {
  const values = failuresPerHour?.length ? failuresPerHour : new Array(24).fill(0);
  const max = Math.max(1, ...values);
  const total = values.reduce((sum, value) => sum + value, 0);
  const width = values.length * (BAR_WIDTH + GAP) - GAP;
  const label = total === 0
    ? `No failures in the last ${values.length} hours`
    : `${total} failures in the last ${values.length} hours, at most ${Math.max(...values)} in one hour`;

  const currentHour = new Date(now);
  currentHour.setMinutes(0, 0, 0);
  const bars = values.map((value, index) => {
    const start = new Date(currentHour.getTime() - (values.length - 1 - index) * 3600_000);
    const height = value === 0 ? 1 : Math.max(3, Math.round((value / max) * HEIGHT));
    return svg('rect', {
      x: index * (BAR_WIDTH + GAP), y: HEIGHT - height, width: BAR_WIDTH, height,
      class: value === 0 ? 'bar-empty' : 'bar-failures',
    }, svg('title', { text: `${hourFormat.format(start)}: ${value} ${value === 1 ? 'failure' : 'failures'}` }));
  });

  return svg('svg', {
    class: 'trend', viewBox: `0 0 ${width} ${HEIGHT}`, width, height: HEIGHT, role: 'img', 'aria-label': label,
    preserveAspectRatio: 'none',
  }, svg('title', { text: label }), bars);
}
