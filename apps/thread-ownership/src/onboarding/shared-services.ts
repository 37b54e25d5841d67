import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { GraphClient } from '@app/graph-api';
import { Clock } from '@app/platform';
import { PagesService } from '../pages/pages.service.js';

/**
 * The app's single PagesService (one Page cache), GraphClient (one per-Page rate limiter) and
 * Clock. They are declared in AppModule, whose providers an imported module cannot inject, so
 * they are looked up once at init; a missing one fails the boot. Becomes plain constructor
 * injection once pages/ and the Graph client have modules of their own.
 */
@Injectable()
export class SharedServices implements OnModuleInit {
  pages: PagesService;
  graph: GraphClient;
  clock: Clock;

  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    this.pages = this.moduleRef.get(PagesService, { strict: false });
    this.graph = this.moduleRef.get(GraphClient, { strict: false });
    this.clock = this.moduleRef.get(Clock, { strict: false });
  }
}
