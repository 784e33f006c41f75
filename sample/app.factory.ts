import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { CorsWsAdapter } from '../lib/cors-ws.adapter.js';
import { AppModule } from './app.module.js';
import type { SampleAdapter } from './config.js';
import { PlaygroundLogger } from './diagnostics/playground-logger.js';
import { RequestJournal } from './diagnostics/request-journal.js';
import { PLAYGROUND_ROUTES } from './playground/playground.controller.js';

export type SampleApp = NestExpressApplication | NestFastifyApplication;

export interface SampleAppOptions {
  /** Print nothing (the tests); the CORS decisions are still captured for the playground. */
  silent?: boolean;
}

/** Creates the sample API on either HTTP adapter, ready to `listen()`. */
export async function createSampleApp(adapter: SampleAdapter, options: SampleAppOptions = {}): Promise<SampleApp> {
  const logger = new PlaygroundLogger(options.silent);
  const app =
    adapter === 'fastify'
      ? await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger })
      : await NestFactory.create<NestExpressApplication>(AppModule, new ExpressAdapter(), { logger });
  app.setGlobalPrefix('api', { exclude: PLAYGROUND_ROUTES });
  app.useWebSocketAdapter(new CorsWsAdapter(app));
  app.get(RequestJournal).attach(app.getHttpServer());
  return app;
}
