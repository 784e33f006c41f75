// The writeHead hook (CORS headers and Vary) against a real Node server.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, ServerResponse, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { headersOnWriteHead, hookResponsePrototype, recordedRequest, recordOnWriteHead, varyOnWriteHead } from './cors-head.hook.js';
import type { CorsRequestState } from './cors-request-state.js';

/** An app's own response prototype carrying the hook, as nest-cors sets Express's `app.response`. */
const appResponse = Object.create(ServerResponse.prototype) as object;
hookResponsePrototype(appResponse);

/** Where the hook sits: on the response itself (Fastify), or on its app's prototype (Express). */
const PLACEMENTS: Record<string, (response: ServerResponse) => void> = {
  'hooked on the response': () => undefined,
  "hooked on the app's response prototype": (response) => Object.setPrototypeOf(response, appResponse),
};

/** Serves `handle` on loopback for the enclosing `describe`; the function returned gives its base URL. */
function serving(handle: (request: IncomingMessage, response: ServerResponse) => void): () => string {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer(handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  return () => base;
}

/** The writer a request names in its path. */
function writerNamed<W>(request: IncomingMessage, writers: Record<string, W>): W {
  return writers[decodeURIComponent((request.url ?? '/').slice(1))];
}

/** How a handler writes its response, each the way some framework or app code does it. */
const WRITERS: Record<string, (response: ServerResponse) => void> = {
  'no Vary of its own': (response) => response.end('ok'),
  'setHeader before end': (response) => {
    response.setHeader('Vary', 'Accept');
    response.end('ok');
  },
  'setHeader replacing Vary after the hook, as @Header() does': (response) => {
    response.setHeader('Vary', 'Accept-Encoding');
    response.setHeader('Vary', 'X-Version');
    response.end('ok');
  },
  'a Vary list of field lines': (response) => {
    response.setHeader('Vary', ['Accept', 'Cookie']);
    response.end('ok');
  },
  'writeHead with a headers object, lower case (Fastify)': (response) => {
    response.setHeader('X-Other', '1');
    response.writeHead(200, { vary: 'Accept', 'content-type': 'text/plain' });
    response.end('ok');
  },
  'writeHead with a headers object, no earlier header': (response) => {
    response.writeHead(201, { Vary: 'Accept' });
    response.end('ok');
  },
  'writeHead with a reason phrase and headers': (response) => {
    response.writeHead(200, 'Fine', { VARY: 'Accept' });
    response.end('ok');
  },
  'a streamed body (implicit head on first write)': (response) => {
    response.setHeader('Vary', 'Accept');
    response.write('a');
    response.end('b');
  },
  flushHeaders: (response) => {
    response.setHeader('Vary', 'Accept');
    response.flushHeaders();
    response.end();
  },
  'Vary: * stays *': (response) => {
    response.setHeader('Vary', '*');
    response.end('ok');
  },
  'Origin already there, other case': (response) => {
    response.setHeader('Vary', 'origin');
    response.end('ok');
  },
};

const EXPECTED: Record<string, string> = {
  'no Vary of its own': 'Origin',
  'setHeader before end': 'Accept, Origin',
  'setHeader replacing Vary after the hook, as @Header() does': 'X-Version, Origin',
  'a Vary list of field lines': 'Accept, Cookie, Origin',
  'writeHead with a headers object, lower case (Fastify)': 'Accept, Origin',
  'writeHead with a headers object, no earlier header': 'Accept, Origin',
  'writeHead with a reason phrase and headers': 'Accept, Origin',
  'a streamed body (implicit head on first write)': 'Accept, Origin',
  flushHeaders: 'Accept, Origin',
  'Vary: * stays *': '*',
  'Origin already there, other case': 'origin',
};

describe.each(Object.keys(PLACEMENTS))('varyOnWriteHead on a real Node server, %s', (placement) => {
  const base = serving((request, response) => {
    PLACEMENTS[placement](response);
    varyOnWriteHead(response, 'Origin');
    if (request.headers['x-twice']) varyOnWriteHead(response, 'Origin, Access-Control-Request-Method');
    writerNamed(request, WRITERS)(response);
  });

  it.each(Object.keys(WRITERS))('%s', async (name) => {
    const response = await fetch(`${base()}/${encodeURIComponent(name)}`);
    await response.arrayBuffer();
    expect(response.headers.get('vary')).toBe(EXPECTED[name]);
  });

  it('merges the names of a second call into one Vary line', async () => {
    const response = await fetch(`${base()}/${encodeURIComponent('setHeader before end')}`, { headers: { 'x-twice': '1' } });
    await response.arrayBuffer();
    expect(response.headers.get('vary')).toBe('Accept, Origin, Access-Control-Request-Method');
  });
});

/** How a handler writes its response, for the CORS header lines. */
const LINE_WRITERS: Record<string, (response: ServerResponse) => void> = {
  'end with no header of its own': (response) => response.end('ok'),
  'writeHead with a headers object and no earlier header (Fastify)': (response) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end('ok');
  },
  'writeHead with a headers object after setHeader': (response) => {
    response.setHeader('X-Other', '1');
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end('ok');
  },
  'writeHead with a reason phrase and a list of lines': (response) => {
    response.writeHead(200, 'Fine', ['Content-Type', 'text/plain']);
    response.end('ok');
  },
  'a streamed body (implicit head on first write)': (response) => {
    response.write('a');
    response.end('b');
  },
  'its own Access-Control-Allow-Origin through setHeader': (response) => {
    response.setHeader('Access-Control-Allow-Origin', 'https://own.example');
    response.end('ok');
  },
  'its own Access-Control-Allow-Origin in a lower-case headers object (Fastify)': (response) => {
    response.writeHead(200, { 'access-control-allow-origin': 'https://own.example' });
    response.end('ok');
  },
  'its own Access-Control-Allow-Origin in a headers object, other case': (response) => {
    response.writeHead(200, { 'ACCESS-CONTROL-ALLOW-ORIGIN': 'https://own.example' });
    response.end('ok');
  },
  'its own Access-Control-Allow-Origin in a list of lines': (response) => {
    response.writeHead(200, ['Access-Control-Allow-Origin', 'https://own.example']);
    response.end('ok');
  },
};

describe.each(Object.keys(PLACEMENTS))('headersOnWriteHead on a real Node server, %s', (placement) => {
  const LINES = ['Access-Control-Allow-Origin', 'https://a.example', 'Access-Control-Allow-Credentials', 'true'];
  const base = serving((request, response) => {
    PLACEMENTS[placement](response);
    headersOnWriteHead(response, LINES);
    varyOnWriteHead(response, 'Origin');
    if (request.headers['x-wrapped']) wrapWriteHead(response);
    // A second call replaces the lines, as the guard does for the handler Nest selected.
    if (request.headers['x-refused']) headersOnWriteHead(response, []);
    writerNamed(request, LINE_WRITERS)(response);
  });

  it.each(Object.keys(LINE_WRITERS))('%s', async (name) => {
    const response = await fetch(`${base()}/${encodeURIComponent(name)}`);
    await response.arrayBuffer();
    const own = name.startsWith('its own');
    expect(response.headers.get('access-control-allow-origin')).toBe(own ? 'https://own.example' : 'https://a.example');
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('vary')).toBe('Origin');
  });

  it('writes no lines after a second call replaced them with none', async () => {
    const response = await fetch(`${base()}/${encodeURIComponent('end with no header of its own')}`, { headers: { 'x-refused': '1' } });
    await response.arrayBuffer();
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('vary')).toBe('Origin');
  });

  it.each([
    ['keeps', {}, 'https://a.example'],
    ['replaces', { 'x-refused': '1' }, null],
  ])('%s the lines once when app middleware wrapped writeHead between the two calls', async (_, headers, allowOrigin) => {
    const response = await fetch(`${base()}/${encodeURIComponent('end with no header of its own')}`, {
      headers: { 'x-wrapped': '1', ...headers },
    });
    await response.arrayBuffer();
    expect(response.headers.get('x-wrapper-calls')).toBe('1');
    expect(response.headers.get('access-control-allow-origin')).toBe(allowOrigin);
    expect(response.headers.get('vary')).toBe('Origin');
  });
});

/** Wraps `writeHead` with a function of the response's own, as `on-headers` (compression, sessions) does. */
function wrapWriteHead(response: ServerResponse): void {
  const writeHead = response.writeHead;
  let calls = 0;
  response.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    this.setHeader('X-Wrapper-Calls', String(++calls));
    return (writeHead as (...args: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['writeHead'];
}

describe.each(Object.keys(PLACEMENTS))('recordOnWriteHead on a real Node server, %s', (placement) => {
  const base = serving((request, response) => {
    PLACEMENTS[placement](response);
    if (request.url === '/recorded') {
      varyOnWriteHead(response, 'Accept-Encoding');
      const state = { origin: 'https://a.example', candidates: [] } as unknown as CorsRequestState;
      recordOnWriteHead(response, 'Origin', ['Access-Control-Allow-Origin', 'https://a.example'], state);
      response.setHeader('X-Recorded', recordedRequest(response) === state ? 'same' : 'other');
    } else response.setHeader('X-Recorded', String(recordedRequest(response)));
    response.end('ok');
  });

  it('adds its Vary names and lines to the head and keeps the state for the guard', async () => {
    const response = await fetch(`${base()}/recorded`);
    await response.arrayBuffer();
    expect(response.headers.get('x-recorded')).toBe('same');
    expect(response.headers.get('vary')).toBe('Accept-Encoding, Origin');
    expect(response.headers.get('access-control-allow-origin')).toBe('https://a.example');
  });

  it('has no state for a response nothing was recorded for', async () => {
    const response = await fetch(`${base()}/other`);
    await response.arrayBuffer();
    expect(response.headers.get('x-recorded')).toBe('undefined');
    expect(response.headers.get('vary')).toBeNull();
  });
});

describe("a response on the app's hooked prototype that nest-cors decided nothing for", () => {
  const base = serving((_request, response) => {
    PLACEMENTS["hooked on the app's response prototype"](response);
    response.setHeader('Vary', 'Accept');
    response.writeHead(201, { 'content-type': 'text/plain' });
    response.end('ok');
  });

  it('is written as it would be without the hook', async () => {
    const response = await fetch(`${base()}/`);
    expect(response.status).toBe(201);
    expect(await response.text()).toBe('ok');
    expect(response.headers.get('vary')).toBe('Accept');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("leaves Node's own ServerResponse.prototype alone", () => {
    const writeHead = ServerResponse.prototype.writeHead;
    hookResponsePrototype(ServerResponse.prototype);
    expect(ServerResponse.prototype.writeHead).toBe(writeHead);
  });
});
