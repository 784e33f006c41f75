import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';

/** `npm start` (after `npm run build`): the same app as a user would run it, on Express or Fastify. */
async function bootstrap(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  if (process.env.ADAPTER === 'fastify') {
    const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter());
    await app.listen(port, '127.0.0.1');
  } else {
    const app = await NestFactory.create(AppModule);
    await app.listen(port, '127.0.0.1');
  }
}

void bootstrap();
