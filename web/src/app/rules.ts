// Validation rules the forms check before sending (the server checks them again).
export const MIN_PASSWORD = 10;
export const MAX_PASSWORD = 256;
export const USERNAME_RE = /^[\p{L}\p{N}._@-]+$/u;
export const CODE_RE = /^[a-z0-9][a-z0-9_-]*$/;
export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
