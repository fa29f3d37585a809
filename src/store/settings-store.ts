/** Small durable key/value facts about this installation (admin token hash, first-run marker). */
export interface SettingsStore {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}
