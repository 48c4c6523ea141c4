// api.js — the console's one way to the server: fetch calls to /roster/v1 with the session
// cookie and the CSRF token, answers as JSON, failures as ApiError (status, type, message in
// words, field). A 401 on any call made while signed in ends the session (the shell's handler
// sends the browser to sign-in with "Your session ended; sign in again").

const BASE = '/roster/v1';

/* The cached session S (see the contract), or null when signed out. */
let current = null;
/* Called once per 401 met while signed in (set by app.js). */
let sessionEnded = null;
/* Called when the server says the password must be changed first (set by app.js). */
let passwordRequired = null;

/** An error answer of the server, or no answer at all (status 0). */
export class ApiError extends Error {
  constructor({ status = 0, type = '', message = '', field = null } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.type = type;
    this.field = field;
  }
}

export const NO_ANSWER = 'The server did not answer; check your connection and try again';

/** The cached session, or null. */
export function session() {
  return current;
}

/** Caches (or, with null, forgets) the session. */
export function setSession(s) {
  current = s || null;
}

/** Sets the function called when a call made while signed in answers 401. */
export function onSessionEnded(fn) {
  sessionEnded = fn;
}

/** Sets the function called when a call answers 403 "Choose a new password first". */
export function onPasswordRequired(fn) {
  passwordRequired = fn;
}

/** path under the session's instance: inst('/jobs') -> '/instances/{InstanceId}/jobs'. */
export function inst(path = '') {
  if (!current) throw new ApiError({ status: 401, type: 'UnauthorizedException', message: 'You are not signed in' });
  return `/instances/${encodeURIComponent(current.InstanceId)}${path}`;
}

/* '/x' + params -> '/roster/v1/x?a=b'; params' null, undefined and '' members are left out. */
function url(path, params) {
  let u = BASE + path;
  if (params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params))
      if (v !== undefined && v !== null && v !== '') q.append(k, String(v));
    const s = q.toString();
    if (s) u += (u.includes('?') ? '&' : '?') + s;
  }
  return u;
}

/* Words for an error answer whose body carries no Message. */
function fallbackMessage(status) {
  if (status === 401) return 'You are not signed in';
  if (status === 403) return 'You are not allowed to do that';
  if (status === 404) return 'Not found: it may have been deleted; reload the page';
  if (status === 413) return 'The request is too large';
  if (status === 429) return 'Too many requests; wait a moment and try again';
  if (status >= 500) return `The server failed (HTTP ${status}); try again in a moment`;
  return `The server refused the request (HTTP ${status})`;
}

async function errorOf(res) {
  let doc = null;
  const type = (res.headers.get('X-Amzn-ErrorType') || '').split(':')[0];
  if ((res.headers.get('Content-Type') || '').includes('json')) {
    try { doc = await res.json(); } catch { doc = null; }
  }
  const message = doc && typeof doc.Message === 'string' && doc.Message
    ? doc.Message
    : doc && typeof doc.message === 'string' && doc.message ? doc.message : fallbackMessage(res.status);
  const field = doc && typeof doc.Field === 'string' ? doc.Field : null;
  return new ApiError({ status: res.status, type: type || (doc && doc.__type) || '', message, field });
}

/* One call. opts: {params, body (JSON-encoded), raw (a Blob/File sent as is), contentType}.
 * Resolves to the parsed JSON (or {} for an empty body); rejects with ApiError. */
async function request(method, path, opts = {}) {
  const headers = { Accept: 'application/json' };
  let body;
  if (opts.raw !== undefined) {
    body = opts.raw;
    headers['Content-Type'] = opts.contentType || 'application/octet-stream';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] = 'application/json';
  }
  if (method !== 'GET' && method !== 'HEAD' && current && current.CsrfToken)
    headers['X-CSRF-Token'] = current.CsrfToken;
  const signedIn = current !== null;
  let res;
  try {
    res = await fetch(url(path, opts.params), {
      method, headers, body, credentials: 'same-origin', cache: 'no-store', redirect: 'error',
    });
  } catch {
    throw new ApiError({ status: 0, message: NO_ANSWER });
  }
  if (!res.ok) {
    const err = await errorOf(res);
    /* 401: the session is over; 403 MissingAuthenticationToken: the cookie itself is gone (signed
     * out in another tab) — the same for the person */
    const ended = res.status === 401 || (res.status === 403 && err.type === 'MissingAuthenticationTokenException');
    if (ended && signedIn && current !== null) {
      current = null;
      if (sessionEnded) sessionEnded(err);
    } else if (res.status === 403 && signedIn && /^Choose a new password first/.test(err.message) && passwordRequired) {
      passwordRequired(err);
    }
    throw err;
  }
  const text = await res.text();
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError({ status: res.status, message: 'The server answered something that is not JSON; reload the page' });
  }
}

/** GET path?params -> JSON. */
export function get(path, params) {
  return request('GET', path, { params });
}

/** POST path with a JSON body -> JSON. */
export function post(path, body, params) {
  return request('POST', path, { body: body === undefined ? {} : body, params });
}

/** PUT path with a JSON body -> JSON. */
export function put(path, body) {
  return request('PUT', path, { body });
}

/** DELETE path -> JSON. */
export function del(path) {
  return request('DELETE', path);
}

/** POST a CSV file as the body (Content-Type text/csv), params in the query -> JSON. */
export function upload(path, file, params) {
  return request('POST', path, { raw: file, contentType: 'text/csv', params });
}

/** Downloads a file the server answers at GET path (the session cookie goes along): the
 * browser saves it and the page stays. */
export function download(path, params) {
  const a = document.createElement('a');
  a.href = url(path, params);
  a.download = '';
  a.rel = 'noopener';
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
}

/** True when the session's permissions include perm (e.g. 'Users.Edit'). */
export function can(perm) {
  return !!(current && Array.isArray(current.Permissions) && current.Permissions.includes(perm));
}
