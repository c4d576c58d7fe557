// Sign-in: the agency's identity provider (OIDC authorization code + PKCE) or, in the local
// federation, a development token printed by the start command.
import { ApiError } from '../api.js';
import { clear, h } from '../dom.js';
import { authText } from '../format.js';
import { t } from '../i18n.js';
import { startOidc } from '../session.js';

export function render(main, { config, onToken, focus = true }) {
  const error = h('p.error-box', { role: 'alert', id: 'signin-error', hidden: true });
  const fail = (e) => {
    error.textContent = e instanceof ApiError ? `${authText(e)} ${e.status === 401 ? '' : e.body?.detail ?? e.message}` : e.message;
    error.hidden = false;
  };

  const oidcSection = config.oidc
    ? h('section.card', { 'aria-labelledby': 'oidc-title' },
        h('h2#oidc-title', t('signin.agency')),
        h('p', t('signin.agencyText'), ' ', h('code', config.oidc.issuer)),
        h('button.primary', { type: 'button', id: 'oidc-signin', on: { click: async (ev) => {
          ev.target.disabled = true;
          try {
            await startOidc(config.oidc);
          } catch (e) {
            ev.target.disabled = false;
            fail(e);
          }
        } } }, t('signin.agencyButton')))
    : null;

  const tokenInput = h('textarea#dev-token', { rows: 4, spellcheck: 'false', autocomplete: 'off', 'aria-describedby': 'dev-token-help', required: true });
  const devForm = h('form#dev-form', { on: { submit: async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    const token = tokenInput.value.trim().replace(/^Bearer\s+/i, '');
    if (!token) {
      fail(new Error(t('signin.pasteFirst')));
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
    h('label', { for: 'dev-token' }, t('signin.token')),
    h('p.hint#dev-token-help', t('signin.tokenHelp'), ' ', h('code', `npm run liaison -- token --agency ${config.agency ?? 'NL'} --role operator`)),
    tokenInput,
    h('div.actions', h('button.primary', { type: 'submit' }, t('signin.tokenButton'))));

  clear(main,
    h('h1', config.agency ? t('signin.titleAgency', { agency: config.agency }) : t('signin.title')),
    error,
    h('div.signin-grid',
      oidcSection,
      h('section.card', { 'aria-labelledby': 'dev-title' }, h('h2#dev-title', config.oidc ? t('signin.orToken') : t('signin.token')), devForm)));
  if (focus) (main.querySelector('#oidc-signin') ?? tokenInput).focus();
}
