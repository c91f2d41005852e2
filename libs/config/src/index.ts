export { AppConfig, ConfigError, loadConfig, allowedOrigins, hasTlsFiles, publicOrigin, trustList, type OriginList } from './app-config';
export { ConfigModule } from './config.module';
