import type { DiscordEmbed } from './discord-request.js';

/**
 * Discord's message and embed limits; over them Discord answers 400 (50035) for the whole message,
 * so values are truncated with '…' instead.
 * https://discord.com/developers/docs/resources/message#create-message-jsonform-params (content)
 * https://discord.com/developers/docs/resources/message#embed-object-embed-limits (embeds)
 */
export const DISCORD_LIMITS = {
  content: 2000,
  title: 256,
  description: 4096,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  /** Sum of every title, description, field name and value and footer text in one message. */
  embedsTotal: 6000,
} as const;

/** Cuts `text` to at most `max` UTF-16 units, ending with '…', without splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/**
 * Applies the per-field limits, then the 6000-character total in reading order (later text is cut
 * first). Fields left without a name or value, and embeds left without text, are dropped.
 */
export function fitEmbeds(embeds: readonly DiscordEmbed[]): DiscordEmbed[] {
  let budget: number = DISCORD_LIMITS.embedsTotal;
  const take = (text: string | undefined, max: number): string | undefined => {
    if (text === undefined || text === '' || budget <= 0) return undefined;
    const cut = truncate(text, Math.min(max, budget));
    budget -= cut.length;
    return cut;
  };
  const fitted: DiscordEmbed[] = [];
  for (const embed of embeds) {
    const { title, description, footer, fields, ...rest } = embed;
    const out: DiscordEmbed = { ...rest };
    const t = take(title, DISCORD_LIMITS.title);
    if (t !== undefined) out.title = t;
    const d = take(description, DISCORD_LIMITS.description);
    if (d !== undefined) out.description = d;
    if (fields !== undefined) {
      const kept = [];
      for (const field of fields) {
        const name = take(field.name, DISCORD_LIMITS.fieldName);
        const value = name === undefined ? undefined : take(field.value, DISCORD_LIMITS.fieldValue);
        if (name !== undefined && value !== undefined) kept.push({ ...field, name, value });
      }
      if (kept.length > 0) out.fields = kept;
    }
    const f = take(footer?.text, DISCORD_LIMITS.footerText);
    if (f !== undefined) out.footer = { text: f };
    if (out.title !== undefined || out.description !== undefined || out.fields !== undefined || out.footer !== undefined) fitted.push(out);
  }
  return fitted;
}
