// Label and field selectors, with the apiserver's parsing rules and error texts.
export * from './label-selector.ts';
export {
  newLabelRequirement,
  requirementMatches,
  formatRequirement,
  type LabelOperator,
  type LabelRequirement,
  type RequirementResult,
} from './label-requirement.ts';
export * from './field-selector.ts';
export { qualifiedNameErrors, labelValueErrors, dns1123SubdomainErrors } from './validation.ts';
