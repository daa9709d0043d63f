// Member analytics (RFM, lifecycle, CLV) recomputed set-based by a job and after order imports.
export { computeMemberAnalytics, DEFAULT_LIFECYCLE, SPEND_STATUS_LIST, type LifecycleRules } from './member-analytics.js';
