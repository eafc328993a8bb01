import { el } from '../dom.js';
import { t } from '../messages.js';

/** The sign-in form: one box for an API key or an OAuth access token. */
export function signInView(onSubmit: (token: string) => void, problem?: string): HTMLElement {
  const input = el('input', {
    id: 'token',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    size: 60,
  });
  const submit = el('button', { class: 'primary', id: 'sign-in', type: 'button' }, t('signIn'));
  const go = () => {
    const token = input.value.trim();
    if (token) onSubmit(token);
  };
  submit.addEventListener('click', go);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') go();
  });
  return el(
    'section',
    { class: 'panel', 'aria-labelledby': 'sign-in-title' },
    el('h2', { id: 'sign-in-title' }, t('signInTitle')),
    el('p', { class: 'muted' }, t('signInHelp')),
    el('label', { for: 'token' }, t('tokenLabel')),
    el('div', { class: 'row' }, input, submit),
    problem ? el('p', { class: 'error', role: 'alert' }, problem) : null,
  );
}
