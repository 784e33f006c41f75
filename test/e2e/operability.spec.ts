import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Delete, Get, Put, Version, VersioningType, type INestApplication } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import { AggregationTemporality, MeterProvider, MetricReader, type DataPoint } from '@opentelemetry/sdk-metrics';
import request from 'supertest';
import { Cors, CorsModule, type CorsModuleOptions } from '../../lib/index.js';
import { ADAPTERS, createApp } from './adapters.js';

const A = 'https://a.example';
const EVIL = 'https://evil.example';

@Controller('items')
@Cors({ origin: A, credentials: true, allowedHeaders: ['Content-Type'], methods: ['GET', 'PUT'] })
class ItemsController {
  @Get(':id')
  read() {
    return { read: true };
  }

  @Put(':id')
  replace() {
    return { replaced: true };
  }

  @Delete(':id')
  remove() {
    return { removed: true };
  }
}

@Controller('public')
@Cors({ origin: A, credentials: false })
class PublicController {
  @Get()
  list() {
    return ['public'];
  }
}

@Controller('versioned')
class VersionedController {
  @Get()
  @Version('1')
  @Cors({ origin: 'https://b.example' })
  first() {
    return { version: 1 };
  }

  @Get()
  @Version('2')
  @Cors({ origin: A, credentials: true })
  second() {
    return { version: 2 };
  }
}

/** The SDK's pull reader: collects on demand, cumulative sums. */
class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

describe.each(ADAPTERS)('operable in production on %s', (_name, adapter) => {
  let app: INestApplication | undefined;
  const http = () => request(app!.getHttpServer());
  const start = async (options: CorsModuleOptions) => {
    app = await createApp({ imports: [CorsModule.forRoot(options)], controllers: [ItemsController, PublicController] }, adapter);
  };
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  describe('reasons a front-end developer can see (debug: true)', () => {
    const REASON = 'x-cors-rejection';

    it.each([
      ['a refused origin', EVIL, 'PUT', undefined, 'origin not allowed'],
      ['a refused header', A, 'PUT', 'x-token', 'header x-token not allowed'],
      ['a refused method', A, 'DELETE', undefined, 'method DELETE not allowed (allowed: GET, PUT)'],
    ])('name %s on the refused preflight', async (_label, origin, method, headers, reason) => {
      await start({ debug: true });
      const call = http().options('/items/1').set('Origin', origin).set('Access-Control-Request-Method', method);
      const res = await (headers ? call.set('Access-Control-Request-Headers', headers) : call);
      expect(res.status).toBe(403);
      expect(res.headers[REASON]).toBe(reason);
    });

    it('name a refused origin on the refused request, and credentials a route does not allow on an answered one', async () => {
      await start({ debug: true });
      const refused = await http().get('/items/1').set('Origin', EVIL);
      expect([refused.status, refused.headers[REASON]]).toEqual([403, 'origin not allowed']);
      const credentialed = await http().get('/public').set('Origin', A).set('Cookie', 'sid=1');
      expect(credentialed.status).toBe(200);
      expect(credentialed.headers['access-control-allow-credentials']).toBeUndefined();
      expect(credentialed.headers[REASON]).toBe('credentials not allowed for this route');
      const fine = await http().get('/items/1').set('Origin', A).set('Cookie', 'sid=1');
      expect(fine.headers[REASON]).toBeUndefined();
    });

    it('never carry a reason without debug', async () => {
      await start({});
      const res = await http().options('/items/1').set('Origin', EVIL).set('Access-Control-Request-Method', 'PUT');
      expect(res.status).toBe(403);
      expect(res.headers[REASON]).toBeUndefined();
      expect((await http().get('/public').set('Origin', A).set('Cookie', 'sid=1')).headers[REASON]).toBeUndefined();
    });
  });

  describe('decision counters through OpenTelemetry', () => {
    let reader: TestReader;
    let provider: MeterProvider;
    beforeAll(() => {
      reader = new TestReader();
      provider = new MeterProvider({ readers: [reader] });
      metrics.setGlobalMeterProvider(provider);
    });
    afterAll(async () => {
      metrics.disable();
      await provider.shutdown();
    });

    /** The counter's current values, by their labels joined with spaces. */
    const counts = async (): Promise<Record<string, number>> => {
      const { resourceMetrics } = await reader.collect();
      const metric = resourceMetrics.scopeMetrics
        .flatMap((scope) => scope.metrics)
        .find((candidate) => candidate.descriptor.name === 'nest_cors.decisions');
      return Object.fromEntries(
        ((metric?.dataPoints ?? []) as DataPoint<number>[]).map((point) => [Object.values(point.attributes).join(' '), point.value]),
      );
    };

    it('count preflights and requests by kind, outcome, reason and policy', async () => {
      await start({});
      await http().options('/items/1').set('Origin', A).set('Access-Control-Request-Method', 'PUT');
      await http()
        .options('/items/1')
        .set('Origin', A)
        .set('Access-Control-Request-Method', 'PUT')
        .set('Access-Control-Request-Headers', 'x-token');
      await http().get('/items/1').set('Origin', A);
      await http().get('/items/1').set('Origin', A);
      await http().get('/items/1').set('Origin', EVIL);
      expect(await counts()).toEqual({
        'preflight allowed none ItemsController.replace': 1,
        'preflight refused header ItemsController.replace': 1,
        'actual allowed none ItemsController.read': 2,
        'actual refused origin ItemsController.read': 1,
      });
    });

    it('count a request once where header versioning leaves the decision to the handler Nest selects', async () => {
      app = await createApp(
        { imports: [CorsModule.forRoot({ rejectDisallowedOrigins: false })], controllers: [VersionedController] },
        adapter,
        (nest) => nest.enableVersioning({ type: VersioningType.HEADER, header: 'X-Version' }),
      );
      const before = await counts();
      const refused = await http().get('/versioned').set('Origin', EVIL).set('X-Version', '2');
      const allowed = await http().get('/versioned').set('Origin', A).set('X-Version', '2');
      expect([refused.status, refused.headers['access-control-allow-origin']]).toEqual([200, undefined]);
      expect([allowed.status, allowed.headers['access-control-allow-origin']]).toEqual([200, A]);
      const after = await counts();
      const added = Object.fromEntries(Object.entries(after).map(([labels, value]) => [labels, value - (before[labels] ?? 0)]));
      expect(Object.fromEntries(Object.entries(added).filter(([, value]) => value !== 0))).toEqual({
        'actual refused origin VersionedController.second': 1,
        'actual allowed none VersionedController.second': 1,
      });
    });
  });
});
