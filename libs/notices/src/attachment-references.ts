/**
 * Attachment references in a notice body: a `photo` member `{attachment: <id>}` anywhere in the
 * body (a query's subject, a hit's subject) names an attachment of the same notice. The signed
 * claim `att` lists the notice's attachments; a reference must name one of them, and a photo an
 * image. Pure: the node calls it when composing and when a notice arrives.
 */

/** Every attachment id the body refers to, in document order (possibly repeated). */
export function attachmentReferences(body: unknown): string[] {
  const out: string[] = [];
  const walk = (value: unknown, depth: number): void => {
    if (depth > 16 || typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) return value.forEach((v) => walk(v, depth + 1));
    for (const [name, member] of Object.entries(value)) {
      const ref = (member as { attachment?: unknown } | null)?.attachment;
      if (name === 'photo' && typeof member === 'object' && typeof ref === 'string') out.push(ref);
      else walk(member, depth + 1);
    }
  };
  walk(body, 0);
  return out;
}

/** Null when every reference names an attachment in `att` and every photo an image; else the reason (ids only). */
export function checkAttachmentReferences(body: unknown, att: readonly { id: string; type: string }[] | undefined): string | null {
  for (const id of attachmentReferences(body)) {
    const d = att?.find((a) => a.id === id);
    if (!d) return `photo refers to attachment ${id}, which the notice does not carry`;
    if (!d.type.startsWith('image/')) return `photo refers to attachment ${id}, which is not an image`;
  }
  return null;
}
