// create_user.js — #/users/create: the add-user form (every field, the password policy), `Next`
// runs the server's dry run (errors beside their fields, focus on the first), then a review of
// every value and `Save`, which creates the user and opens their page.

import { post, inst, can } from './api.js';
import { h, heading, loading, replace, errorBox, errorText, announce } from './ui.js';
import { userFields, catalogOf, messageInWords } from './user_form.js';

export async function render(main, ctx) {
  const title = heading('Add a new user');
  replace(main, title, loading());
  if (!can('Users.Create')) {
    replace(main, title, h('p', { class: 'form-error', role: 'alert' },
      'You may not add users: your security profiles do not allow it. Ask an administrator.'),
    h('p', null, h('a', { href: '#/users' }, 'Back to User management')));
    return;
  }
  let catalog;
  try {
    catalog = await catalogOf(ctx);
  } catch (err) {
    replace(main, title, h('p', { class: 'form-error', role: 'alert' },
      `The form cannot be shown: ${errorText(err)}`),
    h('p', null, h('button', { type: 'button', onclick: () => render(main, ctx) }, 'Try again')));
    return;
  }

  const form = userFields({ mode: 'create', catalog });
  const top = errorBox();
  const next = h('button', { type: 'submit', class: 'primary' }, 'Next');
  const editStep = h('form', { class: 'user-form', novalidate: true },
    h('p', { class: 'intro' }, 'Fill in the user\'s details, then review them before saving.'),
    top, form.node,
    h('div', { class: 'actions' }, next, h('a', { href: '#/users/new', class: 'button' }, 'Cancel')));

  const reviewTitle = h('h2', { tabindex: '-1' }, 'Review the new user');
  const reviewList = h('dl', { class: 'review' });
  const reviewError = errorBox();
  const save = h('button', { type: 'button', class: 'primary' }, 'Save');
  const back = h('button', { type: 'button' }, 'Back');
  const reviewStep = h('section', { class: 'review-step', 'aria-labelledby': 'review-title', hidden: true },
    reviewTitle, h('p', null, 'Check every value. Save creates the user; Back lets you change them.'),
    reviewError, reviewList, h('div', { class: 'actions' }, save, back));
  reviewTitle.id = 'review-title';

  let pending = false;
  const busy = (on, button, text) => {
    pending = on;
    button.disabled = on;
    button.setAttribute('aria-busy', on ? 'true' : 'false');
    if (text) button.textContent = text;
  };

  /* A server error: beside its field on the form (back to the edit step), else at the top. */
  const showServerError = (err) => {
    showEdit();
    if (form.showError(err)) {
      top.textContent = 'Correct the field marked below and try again.';
      top.hidden = false;
      return;
    }
    top.textContent = messageInWords(err);
    top.hidden = false;
    top.setAttribute('tabindex', '-1');
    top.focus();
  };

  function showEdit() {
    reviewStep.hidden = true;
    editStep.hidden = false;
  }

  editStep.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (pending) return;
    form.clear();
    top.hidden = true;
    const { body, error } = form.read();
    if (error) { form.showError(error); top.textContent = 'Correct the field marked below and try again.'; top.hidden = false; return; }
    busy(true, next, 'Checking…');
    try {
      await post(inst('/console/users'), { ...body, DryRun: true });
    } catch (err) {
      busy(false, next, 'Next');
      showServerError(err);
      return;
    }
    busy(false, next, 'Next');
    replace(reviewList, form.review().map(([k, v]) => h('div', { class: 'review-row' }, h('dt', null, k), h('dd', null, v))));
    reviewError.hidden = true;
    editStep.hidden = true;
    reviewStep.hidden = false;
    reviewTitle.focus();
  });

  back.addEventListener('click', () => {
    showEdit();
    next.focus();
  });

  save.addEventListener('click', async () => {
    if (pending) return;
    const { body, error } = form.read();
    if (error) { showServerError(error); return; }
    busy(true, save, 'Saving…');
    let res;
    try {
      res = await post(inst('/console/users'), body);
    } catch (err) {
      busy(false, save, 'Save');
      if (err.field) { showServerError(err); return; }
      reviewError.textContent = `The user was not created: ${messageInWords(err)}`;
      reviewError.hidden = false;
      reviewError.setAttribute('tabindex', '-1');
      reviewError.focus();
      return;
    }
    announce('The user was created');
    ctx.navigate(`#/users/${encodeURIComponent(res.UserId)}`);
  });

  replace(main, title, editStep, reviewStep);
}
