import { Controller, Get, Inject, type DynamicModule, Module, type Provider } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule, type HealthIndicatorResult } from '@nestjs/terminus';

/** Something that can say whether one dependency is usable (NATS, the database …). */
export interface HealthContributor {
  check(): PromiseLike<HealthIndicatorResult>;
}
export const HEALTH_CONTRIBUTORS = Symbol('HEALTH_CONTRIBUTORS');

@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    @Inject(HEALTH_CONTRIBUTORS) private readonly contributors: HealthContributor[],
  ) {}

  @Get('health')
  @HealthCheck()
  check() {
    return this.health.check(this.contributors.map((c) => async () => c.check()));
  }
}

/** `GET /health` (terminus) built from the contributors a service lists. */
@Module({})
export class HealthModule {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  static register(contributors: Array<new (...args: never[]) => HealthContributor>, imports: DynamicModule['imports'] = []): DynamicModule {
    const aggregate: Provider = {
      provide: HEALTH_CONTRIBUTORS,
      useFactory: (...instances: HealthContributor[]) => instances,
      inject: contributors,
    };
    return {
      module: HealthModule,
      imports: [TerminusModule, ...(imports ?? [])],
      controllers: [HealthController],
      providers: [...contributors, aggregate],
    };
  }
}
