import { writeFileSync } from 'node:fs'
import path from 'node:path'
import ts from 'typescript'

// dist/scenario/input.d.ts with the Scenario type spelt out: tsc would declare it as z.input<typeof schema>, so a
// consumer's tsc (skipLibCheck false) would check zod's declarations too, which fail under module commonjs without
// esModuleInterop; spelt out, the public types import nothing.

const FLAGS = ts.NodeBuilderFlags.NoTruncation | ts.NodeBuilderFlags.InTypeAlias

/** clears the single-line flag the type printer sets on object types, so each member gets its own line */
function multiline(node) {
  const clear = (n) => {
    ts.setEmitFlags(n, ts.getEmitFlags(n) & ~ts.EmitFlags.SingleLine)
    // forEachChild stops at the first child for which the callback returns a value
    ts.forEachChild(n, clear)
  }
  clear(node)
  return node
}

export function writeScenarioType(root, dist) {
  const file = path.join(root, 'src/scenario/input.ts')
  const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')) } }
  const { options } = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.build.json'), {}, host)
  const program = ts.createProgram({ rootNames: [file], options: { ...options, noEmit: true } })
  const source = program.getSourceFile(file)
  const alias = source?.statements.find((s) => ts.isTypeAliasDeclaration(s) && s.name.text === 'ScenarioInput')
  if (!alias) throw new Error('src/scenario/input.ts declares no type ScenarioInput')
  const checker = program.getTypeChecker()
  const node = checker.typeToTypeNode(checker.getTypeAtLocation(alias.name), undefined, FLAGS)
  const declaration = ts.factory.createTypeAliasDeclaration([ts.factory.createModifier(ts.SyntaxKind.ExportKeyword)], 'ScenarioInput', undefined, multiline(node))
  const text = ts.createPrinter().printNode(ts.EmitHint.Unspecified, declaration, source)
  // a type the printer could not spell out would reach the consumer as any or as an import of an internal file
  if (/\bany\b|import\(/.test(text)) throw new Error(`ScenarioInput did not expand to plain types:\n${text}`)
  const doc = '/** A scenario object for startSandbox, as a scenario file holds it (z.input of the schema the sandbox validates with). */'
  writeFileSync(path.join(dist, 'scenario', 'input.d.ts'), `${doc}\n${text}\n`)
}
