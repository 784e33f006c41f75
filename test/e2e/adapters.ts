import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';

/** The two HTTP adapters every e2e suite runs on. */
export const ADAPTERS = [
  ['express', () => new ExpressAdapter()],
  ['fastify', () => new FastifyAdapter()],
] as const;

export type AdapterFactory = (typeof ADAPTERS)[number][1];

/**
 * Compiles a module, creates the app on the adapter, lets `configure` set a global prefix or
 * versioning, and initialises it (ready for supertest on `app.getHttpServer()`).
 */
export async function createApp(
  metadata: ModuleMetadata,
  adapter: AdapterFactory,
  configure: (app: INestApplication) => void = () => {},
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const app = moduleRef.createNestApplication(adapter(), { logger: false });
  configure(app);
  await app.init();
  const instance = app.getHttpAdapter().getInstance() as { ready?: () => Promise<unknown> };
  if (typeof instance.ready === 'function') await instance.ready();
  return app;
}
