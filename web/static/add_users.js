// add_users.js — #/users/new: the choice between adding one user through the form and uploading
// many from the CSV template, then `Next`.

import { can } from './api.js';
import { h, heading, replace, nextId } from './ui.js';

export function render(main, ctx) {
  const title = heading('Add new users');
  if (!can('Users.Create')) {
    replace(main, title, h('p', { class: 'form-error', role: 'alert' },
      'You may not add users: your security profiles do not allow it. Ask an administrator.'),
    h('p', null, h('a', { href: '#/users' }, 'Back to User management')));
    return;
  }
  const name = nextId('how');
  const choice = (value, label, hint, checked) => {
    const input = h('input', { type: 'radio', name, value, id: nextId('how'), checked });
    const hintId = nextId('hint');
    input.setAttribute('aria-describedby', hintId);
    return h('div', { class: 'choice' }, input,
      h('label', { for: input.id }, label),
      h('p', { class: 'hint', id: hintId }, hint));
  };
  const form = h('form', { class: 'add-choice' },
    h('fieldset', { class: 'group' },
      h('legend', null, 'How do you want to add users?'),
      choice('create', 'Create and set up a new user', 'Fill in a form for one user, review it, then save.', true),
      choice('upload', 'Upload my users from a template (.csv)',
        'Download the template, fill in one row per user, then upload it: every row is checked before anything is imported.', false)),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Next'),
      h('a', { href: '#/users', class: 'button' }, 'Cancel')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const picked = form.querySelector(`input[name="${name}"]:checked`);
    ctx.navigate(picked && picked.value === 'upload' ? '#/users/upload' : '#/users/create');
  });
  replace(main, title, form);
}
