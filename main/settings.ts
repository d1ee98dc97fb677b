// The shell's own preferences in userData/settings.json (crew LAN on/off survives a restart).
// Validated on read like every stored JSON (STYLE 8); a broken file gives the defaults.
import { z } from 'zod';

const SettingsSchema = z.object({ crewLan: z.boolean().default(true) });
export type ShellSettings = z.infer<typeof SettingsSchema>;

export function parseSettings(text: string | null): ShellSettings {
  try {
    const parsed = SettingsSchema.safeParse(text === null ? {} : JSON.parse(text));
    return parsed.success ? parsed.data : SettingsSchema.parse({});
  } catch {
    return SettingsSchema.parse({});
  }
}

export function serializeSettings(s: ShellSettings): string {
  return `${JSON.stringify(SettingsSchema.parse(s), null, 2)}\n`;
}
