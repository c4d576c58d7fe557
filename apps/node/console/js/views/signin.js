// Sign-in: the agency's identity provider (OIDC authorization code + PKCE) or, in the local
// federation, a development token printed by the start command.
import { ApiError, explainAuthError } from '../api.js';
import { clear, h } from '../dom.js';
import { startOidc } from '../session.js';

export function render(main, { config, onToken }) {
  const error = h('p.error-box', { role: 'alert', id: 'signin-error', hidden: true });
  const fail = (e) => {
    error.textContent = e instanceof ApiError ? `${explainAuthError(e)} ${e.status === 401 ? '' : e.message}` : e.message;
    error.hidden = false;
  };

  const oidcSection = config.oidc
    ? h('section.card', { 'aria-labelledby': 'oidc-title' },
        h('h2#oidc-title', 'Agency sign-in'),
        h('p', 'Sign in with your agency account. You will be sent to ', h('code', config.oidc.issuer), ' and back.'),
        h('button.primary', { type: 'button', id: 'oidc-signin', on: { click: async (ev) => {
          ev.target.disabled = true;
          try {
            await startOidc(config.oidc);
          } catch (e) {
            ev.target.disabled = false;
            fail(e);
          }
        } } }, 'Sign in with your agency account'))
    : null;

  const tokenInput = h('textarea#dev-token', { rows: 4, spellcheck: 'false', autocomplete: 'off', 'aria-describedby': 'dev-token-help', required: true });
  const devForm = h('form#dev-form', { on: { submit: async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    const token = tokenInput.value.trim().replace(/^Bearer\s+/i, '');
    if (!token) {
      fail(new Error('Paste a token first.'));
      tokenInput.focus();
      return;
    }
    const button = devForm.querySelector('button');
    button.disabled = true;
    try {
      await onToken(token, 'development');
    } catch (e) {
      fail(e);
      tokenInput.focus();
    } finally {
      button.disabled = false;
    }
  } } },
    h('label', { for: 'dev-token' }, 'Development token'),
    h('p.hint#dev-token-help', 'In the local federation the start command prints a token for each agency and role; ',
      h('code', `npm run liaison -- token --agency ${config.agency ?? 'NL'} --role operator`), ' prints a new one.'),
    tokenInput,
    h('div.actions', h('button.primary', { type: 'submit' }, 'Sign in with token')));

  clear(main,
    h('h1', `Sign in${config.agency ? ` to the ${config.agency} node` : ''}`),
    error,
    h('div.signin-grid',
      oidcSection,
      h('section.card', { 'aria-labelledby': 'dev-title' }, h('h2#dev-title', config.oidc ? 'Or: development token' : 'Development token'), devForm)));
  (main.querySelector('#oidc-signin') ?? tokenInput).focus();
}
