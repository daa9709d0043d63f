// Feedback: ratings, free-text feedback and complaints from members, and the surveys that ask for them.
export { submitFeedback, type FeedbackInput, type FeedbackResult } from './submit-feedback.js';
export { categorizeFeedback, sentimentOf, sentimentOfScore } from './categorize.js';
export {
  parseRating,
  createSurvey,
  withdrawSurvey,
  openSurvey,
  answerSurvey,
  commentOnSurvey,
  COMMENT_WINDOW_MS,
  type AnswerResult,
  type NewSurvey,
} from './surveys.js';
export { listFeedback, type FeedbackRow } from './list-feedback.js';
export { feedbackReport, type FeedbackReport } from './reports.js';
