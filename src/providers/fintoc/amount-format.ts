// Amounts as Fintoc's pages show them: major units, `.` between thousands, `,` before centavos
// (`$150.000 CLP`, `$1.500,00 MXN`).

const groupThousands = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, '.')

/** `amount` in the smallest unit: pesos for CLP, centavos for MXN */
export function formatAmount(amount: number, currency: 'CLP' | 'MXN'): string {
  const sign = amount < 0 ? '-' : ''
  const abs = Math.abs(Math.trunc(amount))
  if (currency === 'CLP') return `${sign}$${groupThousands(String(abs))} CLP`
  const cents = String(abs % 100).padStart(2, '0')
  return `${sign}$${groupThousands(String(Math.floor(abs / 100)))},${cents} MXN`
}
