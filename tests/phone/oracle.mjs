// The independent implementation the phone rules are compared with (issue 14):
// libphonenumber-js (its "max" metadata, so number types are known), Google's rules
// in JavaScript. Reads one JSON case a line on stdin, [region or null, input], and
// writes one JSON verdict a line on stdout, in the same order:
//   {"c": "extension"} | {"c": "valid", "t": TYPE, "e": E164} | {"c": "refused", "k": KIND}
// KIND: too_short, too_long, not_valid (the right length, no such number), country.
import { parsePhoneNumberWithError, validatePhoneNumberLength } from 'libphonenumber-js/max';
import { createInterface } from 'node:readline';

const errors = { TOO_SHORT: 'too_short', NOT_A_NUMBER: 'too_short', TOO_LONG: 'too_long', INVALID_COUNTRY: 'country' };

function verdict([region, input]) {
  let p;
  try {
    p = parsePhoneNumberWithError(input, region ?? undefined);
  } catch (e) {
    return { c: 'refused', k: errors[e.message] ?? e.message };
  }
  if (p.ext) return { c: 'extension' };
  if (p.isValid()) return { c: 'valid', t: p.getType() ?? 'UNKNOWN', e: p.number };
  const length = validatePhoneNumberLength(input, region ?? undefined);
  return { c: 'refused', k: { TOO_SHORT: 'too_short', TOO_LONG: 'too_long' }[length] ?? 'not_valid' };
}

const out = [];
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim()) out.push(JSON.stringify(verdict(JSON.parse(line))));
}
process.stdout.write(out.join('\n') + '\n');
