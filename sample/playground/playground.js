// The CORS playground: runs each call from this page's origin and shows what the browser let the
// script read, next to what the API received and decided (from /api/diagnostics/calls/:callId).

const settings = window.PLAYGROUND;
const apiUrl = new URLSearchParams(location.search).get('api') ?? settings.apiUrl;
const apiOrigin = apiUrl === '' ? location.origin : new URL(apiUrl).origin;
const state = { token: 'no-token-yet' };

const jsonHeaders = { 'Content-Type': 'application/json' };

/** expected: outcome on a page whose origin is allowed / not allowed / the API's own. */
const calls = [
  {
    key: 'simple-get',
    title: 'Simple GET',
    request: 'GET /api/notes',
    about: 'No preflight. X-Total-Count is exposed, X-Backend is not.',
    expected: ['allowed', 'blocked', 'allowed'],
    run: (url) => fetch(url('/api/notes')),
  },
  {
    key: 'login',
    title: 'Log in with credentials',
    request: 'POST /api/auth/login',
    about: 'JSON body and credentials: "include"; the API sets an HttpOnly session cookie.',
    expected: ['allowed', 'blocked', 'allowed'],
    run: async (url) => {
      const body = JSON.stringify({ name: 'ada' });
      const response = await fetch(url('/api/auth/login'), { method: 'POST', credentials: 'include', headers: jsonHeaders, body });
      state.token = (await response.clone().json()).token ?? state.token;
      return response;
    },
  },
  {
    key: 'cookie',
    title: 'Cookie sent back',
    request: 'GET /api/auth/me',
    about: 'credentials: "include" sends the session cookie; the auth guard lets it in.',
    expected: ['allowed', 'blocked', 'allowed'],
    run: (url) => fetch(url('/api/auth/me'), { credentials: 'include' }),
  },
  {
    key: 'put-json',
    title: 'JSON PUT',
    request: 'PUT /api/notes/:id',
    about: 'PUT and Content-Type: application/json both need a preflight first.',
    expected: ['allowed', 'blocked', 'allowed'],
    run: (url, runId) => {
      const body = JSON.stringify({ text: 'Written by the playground' });
      return fetch(url(`/api/notes/playground-${runId}`), { method: 'PUT', headers: jsonHeaders, body });
    },
  },
  {
    key: 'custom-header',
    title: 'Custom header',
    request: 'GET /api/notes + X-Client-Version',
    about: 'A non-safelisted header needs a preflight; the notes API lists it in allowedHeaders.',
    expected: ['allowed', 'blocked', 'allowed'],
    run: (url) => fetch(url('/api/notes'), { headers: { 'X-Client-Version': '2.1.0' } }),
  },
  {
    key: 'authorization',
    title: 'Authorization header',
    request: 'GET /api/auth/me + Authorization',
    about: 'Bearer token from the login row, no cookie. The preflight never reaches the auth guard.',
    expected: ['allowed', 'blocked', 'allowed'],
    run: (url) => fetch(url('/api/auth/me'), { headers: { Authorization: `Bearer ${state.token}` } }),
  },
  {
    key: 'unauthorized',
    title: 'Auth guard says 401',
    request: 'GET /api/auth/me',
    about: 'No credentials: the 401 from the global auth guard still carries CORS headers.',
    expected: ['allowed', 'blocked', 'allowed'],
    run: (url) => fetch(url('/api/auth/me'), { credentials: 'omit' }),
  },
  {
    key: 'public-get',
    title: 'Public GET',
    request: 'GET /api/notes/:id',
    about: "Same path as the DELETE below, but this handler has @Cors({ origin: '*' }).",
    expected: ['allowed', 'allowed', 'allowed'],
    run: (url) => fetch(url('/api/notes/1')),
  },
  {
    key: 'admin-delete',
    title: 'Admin-only DELETE',
    request: 'DELETE /api/notes/:id',
    about: 'This handler has @Cors(isAdminOrigin): only ADMIN_ORIGINS may delete.',
    expected: ['allowed', 'blocked', 'allowed'],
    run: (url, runId) => fetch(url(`/api/notes/playground-${runId}`), { method: 'DELETE' }),
  },
  {
    key: 'refused-header',
    title: 'Header not allowed',
    request: 'PUT /api/notes/:id + X-Debug-Token',
    about: 'X-Debug-Token is not in the notes allowedHeaders: the preflight is refused, and the API says why.',
    expected: ['blocked', 'blocked', 'allowed'],
    run: (url, runId) => {
      const body = JSON.stringify({ text: 'never written' });
      return fetch(url(`/api/notes/playground-${runId}`), { method: 'PUT', headers: { ...jsonHeaders, 'X-Debug-Token': '1' }, body });
    },
  },
  {
    key: 'refused-method',
    title: 'Method not allowed',
    request: 'PUT /api/catalog/:sku',
    about: "The catalogue's policy offers pages GET only; PUT is for server-side tools.",
    expected: ['blocked', 'blocked', 'allowed'],
    run: (url) => fetch(url('/api/catalog/mug-01'), { method: 'PUT', headers: jsonHeaders, body: JSON.stringify({ price: 1 }) }),
  },
  {
    key: 'missing-credentials',
    title: 'Credentials not allowed',
    request: 'GET /api/notes/:id, credentials: "include"',
    about: 'The public handler sends no Access-Control-Allow-Credentials: with the session cookie sent, the browser hides the answer.',
    expected: ['blocked', 'blocked', 'allowed'],
    run: (url) => fetch(url('/api/notes/1'), { credentials: 'include' }),
  },
  {
    key: 'catalog',
    title: 'Public catalogue',
    request: 'GET /api/catalog',
    about: 'Any http://localhost:* origin may read it; cacheable, so the API adds Vary: Origin.',
    expected: ['allowed', 'allowed', 'allowed'],
    run: (url) => fetch(url('/api/catalog')),
  },
  {
    key: 'server-error',
    title: 'Error route (500)',
    request: 'GET /api/diagnostics/error',
    about: 'The handler throws; the 500 and its body stay readable.',
    expected: ['allowed', 'blocked', 'allowed'],
    run: (url) => fetch(url('/api/diagnostics/error')),
  },
  {
    key: 'not-found',
    title: 'Unknown route (404)',
    request: 'GET /api/no-such-route',
    about: 'Paths Nest does not know get the module defaults.',
    expected: ['allowed', 'blocked', 'allowed'],
    run: (url) => fetch(url('/api/no-such-route')),
  },
  {
    key: 'cors-disabled',
    title: '@Cors(false) route',
    request: 'GET /api/internal/metrics',
    about: 'For servers only: no other origin may call it. Same-origin calls are not CORS.',
    expected: ['blocked', 'blocked', 'allowed'],
    run: (url) => fetch(url('/api/internal/metrics')),
  },
  {
    key: 'events',
    title: 'Server-sent events',
    request: 'EventSource /api/events',
    about: 'withCredentials: true; the stream is for the logged-in user only.',
    expected: ['allowed', 'blocked', 'allowed'],
    run: (url) => readEventStream(url('/api/events')),
  },
  {
    key: 'websocket',
    title: 'WebSocket echo',
    request: 'WebSocket /api/ws',
    about:
      'Browsers apply no CORS to WebSockets: the gateway refuses the handshake itself (CorsWsAdapter) before its connection handler runs.',
    expected: ['allowed', 'blocked', 'allowed'],
    run: (url) => echoOverWebSocket(url('/api/ws').replace(/^http/, 'ws')),
  },
  {
    key: 'download',
    title: 'File download',
    request: 'GET /api/files/notes.csv',
    about: 'A StreamableFile; Content-Disposition is exposed so the file name is readable.',
    expected: ['allowed', 'blocked', 'allowed'],
    run: (url) => fetch(url('/api/files/notes.csv')),
  },
];

const kindIndex = { allowed: 0, other: 1, 'same-origin': 2 }[settings.kind];

/** Resolves with what the script could read from an event stream (nothing if it was refused). */
function readEventStream(url) {
  return new Promise((resolve) => {
    const source = new EventSource(url, { withCredentials: true });
    const messages = [];
    const finish = () => {
      clearTimeout(timer);
      source.close();
      resolve({
        allowed: messages.length > 0,
        summary: messages.length > 0 ? `${messages.length} events` : 'error event, no messages',
        body: messages.map((data) => JSON.stringify(data)).join('\n'),
        headers: [],
      });
    };
    const timer = setTimeout(finish, 3000);
    source.onmessage = (event) => {
      messages.push(JSON.parse(event.data));
      if (messages.length === 3) finish();
    };
    source.onerror = finish;
  });
}

/** Connects, sends one message and waits for its echo; a refused handshake closes before opening. */
function echoOverWebSocket(url) {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    const finish = (allowed, summary, body = '') => {
      clearTimeout(timer);
      socket.close();
      resolve({ allowed, summary, body, headers: [] });
    };
    const timer = setTimeout(() => finish(false, 'no answer in 3 s'), 3000);
    socket.onopen = () => socket.send(JSON.stringify({ event: 'echo', data: 'hello' }));
    socket.onmessage = (event) => finish(true, 'connected, message echoed', event.data);
    socket.onerror = () => finish(false, 'handshake refused: the socket never opened');
  });
}

async function perform(call, runId) {
  const callId = `${call.key}-${runId}`;
  const url = (path) => `${apiUrl}${path}?call=${callId}`;
  try {
    const result = await call.run(url, runId);
    if (!(result instanceof Response)) return { callId, ...result };
    return {
      callId,
      allowed: true,
      summary: `${result.status} ${result.statusText}`.trim(),
      status: result.status,
      body: await result.text(),
      headers: [...result.headers],
    };
  } catch (error) {
    return { callId, allowed: false, summary: String(error), body: '', headers: [] };
  }
}

async function apiSide(callId) {
  try {
    const response = await fetch(`${apiUrl}/api/diagnostics/calls/${callId}`);
    return (await response.json()).requests;
  } catch (error) {
    return [{ failed: String(error) }];
  }
}

// ---- rendering -------------------------------------------------------------------------------

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'class') node.className = value;
    else node.setAttribute(name, value);
  }
  node.append(...present(children));
  return node;
}

function present(nodes) {
  return nodes.filter((node) => node !== null && node !== undefined);
}

const withoutCallId = (text) => text.replace(/[?&]call=[\w-]*/g, '');

function truncate(text, max) {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

function renderRequest(entry) {
  if (entry.failed) return el('div', { class: 'muted' }, `Could not load: ${entry.failed}`);
  const path = withoutCallId(entry.url);
  const status = entry.status === null ? 'no response yet' : String(entry.status);
  const flags = [
    entry.preflight ? el('span', { class: 'tag tag-preflight' }, 'preflight') : null,
    entry.hadCookie ? el('span', { class: 'tag' }, 'cookie') : null,
    entry.hadAuthorization ? el('span', { class: 'tag' }, 'authorization') : null,
  ];
  const statusClass = entry.status !== null && entry.status >= 400 ? 'code code-bad' : 'code';
  const { allowed, verdict, policy } = entry.explanation;
  const verdictClass = allowed === null ? 'why-none' : allowed ? 'why-allowed' : 'why-refused';
  return el(
    'div',
    { class: 'request' },
    el(
      'div',
      { class: 'request-line' },
      el('code', {}, `${entry.method} ${path}`),
      ' → ',
      el('span', { class: statusClass }, status),
      ...flags,
    ),
    el('div', { class: `why ${verdictClass}` }, verdict),
    policy ? el('div', { class: 'policy' }, 'policy ', el('code', {}, policy)) : null,
    entry.corsReason ? el('div', { class: 'decision' }, el('span', { class: 'log-label' }, 'X-Cors-Rejection'), entry.corsReason) : null,
    entry.gatewayConnected === null
      ? null
      : el(
          'div',
          { class: 'decision' },
          el('span', { class: 'log-label' }, 'gateway'),
          entry.gatewayConnected ? 'handleConnection ran' : 'handleConnection never ran',
        ),
    ...entry.corsDecisions.map((line) =>
      el('div', { class: 'decision' }, el('span', { class: 'log-label' }, 'nest-cors log'), withoutCallId(line)),
    ),
  );
}

function renderRow(row, call, result, requests) {
  const outcome = result.allowed ? 'allowed' : 'blocked';
  const expected = call.expected[kindIndex];
  row.dataset.outcome = outcome;
  row.dataset.expected = expected;
  row.dataset.status = result.status ?? '';
  const [, outcomeCell, responseCell, apiCell] = row.children;

  outcomeCell.replaceChildren(
    el('span', { class: `badge badge-${outcome}` }, outcome),
    el(
      'div',
      { class: outcome === expected ? 'expect ok' : 'expect unexpected' },
      outcome === expected ? 'as expected' : `expected ${expected}`,
    ),
  );

  const readable = result.headers.map(([name, value]) =>
    el('div', { class: 'header' }, el('span', { class: 'header-name' }, name), `: ${truncate(value, 60)}`),
  );
  responseCell.replaceChildren(
    ...present([
      el('div', { class: result.allowed ? 'summary' : 'summary summary-blocked' }, result.summary),
      result.body ? el('pre', { class: 'body' }, truncate(result.body, 140)) : null,
      readable.length ? el('div', { class: 'headers' }, ...readable) : null,
    ]),
  );

  apiCell.replaceChildren(
    ...(requests.length ? requests.map(renderRequest) : [el('div', { class: 'muted' }, 'No request reached the API.')]),
  );
}

function renderSkeleton(badge) {
  const tbody = document.querySelector('#calls tbody');
  tbody.replaceChildren(
    ...calls.map((call) =>
      el(
        'tr',
        { 'data-call': call.key },
        el(
          'td',
          { class: 'col-call' },
          el('div', { class: 'title' }, call.title),
          el('code', { class: 'request-name' }, call.request),
          el('div', { class: 'about' }, call.about),
        ),
        el('td', { class: 'col-outcome' }, el('span', { class: 'badge badge-pending' }, badge)),
        el('td', { class: 'col-response' }),
        el('td', { class: 'col-api' }),
      ),
    ),
  );
  return [...tbody.rows];
}

async function runAll() {
  const button = document.getElementById('run');
  button.disabled = true;
  document.body.dataset.state = 'running';
  const runId = Math.random().toString(36).slice(2, 8);
  const rows = renderSkeleton('running');
  let unexpected = 0;
  for (const [index, call] of calls.entries()) {
    const result = await perform(call, runId);
    renderRow(rows[index], call, result, await apiSide(result.callId));
    if (rows[index].dataset.outcome !== rows[index].dataset.expected) unexpected++;
  }
  const allowed = rows.filter((row) => row.dataset.outcome === 'allowed').length;
  document.getElementById('summary').textContent =
    `${calls.length} calls: ${allowed} allowed, ${calls.length - allowed} blocked` +
    (unexpected ? ` — ${unexpected} not as expected` : ', all as expected');
  document.body.dataset.state = 'done';
  button.disabled = false;
}

const kindText = {
  allowed: 'allowed origin (listed in CORS_ORIGINS)',
  other: 'not-allowed origin (not in CORS_ORIGINS)',
  'same-origin': 'same origin as the API: nothing here is cross-origin',
};
document.getElementById('page-origin').textContent = location.origin;
document.getElementById('api-origin').textContent = apiOrigin;
document.getElementById('page-kind').textContent = kindText[settings.kind];
document.getElementById('page-kind').classList.add(`kind-${settings.kind}`);
document.getElementById('run').addEventListener('click', runAll);
// ?run=manual opens the page without calling anything until the button is pressed.
if (new URLSearchParams(location.search).get('run') === 'manual') {
  renderSkeleton('not run');
  document.body.dataset.state = 'idle';
} else {
  runAll();
}
