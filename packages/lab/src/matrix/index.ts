// The flag matrix's public surface: run it, write its reports, add its command.
export { runMatrix, MatrixUnavailableError, type MatrixOptions, type MatrixEvent } from './run-matrix.ts';
export {
  DIMENSIONS,
  parseFilter,
  planMatrix,
  combinationId,
  clusterPlan,
  kubeletPlan,
  type Dimension,
  type DimensionValue,
  type Combination,
  type MatrixFilter,
  type MatrixPlan,
  type ClusterPlan,
  type KubeletPlan,
} from './dimensions.ts';
export { describeDisagreements, type MatrixReport, type CombinationResult, type AttackResult, type Evidence, type ReportDimension } from './report.ts';
export { formatMarkdown } from './report-markdown.ts';
export { formatHtml } from './report-html.ts';
export { formatJson, writeReports, type ReportPaths } from './write-reports.ts';
export { createProgress, type Progress, type ProgressTarget } from './progress.ts';
export { addMatrixCommand } from './matrix-command.ts';
