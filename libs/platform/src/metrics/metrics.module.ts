import { Controller, Get, Header, Module, type OnModuleInit } from '@nestjs/common';
import { collectDefaultMetrics, register } from 'prom-client';

/** Prometheus text format at GET /metrics, process metrics included. */
@Controller()
export class MetricsController {
  @Get('metrics')
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}

let defaultsCollected = false;

@Module({ controllers: [MetricsController] })
export class MetricsModule implements OnModuleInit {
  onModuleInit(): void {
    // Tests build several apps in one process; default collectors may be registered only once.
    if (defaultsCollected) return;
    collectDefaultMetrics();
    defaultsCollected = true;
  }
}
