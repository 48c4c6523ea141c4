// ui.js — small DOM helpers shared by every screen: h() builds elements (text only through
// text nodes: data never becomes markup), labelled form fields with an error slot beside them,
// error messages in words, modal dialogs (focus moves in, Esc closes, focus comes back), a polite
// announcer for screen readers, number formatting and debounce.

/* sessionStorage key of the bulk-edit selection: {"UserIds": […]} or {"Filter": {…}}, plus Total. */
export const BULK_KEY = 'roster.bulk';

let uid = 0;
/** A fresh id for label/aria wiring: nextId('search') -> 'search-7'. */
export function nextId(prefix = 'id') {
  uid += 1;
  return `${prefix}-${uid}`;
}

/* Properties set as properties (not attributes) by h(). */
const PROPS = new Set(['value', 'checked', 'disabled', 'hidden', 'selected', 'indeterminate', 'multiple',
  'required', 'readOnly', 'open', 'htmlFor', 'tabIndex', 'type', 'min', 'max', 'step', 'name', 'placeholder',
  'autocomplete', 'maxLength', 'rows', 'id', 'title', 'href', 'download', 'accept', 'inputMode']);

function append(el, child) {
  if (child === null || child === undefined || child === false || child === true) return;
  if (Array.isArray(child)) { child.forEach((c) => append(el, c)); return; }
  el.append(child instanceof Node ? child : document.createTextNode(String(child)));
}

/**
 * h('button', {class: 'primary', onclick: fn, 'aria-label': 'x'}, 'Text', otherNode, [more])
 * attrs: class (string or array, falsy entries skipped), for, on<event> (functions), dataset
 * (object), the PROPS above as properties, anything else (aria-*, role, …) as an attribute;
 * null/undefined/false attribute values are skipped. Children: nodes, strings (as text), arrays.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') {
        const names = (Array.isArray(v) ? v : String(v).split(/\s+/)).filter(Boolean);
        if (names.length) el.classList.add(...names);
      } else if (k === 'for') {
        el.htmlFor = v;
      } else if (k === 'dataset') {
        Object.assign(el.dataset, v);
      } else if (k.startsWith('on') && typeof v === 'function') {
        el.addEventListener(k.slice(2), v);
      } else if (PROPS.has(k)) {
        el[k] = v;
      } else {
        el.setAttribute(k, v === true ? '' : String(v));
      }
    }
  }
  append(el, children);
  return el;
}

/** Removes every child of el; returns el. */
export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

/** Replaces el's children with children (nodes, strings, arrays). Returns el. */
export function replace(el, ...children) {
  clear(el);
  append(el, children);
  return el;
}

/** 1234 -> "1,234". */
export function fmt(n) {
  return Number(n || 0).toLocaleString('en-US');
}

/** plural(1, 'user') -> "1 user"; plural(3, 'user') -> "3 users"; plural(2, 'entry', 'entries'). */
export function plural(n, one, many) {
  return `${fmt(n)} ${n === 1 ? one : many || `${one}s`}`;
}

/** An epoch-seconds time as local date and time words. */
export function fmtTime(epochSeconds) {
  if (epochSeconds === null || epochSeconds === undefined) return '';
  return new Date(epochSeconds * 1000).toLocaleString('en-US', {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
  });
}

/** fn delayed until ms passed without a call (the search box). */
export function debounce(fn, ms) {
  let t = 0;
  return (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}

/* ---- errors ------------------------------------------------------------------------------ */

/** Words for any error (an ApiError's message is already words; anything else is a bug here). */
export function errorText(err) {
  if (err && err.name === 'ApiError' && err.message) return err.message;
  return 'Something went wrong in this page; reload it and try again';
}

/**
 * A labelled form field: {label, input, name (the server's Field, e.g. 'IdentityInfo.Email'),
 * hint}. Returns a div.field holding the label, the input (given an id when it has none), the
 * hint and an error slot (aria-describedby points at both). name goes to data-field, which
 * setFieldError() finds. For a checkbox or radio, the label follows the input.
 */
export function field({ label, input, name, hint, className }) {
  if (!input.id) input.id = nextId('f');
  const err = h('p', { class: 'field-error', id: nextId('err'), hidden: true });
  const described = [err.id];
  let hintEl = null;
  if (hint) {
    hintEl = h('p', { class: 'hint', id: nextId('hint') }, hint);
    described.unshift(hintEl.id);
  }
  input.setAttribute('aria-describedby', described.join(' '));
  const lab = h('label', { for: input.id }, label);
  const check = input.type === 'checkbox' || input.type === 'radio';
  return h('div', { class: ['field', check && 'field-check', className], dataset: name ? { field: name } : undefined },
    check ? [input, lab] : [lab, input], hintEl, err);
}

/** A group of fields under a legend (radios, checkboxes): a fieldset with its own error slot. */
export function fieldset({ legend, children, name, className }) {
  const err = h('p', { class: 'field-error', id: nextId('err'), hidden: true });
  return h('fieldset', { class: ['group', className], dataset: name ? { field: name } : undefined, 'aria-describedby': err.id },
    h('legend', null, legend), children, err);
}

/* The wrapper whose data-field is name, or whose name is the longest prefix of name
 * ('IdentityInfo.Email' finds 'IdentityInfo.Email', 'Edits[3].IdentityInfo.Email' ends-with too). */
function findField(root, name) {
  if (!name) return null;
  const all = [...root.querySelectorAll('[data-field]')];
  let best = null;
  for (const el of all) {
    const f = el.dataset.field;
    if (f === name) return el;
    if ((name.startsWith(`${f}.`) || name.startsWith(`${f}[`) || name.endsWith(`.${f}`)) && (!best || f.length > best.dataset.field.length))
      best = el;
  }
  return best;
}

/** Shows message beside the field named name under root. Returns true when a field was found. */
export function setFieldError(root, name, message) {
  const box = findField(root, name);
  if (!box) return false;
  const slot = box.querySelector(':scope > .field-error');
  if (slot) { slot.textContent = message; slot.hidden = false; }
  const input = box.querySelector('input, select, textarea');
  if (input) input.setAttribute('aria-invalid', 'true');
  box.classList.add('invalid');
  return true;
}

/** Hides every field error and the form's error summary under root. */
export function clearErrors(root) {
  root.querySelectorAll('.field-error').forEach((s) => { s.textContent = ''; s.hidden = true; });
  root.querySelectorAll('[aria-invalid]').forEach((i) => i.removeAttribute('aria-invalid'));
  root.querySelectorAll('.invalid').forEach((b) => b.classList.remove('invalid'));
  root.querySelectorAll('.form-error').forEach((s) => { s.textContent = ''; s.hidden = true; });
}

/** An error summary (role="alert"), hidden until showError() fills it. */
export function errorBox() {
  return h('p', { class: 'form-error', role: 'alert', hidden: true });
}

/**
 * Shows err: beside its field when the server named one found under root (the field's input is
 * focused), else in box (an errorBox()). Returns the words shown.
 */
export function showError(root, box, err) {
  const text = errorText(err);
  if (err && err.field && setFieldError(root, err.field, text)) {
    const input = findField(root, err.field).querySelector('input, select, textarea');
    if (input) input.focus();
    if (box) { box.textContent = 'Correct the marked field and try again.'; box.hidden = false; }
    return text;
  }
  if (box) { box.textContent = text; box.hidden = false; }
  return text;
}

/* ---- the announcer ------------------------------------------------------------------------ */

let announcer = null;
/** Says text to screen readers (a polite live region, visually hidden). */
export function announce(text) {
  if (!announcer) {
    announcer = h('div', { class: 'visually-hidden', 'aria-live': 'polite', role: 'status' });
    document.body.append(announcer);
  }
  announcer.textContent = '';
  setTimeout(() => { announcer.textContent = text; }, 50);
}

/* ---- dialogs ------------------------------------------------------------------------------ */

/**
 * Opens a modal <dialog> titled title. build(dialog, close) returns its content (nodes); close(v)
 * closes it and resolves the returned promise with v (Esc or the browser's close: undefined).
 * Focus moves to the first control with autofocus, else the first control; it returns to the
 * element that had it. The dialog leaves the page when closed.
 */
export function openDialog(title, build) {
  return new Promise((resolve) => {
    const before = document.activeElement;
    const titleId = nextId('dlg');
    const dlg = h('dialog', { class: 'dialog', 'aria-labelledby': titleId });
    let value;
    const close = (v) => { value = v; if (dlg.open) dlg.close(); };
    dlg.append(h('h2', { id: titleId }, title));
    append(dlg, build(dlg, close));
    dlg.addEventListener('close', () => {
      dlg.remove();
      if (before && before.isConnected && typeof before.focus === 'function') before.focus();
      resolve(value);
    });
    document.body.append(dlg);
    dlg.showModal();
    const first = dlg.querySelector('[autofocus]') ||
      dlg.querySelector('input:not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled])');
    if (first) first.focus();
  });
}

/** A yes/no question: resolves true when the confirm button was pressed. */
export function confirmDialog(title, text, confirmLabel, { danger = false } = {}) {
  return openDialog(title, (dlg, close) => [
    h('p', null, text),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: danger ? 'danger' : 'primary', onclick: () => close(true) }, confirmLabel),
      h('button', { type: 'button', onclick: () => close(false) }, 'Cancel')),
  ]).then((v) => v === true);
}

/** A heading for a screen: <h1 tabindex=-1> so the shell can move focus to it. */
export function heading(text) {
  return h('h1', { tabindex: '-1', class: 'page-title' }, text);
}

/** A loading line (role=status). */
export function loading(text = 'Loading…') {
  return h('p', { class: 'loading', role: 'status' }, text);
}
