// bulk_edit.js — #/bulk-edit: "Editing N users" (the selection the list or the banner left in
// sessionStorage: {"UserIds": […]} or {"Filter": {…}}, plus Total). Sections, each applied only
// when its "Change …" box is ticked (ticked by itself when its field changes): security
// profiles (replace, add, remove), routing profile, phone type, auto-accept, ACW timeout, agent
// hierarchy, tags. Page-through editing: Previous user / Next user step through the selected
// users, one at a time from the server, to change each one's contact details. Save submits the
// changes as one batch (POST …/bulk-edits) and the contact details as one batch
// (POST …/user-edits), then returns to the list at once: the banner shows the batches.
import * as api from './api.js';
import {
  h, replace, heading, field, fieldset, errorBox, showError, clearErrors, setFieldError, fmt, plural,
  errorText, nextId, BULK_KEY, announce,
} from './ui.js';
import { forgetSelection } from './list.js';

const PAGE = 100;            /* ids fetched at a time for a Filter selection */
const MAX_EDITS = 10000;     /* the server's bound on one user-edits batch */
const CONTACT = [
  { key: 'FirstName', label: 'First name', type: 'text', max: 100 },
  { key: 'LastName', label: 'Last name', type: 'text', max: 100 },
  { key: 'Email', label: 'Email address', type: 'email', max: 256 },
  { key: 'SecondaryEmail', label: 'Secondary email address', type: 'email', max: 256 },
  { key: 'Mobile', label: 'Mobile', type: 'tel', max: 20, hint: 'E.164, e.g. +14155550100' },
];

function readSelection() {
  try {
    const s = JSON.parse(sessionStorage.getItem(BULK_KEY) || 'null');
    if (s && Array.isArray(s.UserIds) && s.UserIds.length) return { UserIds: s.UserIds.filter((x) => typeof x === 'string'), Total: s.UserIds.length, Back: s.Back };
    if (s && s.Filter && typeof s.Filter === 'object') return { Filter: s.Filter, Total: Number(s.Total) || 0, Back: s.Back };
  } catch {
    /* a damaged entry is no selection */
  }
  return null;
}

export function render(main, ctx) {
  const sel = readSelection();
  const catalog = ctx.catalog || {};
  const back = sel && typeof sel.Back === 'string' && sel.Back.startsWith('#/users') ? sel.Back : '#/users';
  if (!sel || sel.Total === 0) {
    main.append(heading('Bulk edit'),
      h('p', { class: 'notice' }, 'No user is selected. Choose users in ', h('a', { href: '#/users' }, 'User management'), ', then Edit.'));
    return;
  }
  const total = sel.Total;
  const parts = [];

  /* ---- one section: its apply box and its fields ---- */
  function part(title, name, body, read, applyLabel) {
    const apply = h('input', { type: 'checkbox', id: nextId('apply') });
    /* no accessible name of its own: it would compete with its field's label */
    const sec = h('div', { class: 'part' },
      h('div', { class: 'apply field field-check' }, apply, h('label', { for: apply.id }, applyLabel || `Change ${title.toLowerCase()}`)),
      h('div', { class: 'part-body', dataset: { field: name } }, body,
        h('p', { class: 'field-error', hidden: true })));
    sec.addEventListener('input', (ev) => { if (ev.target !== apply) apply.checked = true; });
    sec.addEventListener('change', (ev) => { if (ev.target !== apply) apply.checked = true; });
    parts.push({ apply, name, read });
    return sec;
  }

  const options = (items, label) => items.map((x) => h('option', { value: x.Id }, label(x)));

  /* security profiles */
  const spMode = nextId('spmode');
  const radios = [['Set', 'Replace'], ['Add', 'Add'], ['Remove', 'Remove']].map(([v, l], i) => {
    const r = h('input', { type: 'radio', name: spMode, value: v, checked: i === 0, id: nextId('r') });
    return h('span', { class: 'field-check field' }, r, h('label', { for: r.id }, l));
  });
  const spSelect = h('select', { multiple: true, size: String(Math.min(8, Math.max(3, (catalog.SecurityProfiles || []).length))) },
    options(catalog.SecurityProfiles || [], (x) => x.Name));
  const secProfiles = part('Security profiles', 'Changes.SecurityProfiles', [
    fieldset({ legend: 'How', children: h('div', { class: 'radios' }, radios) }),
    field({ label: 'Security profiles', input: spSelect, hint: 'Ctrl or ⌘ + click to choose several; at most 10' }),
  ], (c) => {
    const ids = [...spSelect.selectedOptions].map((o) => o.value);
    if (!ids.length) throw fieldErr('Changes.SecurityProfiles', 'Choose at least one security profile');
    const mode = main.querySelector(`input[name="${spMode}"]:checked`).value;
    c.SecurityProfiles = { [mode]: ids };
  });

  /* routing profile */
  const rpSelect = h('select', null, h('option', { value: '' }, 'Choose a routing profile'),
    options(catalog.RoutingProfiles || [], (x) => x.Name));
  const routing = part('Routing profile', 'Changes.RoutingProfileId',
    field({ label: 'Routing profile', input: rpSelect }), (c) => {
      if (!rpSelect.value) throw fieldErr('Changes.RoutingProfileId', 'Choose a routing profile');
      c.RoutingProfileId = rpSelect.value;
    });

  /* phone type */
  const ptName = nextId('pt');
  const soft = h('input', { type: 'radio', name: ptName, value: 'SOFT_PHONE', id: nextId('r'), checked: true });
  const desk = h('input', { type: 'radio', name: ptName, value: 'DESK_PHONE', id: nextId('r') });
  const deskNumber = h('input', { type: 'tel', maxLength: 20, autocomplete: 'off' });
  const deskField = field({ label: 'Desk phone number', input: deskNumber, name: 'Changes.DeskPhoneNumber',
    hint: 'E.164, e.g. +14155550100; leave empty to keep each user’s own number' });
  const syncDesk = () => { deskField.hidden = !desk.checked; };
  soft.addEventListener('change', syncDesk);
  desk.addEventListener('change', syncDesk);
  syncDesk();
  const phone = part('Phone type', 'Changes.PhoneType', [
    fieldset({ legend: 'Phone type', children: h('div', { class: 'radios' },
      h('span', { class: 'field field-check' }, soft, h('label', { for: soft.id }, 'Soft phone')),
      h('span', { class: 'field field-check' }, desk, h('label', { for: desk.id }, 'Desk phone'))) }),
    deskField,
  ], (c) => {
    c.PhoneType = desk.checked ? 'DESK_PHONE' : 'SOFT_PHONE';
    if (desk.checked && deskNumber.value.trim()) c.DeskPhoneNumber = deskNumber.value.trim();
  });

  /* auto-accept */
  const auto = h('input', { type: 'checkbox' });
  const autoPart = part('Auto-accept', 'Changes.AutoAccept',
    field({ label: 'Auto-accept calls', input: auto, hint: 'Ticked: calls are accepted by themselves; not ticked: they are not' }),
    (c) => { c.AutoAccept = auto.checked; });

  /* ACW */
  const acw = h('input', { type: 'number', min: '0', max: '2000000', step: '1', inputMode: 'numeric' });
  const acwPart = part('ACW timeout', 'Changes.AfterContactWorkTimeLimit',
    field({ label: 'After contact work (ACW) timeout', input: acw, hint: 'Seconds, 0 to 2,000,000 (0: no limit)' }),
    (c) => {
      const v = acw.value.trim();
      if (!/^\d{1,7}$/.test(v) || Number(v) > 2000000) throw fieldErr('Changes.AfterContactWorkTimeLimit', 'Enter a number of seconds from 0 to 2,000,000');
      c.AfterContactWorkTimeLimit = Number(v);
    }, 'Change ACW timeout');

  /* hierarchy */
  const hgSelect = h('select', null, h('option', { value: '' }, 'None (out of the hierarchy)'),
    options(catalog.HierarchyGroups || [], (x) => x.Path || x.Name));
  const hier = part('Agent hierarchy', 'Changes.HierarchyGroupId',
    field({ label: 'Agent hierarchy', input: hgSelect }), (c) => { c.HierarchyGroupId = hgSelect.value || null; });

  /* tags */
  const tagRows = h('div', { class: 'tag-rows' });
  const addTagRow = (focus) => {
    const k = h('input', { type: 'text', maxLength: 128, autocomplete: 'off' });
    const v = h('input', { type: 'text', maxLength: 256, autocomplete: 'off' });
    const row = h('div', { class: 'tag-row' },
      field({ label: 'Tag key', input: k }), field({ label: 'Tag value', input: v }));
    row.append(h('button', { type: 'button', class: 'small', 'aria-label': 'Remove this tag row', onclick: () => { row.remove(); } }, 'Remove row'));
    tagRows.append(row);
    if (focus) k.focus();
  };
  addTagRow(false);
  const untag = h('input', { type: 'text', maxLength: 2000, autocomplete: 'off' });
  const tags = part('Tags', 'Changes.Tags', fieldset({ legend: 'Tags', children: [
    h('p', { class: 'hint' }, 'Tags to add or change (key = value):'),
    tagRows,
    h('button', { type: 'button', class: 'small', onclick: () => addTagRow(true) }, 'Add another tag'),
    field({ label: 'Tag keys to remove', input: untag, hint: 'Keys separated by commas' }),
  ] }), (c) => {
    const add = {};
    for (const row of tagRows.querySelectorAll('.tag-row')) {
      const [k, v] = row.querySelectorAll('input');
      if (!k.value.trim() && !v.value) continue;
      if (!k.value.trim()) throw fieldErr('Changes.Tags', 'A tag to add needs a key');
      add[k.value.trim()] = v.value;
    }
    const remove = untag.value.split(',').map((x) => x.trim()).filter(Boolean);
    if (!Object.keys(add).length && !remove.length) throw fieldErr('Changes.Tags', 'Name a tag to add or a key to remove');
    c.Tags = {};
    if (Object.keys(add).length) c.Tags.Add = add;
    if (remove.length) c.Tags.Remove = remove;
  });

  /* ---- page-through editing of contact details ---- */
  const edits = new Map();     /* UserId -> {username, IdentityInfo: {changed members}} */
  const idPages = new Map();   /* page -> [ids] for a Filter selection */
  let index = 0;
  let shown = null;            /* {id, username, info (as loaded), managed} */
  let loadSeq = 0;
  const personTitle = h('h2', { id: nextId('person') }, 'Contact details, user by user');
  const position = h('p', { class: 'position', 'aria-live': 'polite' });
  const inputs = {};
  const contactFields = CONTACT.map((c) => {
    const i = h('input', { type: c.type, maxLength: c.max, autocomplete: 'off', disabled: true });
    inputs[c.key] = i;
    return field({ label: c.label, input: i, name: `IdentityInfo.${c.key}`, hint: c.hint });
  });
  const personNote = h('p', { class: 'notice', hidden: true });
  const prevUser = h('button', { type: 'button', onclick: () => step(-1) }, 'Previous user');
  const nextUser = h('button', { type: 'button', onclick: () => step(1) }, 'Next user');
  const editedList = h('p', { class: 'edited', 'aria-live': 'polite' });
  const person = h('section', { class: 'person', 'aria-labelledby': personTitle.id },
    personTitle,
    h('div', { class: 'person-nav' }, prevUser, position, nextUser),
    personNote, contactFields, editedList);

  async function idAt(i) {
    if (sel.UserIds) return sel.UserIds[i];
    const page = Math.floor(i / PAGE);
    if (!idPages.has(page)) {
      const r = await api.get(api.inst('/console/users'), { ...sel.Filter, Offset: page * PAGE, MaxResults: PAGE });
      idPages.set(page, (r.Users || []).map((u) => u.Id));
    }
    return idPages.get(page)[i % PAGE];
  }

  /* Keeps what the form shows of the current user as an edit (the members that differ). */
  function keep() {
    if (!shown || shown.managed) return;
    const changed = {};
    for (const c of CONTACT) {
      const v = inputs[c.key].value.trim();
      if (v !== (shown.info[c.key] || '')) changed[c.key] = v;
    }
    if (Object.keys(changed).length) edits.set(shown.id, { username: shown.username, IdentityInfo: changed });
    else edits.delete(shown.id);
    drawEdited();
  }

  function drawEdited() {
    if (!edits.size) { editedList.textContent = 'No contact details changed yet.'; return; }
    const names = [...edits.values()].map((e) => e.username);
    editedList.textContent = `Contact details changed for ${plural(edits.size, 'user')}: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}`;
  }

  async function show(i) {
    const mine = ++loadSeq;
    index = i;
    prevUser.disabled = i <= 0;
    nextUser.disabled = i >= total - 1;
    position.textContent = `User ${fmt(i + 1)} of ${fmt(total)}: loading…`;
    Object.values(inputs).forEach((x) => { x.disabled = true; });
    clearErrors(person);
    personNote.hidden = true;
    let user;
    try {
      const id = await idAt(i);
      if (!id) throw new api.ApiError({ message: 'This user is no longer in the selection (deleted or changed meanwhile)' });
      user = (await api.get(api.inst(`/console/users/${encodeURIComponent(id)}`))).User;
    } catch (err) {
      if (mine !== loadSeq || !api.session()) return;
      shown = null;
      position.textContent = `User ${fmt(i + 1)} of ${fmt(total)}`;
      personNote.textContent = `This user could not be read: ${errorText(err)}`;
      personNote.hidden = false;
      return;
    }
    if (mine !== loadSeq) return;
    const info = user.IdentityInfo || {};
    shown = { id: user.Id, username: user.Username, info, managed: !!user.ExternallyManaged };
    const pending = edits.get(user.Id);
    for (const c of CONTACT) {
      inputs[c.key].value = pending && c.key in pending.IdentityInfo ? pending.IdentityInfo[c.key] : (info[c.key] || '');
      inputs[c.key].disabled = shown.managed;
    }
    position.textContent = `User ${fmt(i + 1)} of ${fmt(total)}: ${user.Username}`;
    if (shown.managed) {
      personNote.textContent = 'Managed by identity provider: this user’s details cannot be changed here.';
      personNote.hidden = false;
    }
  }

  function step(d) {
    keep();
    const focusBtn = d < 0 ? prevUser : nextUser;
    show(Math.max(0, Math.min(total - 1, index + d))).then(() => {
      if (focusBtn.disabled) (d < 0 ? nextUser : prevUser).focus();
    });
  }

  /* ---- save ---- */
  const box = errorBox();
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save');
  const form = h('form', { novalidate: true, class: 'bulk' },
    secProfiles, routing, phone, autoPart, acwPart, hier, tags, person, box,
    h('div', { class: 'actions' }, save, h('a', { href: back, class: 'button' }, 'Cancel')));

  function fieldErr(name, message) {
    const e = new api.ApiError({ status: 400, message, field: name });
    return e;
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    keep();
    const changes = {};
    try {
      for (const p of parts) if (p.apply.checked) p.read(changes);
    } catch (err) {
      showError(form, box, err);
      return;
    }
    const hasChanges = Object.keys(changes).length > 0;
    if (!hasChanges && !edits.size) {
      box.textContent = 'Nothing to save: tick a change above, or change a user’s contact details.';
      box.hidden = false;
      return;
    }
    if (edits.size > MAX_EDITS) {
      box.textContent = `At most ${fmt(MAX_EDITS)} users’ contact details go in one batch; save these and go on.`;
      box.hidden = false;
      return;
    }
    save.disabled = true;
    const submitted = [];
    try {
      if (hasChanges) {
        const Selection = sel.UserIds ? { UserIds: sel.UserIds } : { Filter: sel.Filter };
        await api.post(api.inst('/bulk-edits'), { Selection, Changes: changes });
        submitted.push(`a bulk edit of ${plural(total, 'user')}`);
      }
      if (edits.size) {
        const Edits = [...edits.entries()].map(([UserId, e]) => ({ UserId, IdentityInfo: e.IdentityInfo }));
        try {
          await api.post(api.inst('/user-edits'), { Edits });
        } catch (err) {
          throw Object.assign(err, { edits: Edits });
        }
        submitted.push(`contact details of ${plural(edits.size, 'user')}`);
      }
    } catch (err) {
      save.disabled = false;
      if (!api.session()) return;
      if (submitted.length) {
        ctx.banner.refresh();
        /* the bulk edit went: only the contact details remain to save */
        parts.forEach((p) => { p.apply.checked = false; });
      }
      if (err.edits && err.field) {
        const m = /^Edits\[(\d+)\]\.(.*)$/.exec(err.field);
        const bad = m && err.edits[Number(m[1])];
        const who = bad ? (edits.get(bad.UserId) || {}).username : null;
        if (bad && shown && shown.id === bad.UserId) setFieldError(person, m[2], err.message);
        box.textContent = `${submitted.length ? `Submitted ${submitted.join(' and ')}; but the ` : 'The '}contact details were not saved: ${who ? `${who}: ` : ''}${errorText(err)}`;
        box.hidden = false;
        return;
      }
      showError(form, box, err);
      if (submitted.length) box.textContent = `Submitted ${submitted.join(' and ')}; but: ${box.textContent}`;
      return;
    }
    sessionStorage.removeItem(BULK_KEY);
    forgetSelection();
    ctx.banner.refresh();
    announce(`Submitted ${submitted.join(' and ')}; the banner shows the progress`);
    ctx.navigate(back);
  });

  main.append(heading('Bulk edit'),
    h('p', { class: 'lead' }, `Editing ${plural(total, 'user')}`,
      sel.Filter ? ' (every user that matches the list’s search and filters)' : ''),
    form);
  drawEdited();
  show(0);
}
