export { AppConfig, ConfigError, loadConfig, allowedOrigins } from './app-config';
