// list.js — User management (#/users): the users table, one page at a time from the server
// (GET …/console/users: search, filters, sort, offset, page size; the browser never holds every
// user). Search users, Add filter (chips), Rows per page, Previous/Next page, sort buttons in the
// column headers, row checkboxes, Select all on this page, then Select all N users that match;
// Add new users, Edit (bulk edit of the selection), Delete (the delete dialog), each shown only
// when the session may. The state (search, filters, sort, page, size) lives in the hash query, so
// a reload keeps it.
import * as api from './api.js';
import { h, replace, heading, fmt, plural, debounce, errorText, announce, BULK_KEY } from './ui.js';
import { confirmDelete } from './delete_dialog.js';

const COLUMNS = [
  { key: 'Username', label: 'Username' },
  { key: 'FirstName', label: 'First name' },
  { key: 'LastName', label: 'Last name' },
  { key: 'Role', label: 'Role' },
  { key: 'RoutingProfile', label: 'Routing profile' },
  { key: 'SecurityProfiles', label: 'Security profiles' },
  { key: 'AgentHierarchy', label: 'Agent hierarchy' },
  { key: 'PhoneType', label: 'Phone type' },
];
const SIZES = [25, 50, 100];
const FILTERS = [
  { key: 'rp', param: 'RoutingProfileId', label: 'Routing profile', list: (c) => c.RoutingProfiles || [], name: (x) => x.Name },
  { key: 'sp', param: 'SecurityProfileId', label: 'Security profile', list: (c) => c.SecurityProfiles || [], name: (x) => x.Name },
  { key: 'hg', param: 'HierarchyGroupId', label: 'Agent hierarchy', list: (c) => c.HierarchyGroups || [], name: (x) => x.Path || x.Name,
    note: ' (and the groups under it)' },
];
const PHONE = { SOFT_PHONE: 'Soft phone', DESK_PHONE: 'Desk phone' };

/* The selection survives paging (ids of this filter) and is dropped when the filter changes. */
const picked = new Map(); /* id -> username */
let pickedFor = '';

/** Forgets the list's selection (after a batch was submitted for it). */
export function forgetSelection() {
  picked.clear();
  pickedFor = '';
}

function readState(query) {
  const size = Number(query.get('size'));
  const page = Number(query.get('page'));
  const sort = query.get('sort');
  return {
    q: (query.get('q') || '').slice(0, 100),
    rp: query.get('rp') || '', sp: query.get('sp') || '', hg: query.get('hg') || '',
    sort: COLUMNS.some((c) => c.key === sort) ? sort : 'Username',
    order: query.get('order') === 'desc' ? 'desc' : 'asc',
    page: Number.isInteger(page) && page > 0 ? page : 1,
    size: SIZES.includes(size) ? size : 25,
  };
}

function writeState(ctx, st) {
  const q = {};
  if (st.q) q.q = st.q;
  for (const f of FILTERS) if (st[f.key]) q[f.key] = st[f.key];
  if (st.sort !== 'Username') q.sort = st.sort;
  if (st.order === 'desc') q.order = 'desc';
  if (st.page > 1) q.page = String(st.page);
  if (st.size !== 25) q.size = String(st.size);
  ctx.setQuery(q);
}

/* The list's Filter (the bulk endpoints' Selection.Filter has the same meaning). */
function filterOf(st) {
  const f = {};
  if (st.q) f.Search = st.q;
  for (const x of FILTERS) if (st[x.key]) f[x.param] = st[x.key];
  return f;
}

export function render(main, ctx, params) {
  const st = readState(params.query);
  const catalog = ctx.catalog || {};
  const mayEdit = api.can('Users.Edit');
  const mayDelete = api.can('Users.Delete');
  const mayCreate = api.can('Users.Create');
  const selectable = mayEdit || mayDelete;
  let total = 0;
  let rows = [];
  let allMatching = false; /* "Select all N users that match" pressed */
  let seq = 0;

  const sig = JSON.stringify(filterOf(st));
  if (sig !== pickedFor) { picked.clear(); pickedFor = sig; }

  /* ---- the toolbar ---- */
  const search = h('input', { type: 'search', id: 'users-search', value: st.q, maxLength: 100, autocomplete: 'off',
    placeholder: 'Username, first or last name' });
  const onSearch = debounce(() => {
    const v = search.value.trim().slice(0, 100);
    if (v === st.q) return;
    st.q = v;
    st.page = 1;
    filterChanged();
  }, 300);
  search.addEventListener('input', onSearch);
  search.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') ev.preventDefault(); });

  const addFilter = h('button', { type: 'button', 'aria-expanded': 'false', 'aria-controls': 'filter-form' }, 'Add filter');
  const filterBox = h('div', { id: 'filter-form', class: 'filter-form', hidden: true });
  addFilter.addEventListener('click', () => toggleFilterForm(filterBox.hidden));
  filterBox.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') { toggleFilterForm(false); addFilter.focus(); }
  });
  const chips = h('ul', { class: 'chips', 'aria-label': 'Filters' });

  const editBtn = mayEdit ? h('button', { type: 'button', onclick: onEdit }, 'Edit') : null;
  const deleteBtn = mayDelete ? h('button', { type: 'button', onclick: onDelete }, 'Delete') : null;
  const addBtn = mayCreate ? h('button', { type: 'button', class: 'primary', onclick: () => ctx.navigate('#/users/new') }, 'Add new users') : null;

  const countLine = h('span', { class: 'count-total' });
  const selectedLine = h('span', { class: 'count-selected' });
  const selectAllMatching = h('button', { type: 'button', class: 'link-button', hidden: true, onclick: onSelectAllMatching });
  const clearSel = h('button', { type: 'button', class: 'link-button', hidden: true, onclick: clearSelection }, 'Clear selection');
  const counts = h('div', { class: 'counts', role: 'status', 'aria-live': 'polite' }, countLine, selectedLine);
  const selectBar = h('div', { class: 'counts' }, selectAllMatching, clearSel);

  /* ---- the table ---- */
  const pageBox = selectable ? h('input', { type: 'checkbox', 'aria-label': 'Select all on this page', onchange: onSelectPage }) : null;
  const headRow = h('tr', null,
    selectable ? h('th', { class: 'check', scope: 'col' }, pageBox) : null,
    COLUMNS.map((c) => {
      /* the arrow is text hidden from the accessible name (CSS content would join it): aria-sort says it */
      const th = h('th', { scope: 'col' },
        h('button', { type: 'button', class: 'sort', onclick: () => sortBy(c.key) }, c.label,
          h('span', { class: 'sort-icon', 'aria-hidden': 'true' })));
      th.dataset.key = c.key;
      return th;
    }));
  markSort();
  const tbody = h('tbody');
  const table = h('table', { class: 'users' }, h('caption', { class: 'visually-hidden' }, 'Users'), h('thead', null, headRow), tbody);
  const wrap = h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Users table' }, table);
  const errorLine = h('div', { class: 'form-error', role: 'alert', hidden: true });

  /* ---- the pager ---- */
  const sizeSel = h('select', { id: 'rows-per-page' }, SIZES.map((n) => h('option', { value: String(n), selected: n === st.size }, String(n))));
  sizeSel.addEventListener('change', () => { st.size = Number(sizeSel.value); st.page = 1; load(); });
  const prev = h('button', { type: 'button', onclick: () => { st.page -= 1; load(); } }, 'Previous page');
  const next = h('button', { type: 'button', onclick: () => { st.page += 1; load(); } }, 'Next page');
  const pageInd = h('span', { class: 'page-indicator', 'aria-live': 'polite' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' },
    h('div', { class: 'field' }, h('label', { for: 'rows-per-page' }, 'Rows per page'), sizeSel),
    prev, pageInd, next);

  main.append(
    heading('User management'),
    h('div', { class: 'toolbar' },
      h('div', { class: 'field search' }, h('label', { for: 'users-search' }, 'Search users'), search),
      addFilter,
      (addBtn || editBtn || deleteBtn) ? h('div', { class: 'list-actions' }, addBtn, editBtn, deleteBtn) : null),
    filterBox, chips, counts, selectBar, errorLine, wrap, pager);

  drawChips();
  drawCounts();
  load();
  /* a batch that just finished may have changed these rows */
  const onJobs = () => {
    if (!table.isConnected) { document.removeEventListener('roster:jobs-finished', onJobs); return; }
    load();
  };
  document.addEventListener('roster:jobs-finished', onJobs);

  /* ---- filters ---- */
  function toggleFilterForm(open) {
    addFilter.setAttribute('aria-expanded', String(open));
    filterBox.hidden = !open;
    if (!open) { replace(filterBox); return; }
    const kind = h('select', { id: 'filter-kind' }, FILTERS.map((f) => h('option', { value: f.key }, f.label)));
    const valueLabel = h('label', { for: 'filter-value' });
    const value = h('select', { id: 'filter-value' });
    const fill = () => {
      const f = FILTERS.find((x) => x.key === kind.value);
      valueLabel.textContent = f.label;
      const items = f.list(catalog);
      replace(value, items.length
        ? items.map((x) => h('option', { value: x.Id, selected: st[f.key] === x.Id }, f.name(x)))
        : h('option', { value: '' }, 'None in this instance'));
    };
    kind.addEventListener('change', fill);
    fill();
    const apply = h('button', { type: 'button', class: 'primary' }, 'Apply filter');
    apply.addEventListener('click', () => {
      if (!value.value) return;
      st[kind.value] = value.value;
      st.page = 1;
      toggleFilterForm(false);
      filterChanged();
      addFilter.focus();
    });
    const cancel = h('button', { type: 'button', onclick: () => { toggleFilterForm(false); addFilter.focus(); } }, 'Cancel');
    replace(filterBox,
      h('div', { class: 'field' }, h('label', { for: 'filter-kind' }, 'Filter by'), kind),
      h('div', { class: 'field' }, valueLabel, value),
      apply, cancel);
    kind.focus();
  }

  function drawChips() {
    const items = [];
    for (const f of FILTERS) {
      if (!st[f.key]) continue;
      const found = f.list(catalog).find((x) => x.Id === st[f.key]);
      const text = `${f.label}: ${found ? f.name(found) : 'a deleted item'}${f.note || ''}`;
      items.push(h('li', { class: 'chip' }, text,
        h('button', { type: 'button', 'aria-label': `Remove filter ${text}`, onclick: () => {
          st[f.key] = '';
          st.page = 1;
          filterChanged();
          addFilter.focus();
        } }, '×')));
    }
    replace(chips, items);
    chips.hidden = items.length === 0;
  }

  function filterChanged() {
    const s = JSON.stringify(filterOf(st));
    if (s !== pickedFor) { picked.clear(); pickedFor = s; allMatching = false; }
    drawChips();
    load();
  }

  function sortBy(key) {
    if (st.sort === key) st.order = st.order === 'asc' ? 'desc' : 'asc';
    else { st.sort = key; st.order = 'asc'; }
    st.page = 1;
    markSort();
    load();
  }

  function markSort() {
    headRow.querySelectorAll('th[data-key]').forEach((th) => {
      const sort = th.dataset.key === st.sort ? (st.order === 'asc' ? 'ascending' : 'descending') : 'none';
      th.setAttribute('aria-sort', sort);
      th.querySelector('.sort-icon').textContent = sort === 'ascending' ? ' ▲' : sort === 'descending' ? ' ▼' : ' ↕';
    });
  }

  /* ---- loading a page ---- */
  async function load() {
    const mine = ++seq;
    writeState(ctx, st);
    table.setAttribute('aria-busy', 'true');
    let r;
    try {
      r = await api.get(api.inst('/console/users'), {
        ...filterOf(st), SortBy: st.sort, SortOrder: st.order.toUpperCase(),
        Offset: (st.page - 1) * st.size, MaxResults: st.size,
      });
    } catch (err) {
      if (mine !== seq || !api.session()) return;
      table.removeAttribute('aria-busy');
      replace(errorLine, `The users could not be listed: ${errorText(err)} `,
        h('button', { type: 'button', onclick: load }, 'Try again'));
      errorLine.hidden = false;
      return;
    }
    if (mine !== seq) return;
    errorLine.hidden = true;
    table.removeAttribute('aria-busy');
    total = Number(r.Total) || 0;
    rows = Array.isArray(r.Users) ? r.Users : [];
    const pages = Math.max(1, Math.ceil(total / st.size));
    if (st.page > pages && total > 0) { st.page = pages; load(); return; }
    drawRows();
    const focusWasOn = document.activeElement;
    prev.disabled = st.page <= 1;
    next.disabled = st.page >= pages;
    if ((focusWasOn === prev && prev.disabled) || (focusWasOn === next && next.disabled)) (prev.disabled ? next : prev).focus();
    pageInd.textContent = `Page ${fmt(st.page)} of ${fmt(pages)}`;
    drawCounts();
  }

  function drawRows() {
    if (rows.length === 0) {
      replace(tbody, h('tr', null, h('td', { colspan: String(COLUMNS.length + (selectable ? 1 : 0)), class: 'empty' },
        st.q || st.rp || st.sp || st.hg ? 'No user matches the search and filters.' : 'This instance has no users yet.')));
      return;
    }
    replace(tbody, rows.map((u) => {
      const isPicked = allMatching || picked.has(u.Id);
      const box = selectable ? h('input', { type: 'checkbox', checked: isPicked, 'aria-label': `Select ${u.Username}` }) : null;
      const tr = h('tr', { class: isPicked ? 'selected' : null },
        selectable ? h('td', { class: 'check' }, box) : null,
        h('td', null, h('a', { href: `#/users/${encodeURIComponent(u.Id)}` }, u.Username),
          u.ExternallyManaged ? [' ', h('span', { class: 'badge managed' }, 'Managed by identity provider')] : null,
          u.Disabled ? [' ', h('span', { class: 'badge disabled' }, 'Disabled')] : null),
        h('td', null, u.FirstName || ''),
        h('td', null, u.LastName || ''),
        h('td', null, u.Role || ''),
        h('td', null, (u.RoutingProfile && u.RoutingProfile.Name) || ''),
        h('td', null, (u.SecurityProfiles || []).map((p) => p.Name).join(', ')),
        h('td', null, u.AgentHierarchy ? (u.AgentHierarchy.Path || u.AgentHierarchy.Name) : ''),
        h('td', null, PHONE[u.PhoneType] || u.PhoneType || ''));
      if (box) {
        box.addEventListener('change', () => {
          if (allMatching) { /* leaving "all that match": keep this page's others picked */
            allMatching = false;
            rows.forEach((x) => picked.set(x.Id, x.Username));
          }
          if (box.checked) picked.set(u.Id, u.Username);
          else picked.delete(u.Id);
          tr.classList.toggle('selected', box.checked);
          drawCounts();
        });
      }
      return tr;
    }));
  }

  function selectedCount() {
    return allMatching ? total : picked.size;
  }

  function drawCounts() {
    countLine.replaceChildren(h('strong', null, plural(total, 'user')));
    const n = selectedCount();
    selectedLine.textContent = selectable ? `${fmt(n)} selected` : '';
    if (pageBox) {
      const onPage = rows.filter((u) => allMatching || picked.has(u.Id)).length;
      pageBox.checked = rows.length > 0 && onPage === rows.length;
      pageBox.indeterminate = onPage > 0 && onPage < rows.length;
      pageBox.disabled = rows.length === 0;
    }
    const pageAll = rows.length > 0 && rows.every((u) => picked.has(u.Id));
    selectAllMatching.hidden = !selectable || allMatching || !pageAll || total <= picked.size;
    selectAllMatching.textContent = `Select all ${fmt(total)} users that match`;
    clearSel.hidden = !selectable || n === 0;
    if (editBtn) editBtn.disabled = n === 0;
    if (deleteBtn) deleteBtn.disabled = n === 0;
  }

  /* ---- selection ---- */
  function onSelectPage() {
    if (pageBox.checked) rows.forEach((u) => picked.set(u.Id, u.Username));
    else {
      if (allMatching) allMatching = false;
      rows.forEach((u) => picked.delete(u.Id));
    }
    drawRows();
    drawCounts();
  }

  function onSelectAllMatching() {
    allMatching = true;
    drawRows();
    drawCounts();
    announce(`All ${fmt(total)} users that match are selected`);
    clearSel.focus();
  }

  function clearSelection() {
    allMatching = false;
    picked.clear();
    drawRows();
    drawCounts();
    announce('No user is selected');
    if (pageBox) pageBox.focus();
  }

  /* What the bulk endpoints take: the ids picked, or the list's filter for "all that match". */
  function selection() {
    return allMatching ? { Filter: filterOf(st), Total: total } : { UserIds: [...picked.keys()], Total: picked.size };
  }

  function onEdit() {
    if (selectedCount() === 0) return;
    sessionStorage.setItem(BULK_KEY, JSON.stringify({ ...selection(), Back: location.hash }));
    ctx.navigate('#/bulk-edit');
  }

  function onDelete() {
    const n = selectedCount();
    if (n === 0) return;
    const sel = selection();
    confirmDelete(ctx, {
      count: n,
      userIds: sel.UserIds,
      filter: sel.Filter,
      onDone: () => {
        allMatching = false;
        picked.clear();
        load();
      },
    });
  }
}
