// The open incidents beside the overall status, each with an Acknowledge button.
import { post } from './api.js';
import { el, replaceChildren, setText } from './dom.js';
import { badge, timeAgo, timeElement } from './format.js';

export class IncidentList {
  constructor(onChanged) {
    this.onChanged = onChanged;
    this.list = el('ul', { class: 'incident-list' });
    this.message = el('p', { class: 'muted', role: 'status' });
    this.root = el('section', { class: 'incidents', 'aria-labelledby': 'incidents-title' },
      el('h2', { id: 'incidents-title', text: 'Open incidents' }), this.message, this.list);
  }

  /** Shows the incidents of GET /api/incidents?state=open; keeps focus when the same incidents come back. */
  update(incidents, now) {
    const key = JSON.stringify(incidents.map((i) => [i.incidentId, i.acknowledgedAt, i.summary]));
    this.message.classList.remove('error');
    setText(this.message, incidents.length === 0 ? 'None. Every alert rule is satisfied.' : '');
    if (key === this.key) {
      for (const time of this.list.querySelectorAll('time[data-relative]')) {
        setText(time, timeAgo(time.dateTime, now));
      }

      return;
    }

    this.key = key;
    replaceChildren(this.list, incidents.map((incident) => this.item(incident, now)));
  }

  showError(message) {
    this.message.classList.add('error');
    setText(this.message, `Incidents unavailable: ${message}`);
  }

  item(incident, now) {
    const opened = timeElement(incident.openedAt, timeAgo(incident.openedAt, now));
    opened.dataset.relative = 'true';
    const note = el('p', { class: 'tile-note', role: 'status' });
    const ack = incident.acknowledgedAt
      ? el('p', { class: 'muted' }, `Acknowledged by ${incident.acknowledgedBy ?? 'someone'} `,
        timeElement(incident.acknowledgedAt, timeAgo(incident.acknowledgedAt, now)))
      : el('button', { type: 'button', onclick: (event) => this.acknowledge(incident, event.currentTarget, note) },
        'Acknowledge');
    const journal = `#/journal?endpoint=${encodeURIComponent(incident.endpointId)}`;

    return el('li', { class: 'incident', 'data-incident': incident.incidentId },
      el('div', { class: 'incident-head' },
        badge(incident.severity),
        el('a', { href: journal, class: 'incident-endpoint', text: incident.endpointId }),
        el('span', { class: 'muted' }, 'opened ', opened)),
      el('p', { class: 'incident-summary', text: incident.summary }),
      incident.rules?.length ? el('p', { class: 'muted small', text: `Rules: ${incident.rules.join(', ')}` }) : null,
      ack,
      note);
  }

  async acknowledge(incident, button, note) {
    button.disabled = true;
    try {
      await post(`/api/incidents/${encodeURIComponent(incident.incidentId)}/ack`);
      setText(note, 'Acknowledged.');
      this.onChanged();
    } catch (error) {
      button.disabled = false;
      note.classList.add('error');
      setText(note, error.message);
    }
  }
}
