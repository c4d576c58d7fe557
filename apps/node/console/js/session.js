// Who is signed in: the bearer token (kept in this tab's sessionStorage only), the principal the
// node returns for it, and the OIDC authorization-code flow with PKCE.
const TOKEN = 'liaison.token';
const PKCE = 'liaison.pkce';
const RETURN = 'liaison.return';

export const session = {
  token: sessionStorage.getItem(TOKEN),
  principal: null,
  config: { agency: null, oidc: null },
  method: sessionStorage.getItem('liaison.method') ?? null,
};

export function setToken(token, method) {
  session.token = token;
  session.method = method;
  sessionStorage.setItem(TOKEN, token);
  sessionStorage.setItem('liaison.method', method);
}

export function clearSession() {
  session.token = null;
  session.principal = null;
  sessionStorage.removeItem(TOKEN);
  sessionStorage.removeItem('liaison.method');
}

export const hasRole = (role) => Boolean(session.principal?.roles?.includes(role));

/** Claims of a JWT for display only (the node verifies the token; the console never trusts this). */
export function peekClaims(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(decodeURIComponent(escape(atob(part))));
  } catch {
    return null;
  }
}

export function rememberReturn(hash) {
  if (hash && !hash.startsWith('#/signin')) sessionStorage.setItem(RETURN, hash);
}
export function takeReturn() {
  const hash = sessionStorage.getItem(RETURN);
  sessionStorage.removeItem(RETURN);
  return hash;
}

const b64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const random = (n = 32) => b64url(crypto.getRandomValues(new Uint8Array(n)));

export const redirectUri = () => `${location.origin}/console/`;

async function discovery(issuer) {
  const response = await fetch(`${issuer}/.well-known/openid-configuration`, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`the identity provider's discovery document answered HTTP ${response.status}`);
  const doc = await response.json();
  if (doc.issuer !== issuer) throw new Error(`the identity provider says its issuer is ${doc.issuer}, not ${issuer}`);
  return doc;
}

/** Starts the authorization-code flow: leaves the page for the identity provider. */
export async function startOidc(oidc) {
  const doc = await discovery(oidc.issuer);
  const verifier = random(48);
  const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const state = random(16);
  const nonce = random(16);
  sessionStorage.setItem(PKCE, JSON.stringify({ verifier, state, nonce, issuer: oidc.issuer, clientId: oidc.clientId }));
  const url = new URL(doc.authorization_endpoint);
  const params = {
    response_type: 'code',
    client_id: oidc.clientId,
    redirect_uri: redirectUri(),
    scope: 'openid',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    nonce,
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  location.assign(url.toString());
}

/** Finishes the flow when the identity provider sent the browser back with ?code=…&state=…. */
export async function completeOidc() {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) return null;
  const pending = JSON.parse(sessionStorage.getItem(PKCE) ?? 'null');
  sessionStorage.removeItem(PKCE);
  history.replaceState(null, '', `${location.pathname}${location.hash}`);
  if (params.has('error')) throw new Error(`the identity provider refused the sign-in: ${params.get('error_description') ?? params.get('error')}`);
  if (!pending || params.get('state') !== pending.state) throw new Error('the sign-in answer does not belong to this browser tab (state mismatch); start again');
  if (params.has('iss') && params.get('iss') !== pending.issuer) throw new Error('the sign-in answer came from another identity provider');
  const doc = await discovery(pending.issuer);
  const response = await fetch(doc.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: params.get('code'),
      redirect_uri: redirectUri(),
      client_id: pending.clientId,
      code_verifier: pending.verifier,
    }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || !body.access_token) {
    throw new Error(`the identity provider did not issue a token: ${body.error_description ?? body.error ?? `HTTP ${response.status}`}`);
  }
  return body.access_token;
}
