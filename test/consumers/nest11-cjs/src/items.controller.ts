import { Controller, Get } from '@nestjs/common';
import { Cors } from 'nest-cors';

@Controller('items')
export class ItemsController {
  @Get()
  list(): { items: string[] } {
    return { items: ['a', 'b'] };
  }

  /** Handler-level policy: replaces the module's origin list for this route only. */
  @Get('partner')
  @Cors('http://partner.test')
  partner(): { partner: boolean } {
    return { partner: true };
  }
}
