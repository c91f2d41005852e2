export { AppConfig, ConfigError, loadConfig, allowedOrigins, publicOrigin, trustList, type OriginList } from './app-config';
export { ConfigModule } from './config.module';
