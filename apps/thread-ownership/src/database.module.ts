import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource, TypeOrmModule } from '@nestjs/typeorm';
import { runMigrationsWithLock } from '@app/platform';
import { DataSource } from 'typeorm';
import { THREAD_OWNERSHIP_SCHEMA, threadOwnershipDataSourceOptions } from './data-source.js';

/** Brings the schema up to date before anything reads it (onModuleInit runs before any bootstrap hook). */
@Injectable()
class MigrateOnBoot implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ConfigService,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.config.get<boolean>('DB_SKIP_MIGRATIONS')) await runMigrationsWithLock(this.dataSource, THREAD_OWNERSHIP_SCHEMA);
  }
}

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      useFactory: (config: ConfigService) => threadOwnershipDataSourceOptions(config.getOrThrow<string>('DATABASE_URL')),
      inject: [ConfigService],
    }),
  ],
  providers: [MigrateOnBoot],
})
export class DatabaseModule {}
