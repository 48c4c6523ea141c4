// history.js — a user's audit events (GET …/console/users/{id}/history): when, who, the
// operation (its API name, as `roster audit` prints it), and each field's before → after, newest
// first, paged with "Load more". The user page mounts it in its History section;
// render(main, ctx, {userId}) fills main.

import { get, inst } from './api.js';
import { h, replace, errorText, fmtTime, plural } from './ui.js';
import { labelOf } from './user_form.js';

/* A before/after value as text: strings as they are, lists joined, objects as key = value. */
export function valueText(v) {
  if (v === null || v === undefined || v === '') return '(none)';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.length ? v.map(valueText).join(', ') : '(none)';
  if (typeof v === 'object') {
    if (typeof v.Name === 'string') return v.Path || v.Name;
    const entries = Object.entries(v);
    return entries.length ? entries.map(([k, x]) => `${k} = ${valueText(x)}`).join('; ') : '(none)';
  }
  return String(v);
}

function eventItem(ev) {
  const changes = Array.isArray(ev.Changes) ? ev.Changes : [];
  const when = h('time', { datetime: new Date((ev.Time || 0) * 1000).toISOString() }, fmtTime(ev.Time));
  return h('li', { class: 'event' },
    h('p', { class: 'event-head' }, when, ' · ', h('strong', { class: 'operation' }, ev.Operation || 'Change'),
      ' by ', h('span', { class: 'actor' }, ev.Actor || 'unknown')),
    changes.length
      ? h('ul', { class: 'changes' }, changes.map((c) => h('li', null,
        h('span', { class: 'change-field' }, labelOf(c.Field) || c.Field || 'Value'), ': ',
        h('span', { class: 'before' }, valueText(c.Before)),
        h('span', { 'aria-hidden': 'true' }, ' → '), h('span', { class: 'visually-hidden' }, ' changed to '),
        h('span', { class: 'after' }, valueText(c.After)))))
      : null);
}

export function render(main, ctx, params) {
  const userId = params && (params.userId || params.id);
  const list = h('ol', { class: 'history' });
  const status = h('p', { class: 'hint', role: 'status' }, 'Loading the history…');
  const more = h('button', { type: 'button', hidden: true }, 'Load more');
  let token = null;
  let shown = 0;
  const load = async () => {
    more.disabled = true;
    try {
      const res = await get(inst(`/console/users/${encodeURIComponent(userId)}/history`), { NextToken: token });
      const events = Array.isArray(res.Events) ? res.Events : [];
      events.forEach((ev) => list.append(eventItem(ev)));
      shown += events.length;
      token = res.NextToken || null;
      more.hidden = !token;
      status.textContent = shown === 0 ? 'No change has been recorded for this user.'
        : `${plural(shown, 'event')} shown${token ? ', newest first' : ': the whole history'}`;
    } catch (err) {
      status.textContent = `The history could not be loaded: ${errorText(err)}`;
      more.hidden = false;
    }
    more.disabled = false;
  };
  more.addEventListener('click', load);
  replace(main, list, status, more);
  return load();
}
