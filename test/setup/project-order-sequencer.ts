import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Vitest runs projects in name order and, within one, the longest files of the last run first.
 * Here: chromium (browser) and the unit files start first, then integration; and in every project
 * the suites that mostly sleep through real budget windows go first even without a last run, so
 * the CPU-bound files fill their waits instead of one sleeper ending the run alone.
 */
const PROJECT_ORDER = ['browser', 'unit', 'integration'];
const WAITS_ON_REAL_TIME = /account-budgets/;

export class ProjectOrderSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification): number => {
      const project = PROJECT_ORDER.indexOf(spec.project.name);
      return (project === -1 ? PROJECT_ORDER.length : project) * 2 + (WAITS_ON_REAL_TIME.test(spec.moduleId) ? 0 : 1);
    };
    return sorted
      .map((spec, index) => ({ spec, index }))
      .sort((a, b) => rank(a.spec) - rank(b.spec) || a.index - b.index)
      .map(({ spec }) => spec);
  }
}
