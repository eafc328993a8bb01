/**
 * The forms a secret can take in an answer when a hostile query dresses it up to slip past masking: as is, reversed,
 * hex (either case) and base64 at each of the three alignments it can sit at inside a longer encoded string (the
 * stable middle of each). Masking that only knows the plain value misses all but the first.
 */
export function leakForms(secret: string): { form: string; text: string }[] {
  const bytes = Buffer.from(secret, 'utf8');
  const hex = bytes.toString('hex');
  const forms = [
    { form: 'plain', text: secret },
    { form: 'reversed', text: [...secret].reverse().join('') },
    { form: 'hex', text: hex },
    { form: 'HEX', text: hex.toUpperCase() },
  ];
  for (let pad = 0; pad < 3; pad++) {
    const encoded = Buffer.concat([Buffer.alloc(pad, 0x41), bytes]).toString('base64');
    // Drop the group holding the padding bytes and the last group, which depends on what follows the secret.
    const start = pad === 0 ? 0 : 4;
    const end = Math.floor((pad + bytes.length) / 3) * 4;
    if (end - start >= 8) forms.push({ form: `base64+${pad}`, text: encoded.slice(start, end) });
  }
  return forms;
}

/** Where any of `secrets` (in any leak form) occurs in `text`: one line per finding, empty when clean. */
export function findLeaks(text: string, secrets: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [name, secret] of Object.entries(secrets)) {
    for (const { form, text: needle } of leakForms(secret)) {
      const at = text.indexOf(needle);
      if (at >= 0)
        found.push(`${name} (${form}) at ...${text.slice(Math.max(0, at - 60), at + needle.length + 20)}...`);
    }
  }
  return found;
}
