import { Body, Controller, Delete, Get, Param, Patch, Post, Put } from '@nestjs/common';

/**
 * The benchmark app's ten routes: JSON GET and PUT with path params. The measured requests go to
 * `GET /items/:id` and to preflights for `PUT /items/:id`.
 */

interface Item {
  id: string;
  name: string;
  price: number;
}

@Controller('items')
export class ItemsController {
  @Get()
  list(): Item[] {
    return [itemWithId('1'), itemWithId('2')];
  }

  @Get(':id')
  get(@Param('id') id: string): Item {
    return itemWithId(id);
  }

  @Post()
  create(@Body() item: Item): Item {
    return item;
  }

  @Put(':id')
  replace(@Param('id') id: string, @Body() item: Item): Item {
    return { ...item, id };
  }

  @Delete(':id')
  remove(@Param('id') id: string): { deleted: string } {
    return { deleted: id };
  }
}

@Controller('users')
export class UsersController {
  @Get(':userId')
  get(@Param('userId') userId: string): { id: string } {
    return { id: userId };
  }

  @Put(':userId')
  replace(@Param('userId') userId: string, @Body() user: object): object {
    return { ...user, id: userId };
  }

  @Patch(':userId')
  update(@Param('userId') userId: string, @Body() changes: object): object {
    return { ...changes, id: userId };
  }

  @Get(':userId/orders')
  orders(@Param('userId') userId: string): { userId: string; orders: string[] } {
    return { userId, orders: ['o1', 'o2'] };
  }

  @Get(':userId/orders/:orderId')
  order(@Param('userId') userId: string, @Param('orderId') orderId: string): { userId: string; orderId: string } {
    return { userId, orderId };
  }
}

export const SMALL_APP_CONTROLLERS = [ItemsController, UsersController];
export const SMALL_APP_ROUTE_COUNT = 10;

function itemWithId(id: string): Item {
  return { id, name: `item ${id}`, price: 42 };
}
