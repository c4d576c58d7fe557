export { ConfigError, EnvReader, settingValue, type Env } from './env';
