export { AppConfig, ConfigError, loadConfig, allowedOrigins } from './app-config';
export { ConfigModule } from './config.module';
