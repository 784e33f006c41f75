// Picks the platform of the app's HTTP adapter.
import type { CorsPlatform, HttpAdapterLike } from './cors-platform.js';
import { ExpressPlatform, type ExpressAdapterLike } from './express.platform.js';
import { FastifyPlatform, type FastifyAdapterLike } from './fastify.platform.js';
import { GenericPlatform } from './generic.platform.js';

/** The platform of the app's HTTP adapter. */
export function createCorsPlatform(adapter: HttpAdapterLike): CorsPlatform {
  switch (adapter.getType()) {
    case 'express':
      return new ExpressPlatform(adapter as HttpAdapterLike & ExpressAdapterLike);
    case 'fastify':
      return new FastifyPlatform(adapter as HttpAdapterLike & FastifyAdapterLike);
    default:
      return new GenericPlatform(adapter);
  }
}
