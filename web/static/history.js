// history.js — a user's audit events (GET …/console/users/{id}/history): when, who, the
// operation (its API name, as `roster audit` prints it), and each field's before → after, newest
// first, paged with "Load more". The user page mounts it in its History section;
// render(main, ctx, {userId}) fills main.

import { get, inst } from './api.js';
import { h, replace, errorText, fmtTime, plural } from './ui.js';
import { labelOf } from './user_form.js';

/* Fields of the audit trail left out: the record's version counter says nothing to a person. */
const HIDDEN = new Set(['Version']);

const CHANNEL_FIELDS = {
  PhoneType: 'Phone type', DeskPhoneNumber: 'Desk phone number', AutoAccept: 'Auto-accept',
  AfterContactWorkTimeLimit: 'ACW timeout', PersistentConnection: 'Persistent connection',
  VoiceEnhancementMode: 'Voice enhancement',
};
const VOICE_LABELS = {
  PhoneType: 'Phone type', DeskPhoneNumber: 'Desk phone number', AutoAccept: 'Auto-accept calls',
  AfterContactWorkTimeLimit: 'After contact work (ACW) timeout',
};
const WORDS = { SOFT_PHONE: 'Soft phone', DESK_PHONE: 'Desk phone' };

/* The words for an audit Field: the form's label ('IdentityInfo.Email' -> 'Email address'), a
 * channel's setting ('Channels.CHAT.AutoAccept' -> 'Auto-accept (chat)'), a tag ('Tags.team' ->
 * 'Tag "team"'), else the Field itself. */
export function fieldWords(f) {
  const name = String(f || '');
  const ch = /^Channels\.([A-Z_]+)\.(\w+)$/.exec(name);
  if (ch) {
    if (ch[1] === 'VOICE' && VOICE_LABELS[ch[2]]) return VOICE_LABELS[ch[2]];
    return `${CHANNEL_FIELDS[ch[2]] || ch[2]} (${ch[1].toLowerCase()})`;
  }
  const tag = /^Tags\.(.+)$/.exec(name);
  if (tag) return `Tag "${tag[1]}"`;
  if (name === 'ExternallyManaged') return 'Managed by identity provider';
  return labelOf(name) || name || 'Value';
}

/* Names of the catalog's ids (routing and security profiles, hierarchy groups), so a change of
 * RoutingProfileId reads "Sales", not an id. */
function namesOf(catalog) {
  const names = new Map();
  if (!catalog) return names;
  for (const r of catalog.RoutingProfiles || []) names.set(r.Id, r.Name);
  for (const p of catalog.SecurityProfiles || []) names.set(p.Id, p.Name);
  for (const g of catalog.HierarchyGroups || []) names.set(g.Id, g.Path || g.Name);
  return names;
}

/* A before/after value as text: strings as they are (a known id as its name), lists joined,
 * objects as key = value. */
export function valueText(v, names = new Map()) {
  if (v === null || v === undefined || v === '') return '(none)';
  if (typeof v === 'string') return names.get(v) || WORDS[v] || v;
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.length ? v.map((x) => valueText(x, names)).join(', ') : '(none)';
  if (typeof v === 'object') {
    if (typeof v.Name === 'string') return v.Path || v.Name;
    const entries = Object.entries(v);
    return entries.length ? entries.map(([k, x]) => `${k} = ${valueText(x, names)}`).join('; ') : '(none)';
  }
  return String(v);
}

function eventItem(ev, names) {
  const changes = (Array.isArray(ev.Changes) ? ev.Changes : []).filter((c) => !HIDDEN.has(c.Field));
  const when = h('time', { datetime: new Date((ev.Time || 0) * 1000).toISOString() }, fmtTime(ev.Time));
  return h('li', { class: 'event' },
    h('p', { class: 'event-head' }, when, ' · ', h('strong', { class: 'operation' }, ev.Operation || 'Change'),
      ' by ', h('span', { class: 'actor' }, ev.Actor || 'unknown')),
    changes.length
      ? h('ul', { class: 'changes' }, changes.map((c) => h('li', null,
        h('span', { class: 'change-field' }, fieldWords(c.Field)), ': ',
        h('span', { class: 'before' }, valueText(c.Before, names)),
        h('span', { 'aria-hidden': 'true' }, ' → '), h('span', { class: 'visually-hidden' }, ' changed to '),
        h('span', { class: 'after' }, valueText(c.After, names)))))
      : null);
}

export function render(main, ctx, params) {
  const userId = params && (params.userId || params.id);
  const list = h('ol', { class: 'history' });
  const status = h('p', { class: 'hint', role: 'status' }, 'Loading the history…');
  const more = h('button', { type: 'button', hidden: true }, 'Load more');
  const names = namesOf(ctx && ctx.catalog);
  let token = null;
  let shown = 0;
  const load = async () => {
    more.disabled = true;
    try {
      const res = await get(inst(`/console/users/${encodeURIComponent(userId)}/history`), { NextToken: token });
      const events = Array.isArray(res.Events) ? res.Events : [];
      events.forEach((ev) => list.append(eventItem(ev, names)));
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
