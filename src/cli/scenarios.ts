import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Config } from '../config.js'
import type { ProviderModule } from '../providers/types.js'
import { resolveScenarioPath } from '../sandbox.js'
import { parseScenario, type Scenario } from '../scenario/load.js'
import { StartError } from './start-error.js'

// The scenarios of the command line: files (as the user wrote them) and inline JSON, read before anything opens.

export interface LoadedScenario {
  /** where it came from, for the banner: the path as written (and where it was found), or the flag */
  source: string
  scenario: Scenario
}

const REASONS: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'a folder, not a file' }

const parseJson = (text: string, what: string): unknown => {
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new StartError(`${what}: not valid JSON (${(err as Error).message})`)
  }
}

export async function readCliScenarios(modules: ProviderModule[], config: Config): Promise<LoadedScenario[]> {
  const given = config.given.scenario ?? 'the default scenario'
  const loaded: LoadedScenario[] = []
  for (const written of config.scenarios) {
    const found = resolveScenarioPath(written)
    // a missing file is named where the user would look for it: against the working directory
    const file = existsSync(found) ? found : path.resolve(written)
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? ''
      throw new StartError(`${given} ${written}: cannot read ${file} (${REASONS[code] ?? code})`)
    }
    const scenario = parseScenario(modules, parseJson(text, `${given} ${written}`), written)
    loaded.push({ source: file === path.resolve(written) ? written : `${written} (${file})`, scenario })
  }
  if (config.scenarioJson !== undefined) {
    const flag = config.given['scenario-json'] ?? '--scenario-json'
    loaded.push({ source: flag, scenario: parseScenario(modules, parseJson(config.scenarioJson, flag), flag) })
  }
  return loaded
}
