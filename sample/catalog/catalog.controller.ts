import { Body, Controller, Get, Header, Param, Put } from '@nestjs/common';
import { Cors } from '../../lib/index.js';
import { Public } from '../auth/auth.guard.js';

/**
 * Public reference data, cacheable, readable from any local page (any port) and from sandboxed
 * iframes, whose origin is `null`. The allowed origin is echoed back, so nest-cors adds
 * `Vary: Origin` and a cache keeps one copy per origin instead of serving one origin's copy to another.
 * Browsers may only read it: `PUT /api/catalog/:sku` is for server-side tools (no `Origin`), so the
 * policy offers pages GET alone.
 */
@Controller('catalog')
@Public()
@Cors({ origin: ['http://localhost:*', 'null'], credentials: false, methods: ['GET'] })
export class CatalogController {
  @Get()
  @Header('Cache-Control', 'public, max-age=300')
  list() {
    return {
      products: [
        { sku: 'mug-01', name: 'Enamel mug', price: 12 },
        { sku: 'tee-02', name: 'Logo T-shirt', price: 25 },
      ],
    };
  }

  @Put(':sku')
  update(@Param('sku') sku: string, @Body() body: { price?: unknown }) {
    return { sku, price: Number(body?.price ?? 0) };
  }
}
