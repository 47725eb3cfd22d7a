// CLABE: 18 digits = bank (3) + plaza (3) + account (11) + check digit (weights 3,7,1).

const WEIGHTS = [3, 7, 1] as const

export function clabeCheckDigit(first17: string): number {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += (Number(first17[i]) * WEIGHTS[i % 3]!) % 10
  return (10 - (sum % 10)) % 10
}

export const isValidClabe = (clabe: string): boolean =>
  /^[0-9]{18}$/.test(clabe) && clabeCheckDigit(clabe.slice(0, 17)) === Number(clabe[17])

/** builds a CLABE from a 6-digit bank+plaza prefix and a sequence number */
export function makeClabe(prefix6: string, sequence: number): string {
  const first17 = prefix6 + String(sequence).padStart(11, '0')
  return first17 + clabeCheckDigit(first17)
}
