/**
 * A federation's attachment policy: which media types, how large each attachment, how large a
 * notice's attachments in all. Every node of a federation runs with the same values; a sender
 * checks them before upload and before sending, a receiver refuses what exceeds them.
 */
import { ConfigError, EnvReader } from '@liaison/config';
import { AttachmentDescriptor } from './descriptor';
import { DEFAULT_MAX_ATTACHMENT_BYTES, DEFAULT_MAX_NOTICE_ATTACHMENT_BYTES, MAX_ATTACHMENT_BYTES_PROTOCOL } from './limits';
import { BUILT_IN_MEDIA, MediaRule, parseMediaAllowList } from './media';

export interface AttachmentPolicy {
  maxAttachmentBytes: number;
  maxNoticeBytes: number;
  /** The built-in types and the federation's additions. */
  media: readonly MediaRule[];
}

export const DEFAULT_ATTACHMENT_POLICY: AttachmentPolicy = {
  maxAttachmentBytes: DEFAULT_MAX_ATTACHMENT_BYTES,
  maxNoticeBytes: DEFAULT_MAX_NOTICE_ATTACHMENT_BYTES,
  media: BUILT_IN_MEDIA,
};

export const ENV_MAX_ATTACHMENT_BYTES = 'LIAISON_ATTACHMENT_MAX_BYTES';
export const ENV_MAX_NOTICE_ATTACHMENT_BYTES = 'LIAISON_ATTACHMENT_MAX_NOTICE_BYTES';
export const ENV_ATTACHMENT_MEDIA_TYPES = 'LIAISON_ATTACHMENT_MEDIA_TYPES';

/** The policy from the environment; a wrong value throws a ConfigError naming the variable. */
export function attachmentPolicyFromEnv(env: EnvReader): AttachmentPolicy {
  const maxAttachmentBytes = env.integer(ENV_MAX_ATTACHMENT_BYTES, DEFAULT_MAX_ATTACHMENT_BYTES, { min: 1, max: MAX_ATTACHMENT_BYTES_PROTOCOL });
  const maxNoticeBytes = env.integer(ENV_MAX_NOTICE_ATTACHMENT_BYTES, Math.max(DEFAULT_MAX_NOTICE_ATTACHMENT_BYTES, maxAttachmentBytes), {
    min: maxAttachmentBytes,
    max: 2 * MAX_ATTACHMENT_BYTES_PROTOCOL,
  });
  const extra = parseMediaAllowList(env.optional(ENV_ATTACHMENT_MEDIA_TYPES) ?? '');
  if (typeof extra === 'string') throw new ConfigError(ENV_ATTACHMENT_MEDIA_TYPES, extra);
  return { maxAttachmentBytes, maxNoticeBytes, media: [...BUILT_IN_MEDIA, ...extra] };
}

export function mediaRule(policy: AttachmentPolicy, type: string): MediaRule | undefined {
  return policy.media.find((r) => r.type === type);
}

/** Checks one attachment's declared type and size against the policy (before upload, and on arrival). */
export function checkAttachmentAllowed(policy: AttachmentPolicy, type: string, size: number): string | null {
  if (!mediaRule(policy, type)) return `media type ${type} is not allowed in this federation`;
  if (size > policy.maxAttachmentBytes) return `an attachment is larger than ${policy.maxAttachmentBytes} bytes`;
  return null;
}

/** Checks a notice's attachments against the policy: each allowed, the total within the limit. */
export function checkAttachmentPolicy(policy: AttachmentPolicy, att: readonly AttachmentDescriptor[]): string | null {
  for (const d of att) {
    const reason = checkAttachmentAllowed(policy, d.type, d.size);
    if (reason) return reason;
  }
  const total = att.reduce((sum, d) => sum + d.size, 0);
  return total > policy.maxNoticeBytes ? `the attachments are larger than ${policy.maxNoticeBytes} bytes in all` : null;
}
