import { Injectable } from '@nestjs/common';
import { TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { HealthContributor } from './health.module.js';

@Injectable()
export class DatabaseHealth implements HealthContributor {
  constructor(private readonly typeorm: TypeOrmHealthIndicator) {}

  check() {
    return this.typeorm.pingCheck('database', { timeout: 2000 });
  }
}
