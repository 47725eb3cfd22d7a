import { fileURLToPath } from 'node:url'
import path from 'node:path'

// The package root, whether running from src/ (tsx, vitest) or dist/ (built).
export const PACKAGE_ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..')

export const fromRoot = (...parts: string[]) => path.resolve(PACKAGE_ROOT, ...parts)
