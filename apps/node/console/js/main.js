// The console's shell: sign-in, the header (who, agency, role), role-based navigation, the
// hash router and the polling that keeps the open screen current without reloading.
import { api, ApiError, explainAuthError, onUnauthorized } from './api.js';
import { announce, clear, h } from './dom.js';
import { ROLE_LABELS } from './format.js';
import { clearSession, completeOidc, hasRole, rememberReturn, session, setToken, takeReturn } from './session.js';
import * as signin from './views/signin.js';
import * as compose from './views/compose.js';
import * as sent from './views/sent.js';
import * as inbox from './views/inbox.js';
import * as audit from './views/audit.js';

const POLL_MS = 3000;

const ROUTES = [
  { path: /^#\/compose$/, role: 'operator', title: 'Compose a notice', view: compose.render },
  { path: /^#\/sent$/, role: 'operator', title: 'Sent notices', view: sent.renderList },
  { path: /^#\/sent\/([0-9a-f-]{36})$/, role: 'operator', title: 'Sent notice', view: sent.renderDetail },
  { path: /^#\/inbox$/, role: 'liaison_officer', title: 'Inbox', view: inbox.renderList },
  { path: /^#\/inbox\/([0-9a-f-]{36})$/, role: 'liaison_officer', title: 'Received notice', view: inbox.renderDetail },
  { path: /^#\/audit$/, role: 'auditor', title: 'Exchange log', view: audit.renderLog },
  { path: /^#\/audit\/message\/([0-9a-f-]{36})$/, role: 'auditor', title: 'Message timeline', view: audit.renderMessage },
  { path: /^#\/audit\/checkpoint$/, role: 'auditor', title: 'Checkpoint and alerts', view: audit.renderCheckpoint },
];

const NAV = [
  { role: 'operator', href: '#/compose', label: 'Compose' },
  { role: 'operator', href: '#/sent', label: 'Sent notices' },
  { role: 'liaison_officer', href: '#/inbox', label: 'Inbox' },
  { role: 'auditor', href: '#/audit', label: 'Exchange log' },
  { role: 'auditor', href: '#/audit/checkpoint', label: 'Checkpoint & alerts' },
];

const main = document.getElementById('main');
let current = null; // { refresh, dispose }
let timer = null;

function homeFor() {
  return NAV.find((n) => hasRole(n.role))?.href ?? '#/signin';
}

function renderHeader() {
  document.getElementById('node-agency').textContent = session.config.agency ? `· ${session.config.agency} node` : '';
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  if (!session.principal) {
    clear(nav);
    clear(who);
    return;
  }
  const items = NAV.filter((n) => hasRole(n.role));
  const here = location.hash;
  const active = items.filter((n) => here === n.href || here.startsWith(`${n.href}/`)).sort((a, b) => b.href.length - a.href.length)[0];
  clear(nav, h('ul', items.map((n) => h('li', h('a', { href: n.href, 'aria-current': n === active ? 'page' : null }, n.label)))));
  const p = session.principal;
  clear(who,
    h('span.who-subject', { title: 'Signed in as' }, p.subject),
    h('span.who-agency', { 'aria-label': `Agency ${p.agency}` }, p.agency),
    h('span.who-roles', p.roles.map((r) => ROLE_LABELS[r] ?? r).join(', ')),
    h('button.link', { type: 'button', id: 'sign-out', on: { click: signOut } }, 'Sign out'));
}

function signOut() {
  clearSession();
  hideBanner();
  location.hash = '#/signin';
  announce('Signed out');
}

export function showBanner(message, action) {
  const banner = document.getElementById('banner');
  clear(banner, h('span', message), action ? h('button', { type: 'button', class: 'primary', on: { click: action.run } }, action.label) : null);
  banner.hidden = false;
}
function hideBanner() {
  const banner = document.getElementById('banner');
  banner.hidden = true;
  clear(banner);
}

/** A 401 while working: say why and offer to sign in again (keeping where the person was). */
onUnauthorized((error) => {
  if (!session.principal) return;
  stopPolling();
  rememberReturn(location.hash);
  clearSession();
  renderHeader();
  showBanner(`${explainAuthError(error)} Sign in again to continue.`, {
    label: 'Sign in again',
    run: () => {
      hideBanner();
      location.hash = '#/signin';
      route();
    },
  });
  document.getElementById('banner').querySelector('button')?.focus();
});

function stopPolling() {
  if (timer) clearInterval(timer);
  timer = null;
}

async function signedIn(token, method) {
  setToken(token, method);
  try {
    session.principal = await api('/me');
  } catch (error) {
    clearSession();
    throw error;
  }
  hideBanner();
  renderHeader();
  location.hash = takeReturn() ?? homeFor();
  announce(`Signed in as ${session.principal.subject}`);
}

async function route() {
  stopPolling();
  current?.dispose?.();
  current = null;
  let hash = location.hash || '#/';
  if (!session.principal && !hash.startsWith('#/signin')) {
    rememberReturn(hash);
    hash = '#/signin';
    history.replaceState(null, '', '#/signin');
  }
  if (hash === '#/' || hash === '#') {
    location.replace(homeFor());
    return;
  }
  renderHeader();
  clear(main);
  if (hash.startsWith('#/signin')) {
    document.title = 'Sign in · Liaison';
    signin.render(main, { config: session.config, onToken: signedIn, signedIn: Boolean(session.principal) });
    return;
  }
  const match = ROUTES.map((r) => ({ r, m: r.path.exec(hash) })).find((x) => x.m);
  if (!match) {
    clear(main, h('h1', 'Page not found'), h('p', 'There is no such screen. ', h('a', { href: homeFor() }, 'Go to your start page')));
    return;
  }
  const { r, m } = match;
  document.title = `${r.title} · Liaison`;
  if (!hasRole(r.role)) {
    clear(main,
      h('h1', 'Not available for your role'),
      h('p.notice-box', { role: 'alert', id: 'forbidden' },
        `The ${r.title.toLowerCase()} screen is for the ${ROLE_LABELS[r.role]} role. You are signed in as ${session.principal.roles.map((x) => ROLE_LABELS[x] ?? x).join(', ')}.`),
      h('p', h('a', { href: homeFor() }, 'Go to your start page')));
    return;
  }
  try {
    current = (await r.view(main, ...m.slice(1))) ?? null;
  } catch (error) {
    renderError(main, error);
    return;
  }
  main.focus({ preventScroll: true });
  if (current?.refresh) {
    timer = setInterval(async () => {
      if (document.hidden) return;
      try {
        await current?.refresh();
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 401) console.warn('refresh failed', error);
      }
    }, POLL_MS);
  }
}

export function renderError(container, error) {
  if (error instanceof ApiError && error.status === 401) return; // the banner says it
  const text = error instanceof ApiError
    ? error.status === 403 ? `You may not do this: ${error.message}` : error.status === 404 ? 'Not found: it does not exist at this node, or not for your role.' : error.message
    : `Something went wrong: ${error.message}`;
  clear(container, h('h1', 'Could not load this screen'), h('p.error-box', { role: 'alert' }, text), h('p', h('a', { href: homeFor() }, 'Go to your start page')));
}

async function start() {
  try {
    session.config = await (await fetch('/console/config.json')).json();
  } catch {
    session.config = { agency: null, oidc: null };
  }
  let oidcError = null;
  try {
    const token = await completeOidc();
    if (token) {
      setToken(token, 'oidc');
      if (!location.hash || location.hash === '#/signin') history.replaceState(null, '', takeReturn() ?? '#/');
    }
  } catch (error) {
    oidcError = error;
  }
  if (session.token) {
    try {
      session.principal = await api('/me');
    } catch (error) {
      clearSession();
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        showBanner(`${explainAuthError(error)} Sign in again${error.status === 403 ? ' with an account of this agency' : ''} to continue.`);
      } else {
        showBanner(`Could not check your sign-in: ${error.message}`);
      }
    }
  }
  if (oidcError) showBanner(`Sign-in failed: ${oidcError.message}`);
  window.addEventListener('hashchange', route);
  await route();
}

start();
