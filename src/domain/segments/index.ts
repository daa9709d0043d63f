// Segments: the declarative definition, its SQL compiler, and the count/preview/save verbs.
export {
  segmentDefinitionSchema,
  segmentConditionSchema,
  type SegmentDefinition,
  type SegmentCondition,
  type SegmentGroup,
} from './definition.js';
export { compileSegment, type CompiledSegment } from './compile.js';
export { countSegment, previewSegment, saveSegment, listSegments, getSegment, type SegmentSample } from './segments.js';
