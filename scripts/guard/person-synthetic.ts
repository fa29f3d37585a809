export function syntheticPersonRows(): { text: string; spans: { type: string; start: number; end: number }[] }[] {
  return [];
}
