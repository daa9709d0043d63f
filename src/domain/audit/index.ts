// Audit: the append-only record of staff actions.
export { appendAuditEntry, auditLog, listAuditLog, type AuditInput, type AuditVia } from './audit-log.js';
