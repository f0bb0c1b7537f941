// One endpoint tile of the status board. The tile is built once and updated in place on every refresh.
import { post } from './api.js';
import { el, setText, uniqueId } from './dom.js';
import { exactTime, formatClock, formatDuration, formatNumber, plural, STATUS, timeAgo } from './format.js';
import { failureTrend } from './trend.js';

export class EndpointTile {
  constructor(endpointId, onChanged) {
    this.endpointId = endpointId;
    this.onChanged = onChanged;
    this.status = null;
    this.health = null;
    this.healthAt = 0;
    this.healthStale = true;
    this.mutedUntil = null;
    this.trendKey = '';
    this.build();
  }

  build() {
    const nameId = uniqueId('tile');
    const journal = `#/journal?endpoint=${encodeURIComponent(this.endpointId)}`;
    this.badgeSymbol = el('span', { 'aria-hidden': 'true' });
    this.badgeWord = el('span', { class: 'status-word' });
    this.badge = el('span', { class: 'badge' }, this.badgeSymbol, ' ', this.badgeWord);
    this.lastSuccess = el('dd');
    this.lastHour = el('dd', { text: '…' });
    this.p95 = el('dd', { text: '…' });
    this.pending = el('dd');
    this.parked = el('dd');
    this.deadLetters = el('dd');
    this.trend = el('div', { class: 'trend-box' });
    this.muteButton = el('button', { type: 'button', onclick: () => this.toggleMute() });
    this.replayButton = el('button', { type: 'button', onclick: () => this.replayDeadLetters() });
    this.note = el('p', { class: 'tile-note', role: 'status' });

    this.root = el('article', { class: 'tile', 'data-endpoint': this.endpointId, 'aria-labelledby': nameId },
      el('header', { class: 'tile-head' },
        el('h3', { id: nameId }, el('a', { href: journal, title: 'Open the journal of this endpoint', text: this.endpointId })),
        this.badge),
      el('dl', { class: 'facts' },
        fact('Last success', this.lastSuccess, 'wide'),
        fact('Last hour', this.lastHour, 'wide'),
        fact('p95', this.p95, null, '95th percentile latency in the last hour'),
        fact('Pending', this.pending),
        fact('Parked', this.parked),
        fact('Dead letters', this.deadLetters)),
      el('figure', { class: 'trend-figure' }, this.trend, el('figcaption', { text: 'Failures per hour, last 24 h' })),
      el('div', { class: 'tile-actions' }, this.muteButton, this.replayButton),
      this.note);
    this.updateMute();
  }

  /** Applies one endpoint of GET /api/status; marks the health stale when the endpoint's activity changed. */
  updateStatus(status, now) {
    const previous = this.status;
    this.status = status;
    if (!previous || previous.status !== status.status || previous.lastExchangeAt !== status.lastExchangeAt) {
      this.healthStale = true;
    }

    const meta = STATUS[status.status] ?? STATUS.Unknown;
    this.root.dataset.status = status.status;
    this.badge.className = `badge tone-${meta.tone}`;
    this.root.className = `tile tone-${meta.tone}`;
    setText(this.badgeSymbol, meta.symbol);
    setText(this.badgeWord, status.status);

    this.updateLastSuccess(status.lastSuccessAt, now);
    this.updateCount(this.pending, status.pending);
    this.updateCount(this.parked, status.parked);
    this.updateCount(this.deadLetters, status.deadLettered);
    this.replayButton.disabled = status.deadLettered === 0;
    setText(this.replayButton, status.deadLettered === 0
      ? 'Replay dead letters'
      : `Replay ${plural(status.deadLettered, 'dead letter')}`);

    const trendKey = `${(status.failuresPerHour ?? []).join(',')}|${new Date(now).getHours()}`;
    if (trendKey !== this.trendKey) {
      this.trendKey = trendKey;
      this.trend.replaceChildren(failureTrend(status.failuresPerHour, new Date(now)));
    }

    this.updateMute(now);
  }

  /** Applies GET /api/endpoints/{id}/health: the last-hour window of the tile. */
  updateHealth(health, now) {
    this.health = health;
    this.healthAt = now;
    this.healthStale = false;
    const hour = health.lastHour;
    setText(this.lastHour, `${plural(hour.exchanges, 'exchange')}, ${formatNumber(hour.failures)} failed`);
    this.lastHour.classList.toggle('attention', hour.failures > 0);
    setText(this.p95, hour.latencyP95Ms === null ? 'no data' : formatDuration(hour.latencyP95Ms));
  }

  needsHealth(now, maxAgeMs) {
    return this.healthStale || now - this.healthAt > maxAgeMs;
  }

  updateLastSuccess(iso, now) {
    if (!iso) {
      setText(this.lastSuccess, 'never');
      this.lastSuccess.removeAttribute('title');
      return;
    }

    let time = this.lastSuccess.querySelector('time');
    if (!time) {
      time = el('time');
      this.lastSuccess.replaceChildren(time);
    }

    time.dateTime = iso;
    time.title = exactTime(iso);
    setText(time, timeAgo(iso, now));
  }

  updateCount(node, value) {
    setText(node, formatNumber(value));
    node.classList.toggle('attention', value > 0);
  }

  updateMute(now = Date.now()) {
    const muted = this.mutedUntil && new Date(this.mutedUntil).getTime() > now;
    setText(this.muteButton, muted ? 'Unmute alerts' : 'Mute alerts 1 h');
    this.muteButton.setAttribute('aria-pressed', muted ? 'true' : 'false');
  }

  async toggleMute() {
    const muted = this.mutedUntil && new Date(this.mutedUntil).getTime() > Date.now();
    await this.act(this.muteButton, async () => {
      const result = await post(`/api/endpoints/${encodeURIComponent(this.endpointId)}/mute`, { duration: muted ? '0s' : '1h' });
      this.mutedUntil = result?.mutedUntil ?? null;
      this.updateMute();
      return this.mutedUntil ? `Alerts muted until ${formatClock(this.mutedUntil)}.` : 'Alerts unmuted.';
    });
  }

  async replayDeadLetters() {
    await this.act(this.replayButton, async () => {
      const result = await post(`/api/endpoints/${encodeURIComponent(this.endpointId)}/dead-letters/replay`);
      this.onChanged();
      return `Replaying ${plural(result?.replaying ?? 0, 'dead letter')}.`;
    });
  }

  async act(button, action) {
    button.disabled = true;
    this.note.classList.remove('error');
    try {
      setText(this.note, await action());
    } catch (error) {
      this.note.classList.add('error');
      setText(this.note, error.message);
    } finally {
      button.disabled = button === this.replayButton && (this.status?.deadLettered ?? 0) === 0;
    }
  }
}

function fact(term, value, extraClass, title) {
  return el('div', { class: extraClass ? `fact ${extraClass}` : 'fact' }, el('dt', { text: term, title }), value);
}
