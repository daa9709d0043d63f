// Feedback: ratings and free-text feedback from members.
export { submitFeedback, type FeedbackInput } from './submit-feedback.js';
