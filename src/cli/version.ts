import { readFileSync } from 'node:fs'
import { fromRoot } from '../paths.js'

/** read here, not from the sandbox module: --version answers without loading the server */
export const VERSION: string = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')).version
