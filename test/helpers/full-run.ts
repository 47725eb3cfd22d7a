import type { TestProject } from 'vitest/node'

// Run-wide checks hold a full run to volume minimums; a run of some files or some test names sees little by design.

export async function isFullRun(project: TestProject): Promise<boolean> {
  const { testFiles } = await project.globTestFiles()
  return !project.config.testNamePattern && project.vitest.state.getTestModules().length >= testFiles.length
}
