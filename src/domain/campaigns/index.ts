// Campaigns: drafts, templates, variants and holdout, launch/pause/resume/cancel, planning, dispatch and results.
export {
  createCampaign,
  updateCampaign,
  listCampaigns,
  previewCampaign,
  launchCampaign,
  launchProblems,
  pauseCampaign,
  resumeCampaign,
  cancelCampaign,
  loadCampaign,
} from './campaigns.js';
export { campaignInputSchema, campaignPatchSchema, variantInputSchema, type CampaignInput, type CampaignPatch } from './input.js';
export {
  TEMPLATE_VARIABLES,
  templateVariables,
  unknownVariables,
  fillTemplate,
  templateProblems,
  type TemplateVariable,
} from './template.js';
export { renderForMember, type RenderedMessage } from './render.js';
export { bucketOf, bucketSql, campaignSeed, variantForBucket, variantSql } from './assign.js';
export { planCampaign, campaignStart, type PlanResult } from './plan.js';
export { dispatchOnce, deliveryKey, DEFAULT_DISPATCH, type DispatchOptions, type DispatchSummary, type DispatchDeps } from './dispatch.js';
export { parseQuietHours, quietUntil, type QuietHours } from './quiet-hours.js';
export { getCampaign, getCampaignProgress, type CampaignView, type VariantCounts, type VariantResult } from './report.js';
export { createBroadcaster, dispatchOptionsFromConfig, type Broadcaster } from './broadcaster.js';
