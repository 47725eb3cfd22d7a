// The banks the payer picks from on the sandbox's pages (widget and hosted checkout): ids as Fintoc's
// `institution_id`, names as a person reads them.

export interface Institution {
  id: string
  name: string
}

export const INSTITUTIONS: Record<'CLP' | 'MXN', readonly Institution[]> = {
  CLP: [
    { id: 'cl_banco_de_chile', name: 'Banco de Chile' },
    { id: 'cl_banco_santander', name: 'Banco Santander' },
    { id: 'cl_banco_estado', name: 'BancoEstado' },
  ],
  MXN: [
    { id: 'mx_banco_bbva', name: 'BBVA México' },
    { id: 'mx_banco_santander', name: 'Santander México' },
    { id: 'mx_banco_banorte', name: 'Banorte' },
  ],
}

export const institutionsFor = (currency: 'CLP' | 'MXN') => INSTITUTIONS[currency]
