// The status board: overall status, open incidents and one tile per endpoint, refreshed every few seconds.
//
// GET /api/status covers every endpoint in one call. The last-hour window and p95 come from one health call per
// endpoint, so those are fetched only for tiles on screen, when their endpoint had activity or at most every
// HEALTH_MAX_AGE_MS, a few at a time. With 200 endpoints a refresh then costs two calls plus the visible tiles.
import { get } from './api.js';
import { el, replaceChildren, setText, uniqueId } from './dom.js';
import { exactTime, formatClock, plural, STATUS } from './format.js';
import { IncidentList } from './incidents.js';
import { EndpointTile } from './tile.js';

const REFRESH_MS = 5000;
const HEALTH_MAX_AGE_MS = 30000;
const HEALTH_PARALLEL = 4;
const HEALTH_PER_ROUND = 24;
const PROBLEM_STATUSES = new Set(['Degraded', 'Down', 'AuthFailed', 'CircuitOpen', 'Silent']);

export function renderBoard(main) {
  const board = new Board(main);
  board.refresh();
  return board;
}

class Board {
  constructor(main) {
    this.tiles = new Map();
    this.visible = new Set();
    this.disposed = false;
    this.observer = new IntersectionObserver((entries) => this.onIntersect(entries), { rootMargin: '200px' });
    this.onVisibility = () => {
      if (!document.hidden) {
        this.refresh();
      }
    };
    document.addEventListener('visibilitychange', this.onVisibility);
    this.build(main);
  }

  build(main) {
    const filterId = uniqueId('filter');
    const showId = uniqueId('show');
    this.overall = el('p', { class: 'overall' });
    this.counts = el('p', { class: 'counts' });
    this.updated = el('p', { class: 'muted small', role: 'status', text: 'Loading the status…' });
    this.error = el('p', { class: 'form-message', role: 'alert', hidden: true });
    this.filter = el('input', { id: filterId, type: 'search', placeholder: 'endpoint id', oninput: () => this.applyFilter() });
    this.show = el('select', { id: showId, onchange: () => this.applyFilter() },
      el('option', { value: 'all', text: 'All endpoints' }),
      el('option', { value: 'problems', text: 'Only those not Healthy or Unknown' }));
    this.shownCount = el('p', { class: 'muted small', 'aria-live': 'polite' });
    this.grid = el('div', { class: 'tiles' });
    this.empty = el('p', { class: 'empty', hidden: true,
      text: 'No endpoints yet. Create one with PUT /api/endpoints/{endpointId}.' });
    this.incidents = new IncidentList(() => this.refresh());

    replaceChildren(main,
      el('div', { class: 'board-top' },
        el('section', { class: 'summary', 'aria-labelledby': 'board-title' },
          el('h1', { id: 'board-title', text: 'Status board' }), this.overall, this.counts, this.updated, this.error),
        this.incidents.root),
      el('section', { class: 'endpoints', 'aria-labelledby': 'endpoints-title' },
        el('div', { class: 'toolbar' },
          el('h2', { id: 'endpoints-title', text: 'Endpoints' }),
          el('div', { class: 'field' }, el('label', { for: filterId, text: 'Filter' }), this.filter),
          el('div', { class: 'field' }, el('label', { for: showId, text: 'Show' }), this.show),
          this.shownCount),
        this.empty,
        this.grid));
  }

  dispose() {
    this.disposed = true;
    clearTimeout(this.timer);
    clearTimeout(this.pumpTimer);
    this.observer.disconnect();
    document.removeEventListener('visibilitychange', this.onVisibility);
  }

  async refresh() {
    clearTimeout(this.timer);
    if (this.disposed) {
      return;
    }

    if (!document.hidden) {
      const [status, incidents] = await Promise.allSettled([get('/api/status'), get('/api/incidents?state=open')]);
      if (this.disposed || [status, incidents].some((r) => r.reason?.kind === 'key-rejected')) {
        return;
      }

      this.applyResults(status, incidents);
    }

    this.timer = setTimeout(() => this.refresh(), REFRESH_MS);
  }

  applyResults(status, incidents) {
    const now = Date.now();
    if (status.status === 'fulfilled') {
      this.error.hidden = true;
      this.applyStatus(status.value, now);
      this.pumpHealth();
    } else {
      this.error.hidden = false;
      setText(this.error, `The status could not be refreshed: ${status.reason.message} The figures below may be old.`);
    }

    if (incidents.status === 'fulfilled') {
      this.incidents.update(incidents.value ?? [], now);
    } else {
      this.incidents.showError(incidents.reason.message);
    }
  }

  applyStatus(view, now) {
    const meta = STATUS[view.overall] ?? STATUS.Unknown;
    replaceChildren(this.overall,
      el('span', { class: 'overall-label', text: 'Overall' }),
      el('span', { class: `badge big tone-${meta.tone}` }, el('span', { 'aria-hidden': 'true', text: meta.symbol }),
        ` ${view.overall}`));
    this.overall.dataset.status = view.overall;
    setText(this.updated, `Updated ${formatClock(view.generatedAt)}; refreshes every ${REFRESH_MS / 1000} s.`);
    this.updated.title = exactTime(view.generatedAt);

    const seen = new Set();
    for (const endpoint of view.endpoints) {
      seen.add(endpoint.endpointId);
      this.tileFor(endpoint.endpointId).updateStatus(endpoint, now);
    }

    for (const [id, tile] of this.tiles) {
      if (!seen.has(id)) {
        this.observer.unobserve(tile.root);
        tile.root.remove();
        this.tiles.delete(id);
        this.visible.delete(tile);
      }
    }

    this.updateCounts(view.endpoints);
    this.applyFilter();
  }

  tileFor(endpointId) {
    let tile = this.tiles.get(endpointId);
    if (!tile) {
      tile = new EndpointTile(endpointId, () => this.refresh());
      this.tiles.set(endpointId, tile);
      const next = [...this.tiles.keys()].sort().find((id) => id > endpointId);
      this.grid.insertBefore(tile.root, next ? this.tiles.get(next).root : null);
      this.observer.observe(tile.root);
    }

    return tile;
  }

  updateCounts(endpoints) {
    const counts = new Map();
    for (const endpoint of endpoints) {
      counts.set(endpoint.status, (counts.get(endpoint.status) ?? 0) + 1);
    }

    const parts = Object.keys(STATUS).filter((s) => counts.has(s)).map((s) => `${counts.get(s)} ${s}`);
    setText(this.counts, endpoints.length === 0 ? '' : `${plural(endpoints.length, 'endpoint')}: ${parts.join(', ')}`);
    this.empty.hidden = endpoints.length > 0;
  }

  applyFilter() {
    const text = this.filter.value.trim().toLowerCase();
    const problemsOnly = this.show.value === 'problems';
    let shown = 0;
    for (const tile of this.tiles.values()) {
      const match = tile.endpointId.includes(text) && (!problemsOnly || PROBLEM_STATUSES.has(tile.status?.status));
      tile.root.hidden = !match;
      shown += match ? 1 : 0;
    }

    setText(this.shownCount, this.tiles.size === 0 ? '' : `Showing ${shown} of ${this.tiles.size}`);
    this.schedulePump();
  }

  onIntersect(entries) {
    for (const entry of entries) {
      const tile = this.tiles.get(entry.target.dataset.endpoint);
      if (tile && entry.isIntersecting) {
        this.visible.add(tile);
      } else if (tile) {
        this.visible.delete(tile);
      }
    }

    this.schedulePump();
  }

  schedulePump() {
    clearTimeout(this.pumpTimer);
    this.pumpTimer = setTimeout(() => this.pumpHealth(), 150);
  }

  /** Fetches health for visible tiles that need it, HEALTH_PARALLEL at a time and HEALTH_PER_ROUND per call. */
  async pumpHealth() {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }

    this.pumping = true;
    const now = Date.now();
    const queue = [...this.visible]
      .filter((tile) => !tile.root.hidden && tile.status && tile.needsHealth(now, HEALTH_MAX_AGE_MS))
      .sort((a, b) => Number(b.healthStale) - Number(a.healthStale) || a.healthAt - b.healthAt)
      .slice(0, HEALTH_PER_ROUND);
    const workers = Array.from({ length: HEALTH_PARALLEL }, () => this.healthWorker(queue));
    await Promise.all(workers);
    this.pumping = false;
    if (this.pumpAgain && !this.disposed) {
      this.pumpAgain = false;
      this.schedulePump();
    }
  }

  async healthWorker(queue) {
    while (queue.length > 0 && !this.disposed) {
      const tile = queue.shift();
      try {
        const health = await get(`/api/endpoints/${encodeURIComponent(tile.endpointId)}/health`);
        tile.updateHealth(health, Date.now());
      } catch (error) {
        // A deleted endpoint drops out at the next status refresh; a lost key or hub stops this round.
        if (error.kind === 'key-rejected' || error.kind === 'unreachable') {
          queue.length = 0;
        }
      }
    }
  }
}
