// user_form.js — the fields of one user, shared by the add form (create_user.js) and the user
// page's Edit (user_page.js): building them with the labels, reading them into the
// server's body (CreateUser's members, or only the changed members of an edit), a review list
// of the values, and the server's field errors shown beside the field they name.

import { get, inst } from './api.js';
import { h, field, fieldset, nextId, setFieldError, clearErrors, errorText } from './ui.js';

/* The server's Field (lower case) -> the label of its control. A Field that names a member of
 * one of these (PhoneConfig.AutoAccept) or an entry of it (Tags.x, SecurityProfileIds[2]) is
 * found through the longest prefix (ui.js setFieldError). */
const LABELS = {
  'identityinfo.firstname': 'First name',
  'identityinfo.lastname': 'Last name',
  'identityinfo.email': 'Email address',
  'identityinfo.secondaryemail': 'Secondary email address',
  'identityinfo.mobile': 'Mobile',
  username: 'Username',
  password: 'Password',
  passwordtemporary: 'Require a new password at first sign-in',
  securityprofileids: 'Security profiles',
  routingprofileid: 'Routing profile',
  hierarchygroupid: 'Agent hierarchy',
  'phoneconfig.phonetype': 'Phone type',
  'phoneconfig.deskphonenumber': 'Desk phone number',
  'phoneconfig.autoaccept': 'Auto-accept calls',
  'phoneconfig.aftercontactworktimelimit': 'After contact work (ACW) timeout',
  tags: 'Tags',
};

/* The data-field names the controls carry (the server's spelling). */
const NAMES = {
  'identityinfo.firstname': 'IdentityInfo.FirstName',
  'identityinfo.lastname': 'IdentityInfo.LastName',
  'identityinfo.email': 'IdentityInfo.Email',
  'identityinfo.secondaryemail': 'IdentityInfo.SecondaryEmail',
  'identityinfo.mobile': 'IdentityInfo.Mobile',
  username: 'Username',
  password: 'Password',
  passwordtemporary: 'PasswordTemporary',
  securityprofileids: 'SecurityProfileIds',
  routingprofileid: 'RoutingProfileId',
  hierarchygroupid: 'HierarchyGroupId',
  'phoneconfig.phonetype': 'PhoneConfig.PhoneType',
  'phoneconfig.deskphonenumber': 'PhoneConfig.DeskPhoneNumber',
  'phoneconfig.autoaccept': 'PhoneConfig.AutoAccept',
  'phoneconfig.aftercontactworktimelimit': 'PhoneConfig.AfterContactWorkTimeLimit',
  tags: 'Tags',
};

export const ROLES = ['Agent', 'Supervisor', 'Manager'];

/** The key of LABELS/NAMES for a server Field ('Tags[3].Key' -> 'tags'), or null. */
function fieldKey(serverField) {
  if (!serverField) return null;
  let f = String(serverField).toLowerCase();
  while (f) {
    if (LABELS[f]) return f;
    const cut = Math.max(f.lastIndexOf('.'), f.lastIndexOf('['));
    if (cut <= 0) break;
    f = f.slice(0, cut);
  }
  return null;
}

/** The label of the control a server Field names ('IdentityInfo.Email' -> 'Email address'), or null. */
export function labelOf(serverField) {
  const k = fieldKey(serverField);
  return k ? LABELS[k] : null;
}

/** A server message with its field's wire name put in words: "IdentityInfo.FirstName is
 * required" -> "First name is required". */
export function messageInWords(err) {
  const text = errorText(err);
  const label = err && err.field ? labelOf(err.field) : null;
  if (!label) return text;
  return text.split(err.field).join(label);
}

/** The instance's catalog (ctx.catalog when the shell loaded it; else, or when the shell's load
 * failed (Unavailable), fetched now and kept there). Rejects with the ApiError. */
export async function catalogOf(ctx) {
  if (!ctx.catalog || ctx.catalog.Unavailable) ctx.catalog = await get(inst('/console'));
  return ctx.catalog;
}

function option(value, text, selected) {
  return h('option', { value, selected: !!selected }, text);
}

/* A checkbox input. */
function checkbox(checked) {
  return h('input', { type: 'checkbox', checked: !!checked });
}

/**
 * Builds the fields of a user. opts: {mode: 'create' | 'edit', user (the console document, for
 * edit), catalog, canEditProfiles (edit: Users.EditPermission)}. Returns {node (a div of the
 * fields), read() -> {body, error} (error: {field, message} when a value cannot be sent),
 * review() -> [[label, text]…], showError(err) -> true when shown beside a field (and focused),
 * clear()}.
 */
export function userFields({ mode, user, catalog, canEditProfiles = true, editable = null }) {
  const creating = mode === 'create';
  const idm = (catalog.Instance && catalog.Instance.IdentityManagementType) || 'CONNECT_MANAGED';
  const saml = idm === 'SAML';
  const u = user || {};
  const id = u.IdentityInfo || {};
  const phone = u.PhoneConfig || {};
  const c = {}; /* the controls */

  const text = (value, extra) => h('input', { type: 'text', value: value || '', autocomplete: 'off', ...extra });
  c.first = text(id.FirstName, { maxLength: 100 });
  c.last = text(id.LastName, { maxLength: 100 });
  c.email = text(id.Email, { inputMode: 'email' });
  c.email2 = text(id.SecondaryEmail, { inputMode: 'email' });
  c.mobile = text(id.Mobile, { type: 'tel', placeholder: '+15550100' });

  const identity = [
    field({ label: 'First name', input: c.first, name: NAMES['identityinfo.firstname'] }),
    field({ label: 'Last name', input: c.last, name: NAMES['identityinfo.lastname'] }),
    saml ? null : field({ label: 'Email address', input: c.email, name: NAMES['identityinfo.email'] }),
    field({ label: 'Secondary email address', input: c.email2, name: NAMES['identityinfo.secondaryemail'] }),
    field({ label: 'Mobile', input: c.mobile, name: NAMES['identityinfo.mobile'], hint: 'With + and the country code, e.g. +15550100' }),
  ];

  const account = [];
  if (creating) {
    c.username = text('', { autocomplete: 'off', maxLength: 100 });
    account.push(field({ label: 'Username', input: c.username, name: 'Username' }));
    if (!saml) {
      c.password = h('input', { type: 'password', autocomplete: 'new-password', value: '' });
      account.push(field({ label: 'Password', input: c.password, name: 'Password', hint: catalog.PasswordPolicy || '' }));
      c.temporary = checkbox(true);
      account.push(field({ label: 'Require a new password at first sign-in', input: c.temporary, name: 'PasswordTemporary' }));
    }
  }

  /* Role and security profiles: a role pre-selects the profiles mapped to it; they stay editable. */
  const profiles = catalog.SecurityProfiles || [];
  const roleProfiles = catalog.RoleProfiles || {};
  const initialIds = creating ? (roleProfiles.Agent || []) : (u.SecurityProfiles || []).map((p) => p.Id);
  c.role = h('select', { disabled: !creating && !canEditProfiles },
    ROLES.map((r) => option(r, r, r === (creating ? 'Agent' : u.Role))));
  c.profiles = h('select', { multiple: true, size: Math.min(Math.max(profiles.length, 3), 8), disabled: !creating && !canEditProfiles },
    profiles.map((p) => option(p.Id, p.Name, initialIds.includes(p.Id))));
  c.role.addEventListener('change', () => {
    const ids = roleProfiles[c.role.value] || [];
    for (const o of c.profiles.options) o.selected = ids.includes(o.value);
  });
  const roleHint = editable ? 'Set by your identity provider.'
    : !creating && !canEditProfiles ? 'You may not change security profiles.'
    : 'Choosing a role selects its security profiles; change them as you need.';
  const access = [
    field({ label: 'Role', input: c.role, name: 'Role', hint: roleHint }),
    field({ label: 'Security profiles', input: c.profiles, name: 'SecurityProfileIds', hint: 'One to ten. Ctrl or ⌘ and click, or Space with the arrow keys, to pick several.' }),
  ];

  const routing = catalog.RoutingProfiles || [];
  const currentRp = u.RoutingProfile ? u.RoutingProfile.Id : '';
  c.routing = h('select', null,
    creating ? option('', 'Choose a routing profile', !currentRp) : null,
    routing.map((r) => option(r.Id, r.Name, r.Id === currentRp)));
  const groups = catalog.HierarchyGroups || [];
  const currentGroup = u.AgentHierarchy ? u.AgentHierarchy.Id : '';
  c.hierarchy = h('select', null, option('', 'None', !currentGroup),
    groups.map((g) => option(g.Id, g.Path || g.Name, g.Id === currentGroup)));
  access.push(field({ label: 'Routing profile', input: c.routing, name: 'RoutingProfileId' }));
  access.push(field({ label: 'Agent hierarchy', input: c.hierarchy, name: 'HierarchyGroupId' }));

  /* Phone settings. */
  const radioName = nextId('phone');
  const desk = phone.PhoneType === 'DESK_PHONE';
  c.soft = h('input', { type: 'radio', name: radioName, value: 'SOFT_PHONE', checked: !desk });
  c.desk = h('input', { type: 'radio', name: radioName, value: 'DESK_PHONE', checked: desk });
  c.deskNumber = text(phone.DeskPhoneNumber, { type: 'tel', placeholder: '+15550100' });
  const deskField = field({ label: 'Desk phone number', input: c.deskNumber, name: 'PhoneConfig.DeskPhoneNumber', hint: 'With + and the country code' });
  deskField.hidden = !desk;
  const syncDesk = () => { deskField.hidden = !c.desk.checked; };
  c.soft.addEventListener('change', syncDesk);
  c.desk.addEventListener('change', syncDesk);
  c.autoAccept = checkbox(phone.AutoAccept);
  c.acw = h('input', { type: 'number', min: '0', max: '2000000', step: '1', inputMode: 'numeric',
    value: String(phone.AfterContactWorkTimeLimit === undefined ? 0 : phone.AfterContactWorkTimeLimit) });
  const phoneFields = [
    fieldset({ legend: 'Phone type', name: 'PhoneConfig.PhoneType', className: 'radios', children: [
      field({ label: 'Soft phone', input: c.soft }),
      field({ label: 'Desk phone', input: c.desk }),
    ] }),
    deskField,
    field({ label: 'Auto-accept calls', input: c.autoAccept, name: 'PhoneConfig.AutoAccept' }),
    field({ label: 'After contact work (ACW) timeout', input: c.acw, name: 'PhoneConfig.AfterContactWorkTimeLimit', hint: 'Seconds; 0 means no limit' }),
  ];

  /* Tags: key/value rows. */
  const tagRows = h('div', { class: 'tag-rows' });
  let tagCount = 0;
  const addTag = (k = '', v = '', focus = false) => {
    tagCount += 1;
    const n = tagCount;
    const key = text(k, { maxLength: 128, 'aria-label': `Tag key ${n}` });
    const value = text(v, { maxLength: 256, 'aria-label': `Tag value ${n}` });
    const row = h('div', { class: 'tag-row' },
      h('span', { class: 'tag-part' }, h('span', { class: 'tag-label', 'aria-hidden': 'true' }, 'Key'), key),
      h('span', { class: 'tag-part' }, h('span', { class: 'tag-label', 'aria-hidden': 'true' }, 'Value'), value),
      h('button', { type: 'button', class: 'link', 'aria-label': `Remove tag ${n}`, onclick: () => {
        row.remove();
        addButton.focus();
      } }, 'Remove'));
    row.tagKey = key;
    row.tagValue = value;
    tagRows.append(row);
    if (focus) key.focus();
  };
  const addButton = h('button', { type: 'button', onclick: () => addTag('', '', true) }, 'Add tag');
  for (const [k, v] of Object.entries(u.Tags || {})) addTag(k, v);
  const tagsField = fieldset({ legend: 'Tags', name: 'Tags', className: 'tags', children: [tagRows, addButton] });

  /* A user the identity provider manages: only what the server lists in `editable` may change
   * (the instance lets admins keep its contact-center settings); everything else is shown, locked. */
  if (editable) {
    const may = (name) => editable.includes(name);
    /* a locked field shows its value only: an example placeholder would read as the user's own */
    const lock = (...inputs) => { for (const i of inputs) { i.disabled = true; i.removeAttribute('placeholder'); } };
    lock(c.first, c.last, c.email, c.email2, c.mobile, c.role, c.profiles);
    if (!may('RoutingProfileId')) lock(c.routing);
    if (!may('HierarchyGroupId')) lock(c.hierarchy);
    if (!may('PhoneConfig')) lock(c.soft, c.desk, c.deskNumber, c.autoAccept, c.acw);
    if (!may('Tags')) {
      lock(addButton);
      for (const row of tagRows.children) lock(row.tagKey, row.tagValue, ...row.querySelectorAll('button'));
    }
  }

  const node = h('div', { class: 'user-fields' },
    h('section', { class: 'form-section' }, h('h2', null, 'Identity'),
      editable ? h('p', { class: 'hint' }, 'Set by your identity provider: change it there.') : null, identity),
    account.length ? h('section', { class: 'form-section' }, h('h2', null, 'Sign-in'), account) : null,
    h('section', { class: 'form-section' }, h('h2', null, 'Access and routing'), access),
    h('section', { class: 'form-section' }, h('h2', null, 'Phone'), phoneFields),
    h('section', { class: 'form-section' }, h('h2', null, 'Tags'), tagsField));

  const selectedIds = () => [...c.profiles.selectedOptions].map((o) => o.value);
  const tags = () => {
    const out = {};
    for (const row of tagRows.children) {
      const k = row.tagKey.value.trim();
      if (k) out[k] = row.tagValue.value;
    }
    return out;
  };

  /* The body to send, or {error} when a value cannot be sent as typed. */
  function read() {
    const acwText = c.acw.value.trim();
    if (!/^\d{1,9}$/.test(acwText))
      return { error: { field: 'PhoneConfig.AfterContactWorkTimeLimit', message: 'After contact work (ACW) timeout must be a whole number of seconds (0 for no limit)' } };
    for (const row of tagRows.children)
      if (!row.tagKey.value.trim() && row.tagValue.value)
        return { error: { field: 'Tags', message: 'A tag with a value needs a key: type a key or remove the tag' } };
    const phoneType = c.desk.checked ? 'DESK_PHONE' : 'SOFT_PHONE';
    const phoneDoc = { PhoneType: phoneType, AutoAccept: c.autoAccept.checked, AfterContactWorkTimeLimit: Number(acwText) };
    if (phoneType === 'DESK_PHONE') phoneDoc.DeskPhoneNumber = c.deskNumber.value.trim();
    const identityDoc = { FirstName: c.first.value.trim(), LastName: c.last.value.trim() };
    const optional = [['Email', c.email, !saml], ['SecondaryEmail', c.email2, true], ['Mobile', c.mobile, true]];
    if (creating) {
      for (const [k, input, shown] of optional)
        if (shown && input.value.trim()) identityDoc[k] = input.value.trim();
      const body = { Username: c.username.value.trim(), IdentityInfo: identityDoc, PhoneConfig: phoneDoc,
        SecurityProfileIds: selectedIds(), RoutingProfileId: c.routing.value };
      if (c.password) {
        body.Password = c.password.value;
        body.PasswordTemporary = c.temporary.checked;
      }
      if (c.hierarchy.value) body.HierarchyGroupId = c.hierarchy.value;
      const t = tags();
      if (Object.keys(t).length) body.Tags = t;
      return { body };
    }
    /* An edit sends only what changed. */
    for (const [k, input, shown] of optional)
      if (shown) identityDoc[k] = input.value.trim();
    const body = {};
    const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
    const before = { FirstName: id.FirstName || '', LastName: id.LastName || '', SecondaryEmail: id.SecondaryEmail || '', Mobile: id.Mobile || '' };
    if (!saml) before.Email = id.Email || '';
    if (Object.keys(identityDoc).some((k) => identityDoc[k] !== (before[k] || ''))) body.IdentityInfo = identityDoc;
    const phoneBefore = { PhoneType: phone.PhoneType || 'SOFT_PHONE', AutoAccept: !!phone.AutoAccept,
      AfterContactWorkTimeLimit: phone.AfterContactWorkTimeLimit || 0 };
    if (phoneBefore.PhoneType === 'DESK_PHONE') phoneBefore.DeskPhoneNumber = phone.DeskPhoneNumber || '';
    if (!same(phoneDoc, phoneBefore)) body.PhoneConfig = phoneDoc;
    if (c.routing.value !== currentRp) body.RoutingProfileId = c.routing.value;
    if (c.hierarchy.value !== currentGroup) body.HierarchyGroupId = c.hierarchy.value;
    const ids = selectedIds();
    if (!same([...ids].sort(), [...initialIds].sort())) body.SecurityProfileIds = ids;
    const t = tags();
    const tagsBefore = u.Tags || {};
    const sortedEntries = (o) => Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (!same(sortedEntries(t), sortedEntries(tagsBefore))) body.Tags = t;
    return { body };
  }

  /* What the review step lists: [label, text]. */
  function review() {
    const nameOf = (list, v) => { const x = list.find((e) => e.Id === v); return x ? (x.Path || x.Name) : ''; };
    const rows = [
      ['First name', c.first.value.trim()],
      ['Last name', c.last.value.trim()],
    ];
    if (!saml) rows.push(['Email address', c.email.value.trim() || '—']);
    rows.push(['Secondary email address', c.email2.value.trim() || '—'], ['Mobile', c.mobile.value.trim() || '—']);
    if (creating) {
      rows.push(['Username', c.username.value.trim()]);
      if (c.password) {
        rows.push(['Password', c.password.value ? 'Set (not shown)' : '—']);
        rows.push(['Require a new password at first sign-in', c.temporary.checked ? 'Yes' : 'No']);
      }
    }
    rows.push(['Role', c.role.value]);
    rows.push(['Security profiles', [...c.profiles.selectedOptions].map((o) => o.textContent).join(', ') || '—']);
    rows.push(['Routing profile', nameOf(routing, c.routing.value) || '—']);
    rows.push(['Agent hierarchy', nameOf(groups, c.hierarchy.value) || 'None']);
    rows.push(['Phone type', c.desk.checked ? 'Desk phone' : 'Soft phone']);
    if (c.desk.checked) rows.push(['Desk phone number', c.deskNumber.value.trim() || '—']);
    rows.push(['Auto-accept calls', c.autoAccept.checked ? 'Yes' : 'No']);
    rows.push(['After contact work (ACW) timeout', `${c.acw.value.trim() || '0'} seconds`]);
    const t = Object.entries(tags());
    rows.push(['Tags', t.length ? t.map(([k, v]) => `${k} = ${v}`).join('; ') : '—']);
    return rows;
  }

  /* err: an ApiError or {field, message}. Shows it beside its field and focuses the control. */
  function showError(err) {
    const key = fieldKey(err && err.field);
    if (!key) return false;
    const name = NAMES[key];
    let message = err.name === 'ApiError' ? messageInWords(err) : err.message;
    /* An empty choice in words about the choice (the server speaks of ids and lengths). */
    if (name === 'RoutingProfileId' && !c.routing.value) message = 'Choose a routing profile';
    if (name === 'SecurityProfileIds' && !c.profiles.selectedOptions.length) message = 'Choose at least one security profile (up to ten)';
    if (name === 'PhoneConfig.DeskPhoneNumber') { c.desk.checked = true; syncDesk(); }
    if (!setFieldError(node, name, message)) return false;
    const box = node.querySelector(`[data-field="${name}"]`);
    const input = box && box.querySelector('input:not([type="radio"]:not(:checked)), select, textarea');
    if (input) input.focus();
    return true;
  }

  return { node, read, review, showError, clear: () => clearErrors(node) };
}
