// Attachments in the console: the operator's picker (type and size checked here before upload,
// the node checks again), the upload with its progress, and the officer's and operator's views of
// a notice's attachments. Every byte is fetched with the bearer token in the Authorization header
// (never in a URL) and shown or saved from a blob: URL the page made itself.
import { api, answer, ApiError, unreachable } from './api.js';
import { announce, clear, h, nextId } from './dom.js';
import { errorText } from './forms.js';
import { time } from './format.js';
import { locale, t } from './i18n.js';
import { session } from './session.js';

/** The federation's policy (console config.json); the node's defaults until it is loaded. */
const policy = () => session.config?.attachments ?? { types: [], extensions: {}, maxAttachmentBytes: 50 * 1024 * 1024, maxNoticeBytes: 100 * 1024 * 1024, maxAttachments: 32 };

/** "48.2 kB", "12 MB" in the chosen language (binary multiples, as file managers count). */
export function formatBytes(bytes) {
  const [unit, size] = bytes >= 1024 * 1024 ? ['megabyte', bytes / (1024 * 1024)] : bytes >= 1024 ? ['kilobyte', bytes / 1024] : ['byte', bytes];
  return new Intl.NumberFormat(locale(), { style: 'unit', unit, maximumFractionDigits: unit === 'byte' ? 0 : 1 }).format(size);
}

const shortDigest = (sha256) => h('code', { title: sha256 }, `${sha256.slice(0, 12)}…`);
const isImage = (type) => String(type).startsWith('image/');

/** The media type to declare for a file: the browser's if the federation allows it, else its extension's. */
export function mediaTypeOf(file) {
  const { types, extensions } = policy();
  if (types.includes(file.type)) return file.type;
  const extension = /\.([^.]+)$/.exec(file.name)?.[1]?.toLowerCase();
  return (extension && extensions[extension]) || null;
}

/** Why a file may not be attached (the federation's rules), or null. */
function refusalOf(file, type, alreadyBytes, alreadyCount) {
  const p = policy();
  if (!type) return t('attach.typeRefused', { type: file.type || t('attach.unknownType') });
  if (file.size > p.maxAttachmentBytes) return t('attach.tooLarge', { max: formatBytes(p.maxAttachmentBytes) });
  if (alreadyCount >= p.maxAttachments) return t('attach.tooMany', { max: p.maxAttachments });
  if (alreadyBytes + file.size > p.maxNoticeBytes) return t('attach.totalTooLarge', { max: formatBytes(p.maxNoticeBytes) });
  return null;
}

/**
 * Streams one file to POST /attachments. XMLHttpRequest, not fetch: only it reports upload
 * progress in every browser. `done` resolves with the node's answer (id, size, sha256 …).
 */
export function uploadFile(file, type, onProgress) {
  const xhr = new XMLHttpRequest();
  const done = new Promise((resolve, reject) => {
    xhr.open('POST', `/attachments?name=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('content-type', type);
    if (session.token) xhr.setRequestHeader('authorization', `Bearer ${session.token}`);
    xhr.upload.addEventListener('progress', (ev) => onProgress(ev.loaded, ev.lengthComputable ? ev.total : file.size));
    xhr.addEventListener('load', () => {
      try {
        resolve(answer(xhr.status, xhr.responseText));
      } catch (error) {
        reject(error);
      }
    });
    xhr.addEventListener('error', () => reject(unreachable('upload interrupted')));
    xhr.addEventListener('abort', () => reject(unreachable('upload cancelled')));
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}

/**
 * The attachment picker of the compose form: a file input (the keyboard's way, and a drop zone
 * around it for the mouse), one row per file with its upload progress, and the choice of the
 * person's photo among the attached images. `ids()` and `photo()` feed the compose request.
 */
export function attachmentPicker() {
  const p = policy();
  /** { key, file, type, state: uploading|done|refused|failed, facts, row } */
  const items = [];
  const inputId = nextId('attach');
  const hintId = `${inputId}-hint`;
  const input = h('input', { type: 'file', id: inputId, multiple: true, accept: [...p.types, ...Object.keys(p.extensions).map((e) => `.${e}`)].join(','), 'aria-describedby': hintId });
  const list = h('ul.attachment-list', { 'aria-label': t('attach.listLabel') });
  const photoSelect = h('select', { name: 'photo' });
  const photoField = h('div.field', { dataset: { field: '/body/photo', label: t('fieldname.photo') } },
    h('label', { for: `${inputId}-photo` }, t('attach.photo')),
    h('p.hint', { id: `${inputId}-photo-hint` }, t('attach.photoHint')),
    photoSelect,
    h('p.field-error', { hidden: true }));
  photoSelect.id = `${inputId}-photo`;
  photoSelect.setAttribute('aria-describedby', `${inputId}-photo-hint`);

  const counted = () => items.filter((i) => i.state === 'uploading' || i.state === 'done');
  const drawPhotoChoice = () => {
    const chosen = photoSelect.value;
    const images = items.filter((i) => i.state === 'done' && isImage(i.type));
    clear(photoSelect, h('option', { value: '' }, t('attach.noPhoto')), images.map((i) => h('option', { value: i.facts.id, selected: i.facts.id === chosen }, i.file.name)));
    photoField.hidden = images.length === 0;
  };

  const remove = (item) => {
    items.splice(items.indexOf(item), 1);
    item.upload?.abort();
    item.row.remove();
    drawPhotoChoice();
    announce(t('attach.removed', { name: item.file.name }));
    input.focus();
  };

  const row = (item) => {
    const progress = h('progress', { max: '100', value: '0', 'aria-label': t('attach.uploading', { name: item.file.name }) });
    const status = h('span.attach-status');
    const li = h('li.attachment', { dataset: { state: item.state } },
      h('span.attach-name', item.file.name), ' ',
      h('span.muted', `${item.type ?? item.file.type ?? ''} · ${formatBytes(item.file.size)}`), ' ',
      item.state === 'uploading' ? progress : null, ' ', status, ' ',
      h('button.secondary.small', { type: 'button', 'aria-label': t('attach.remove', { name: item.file.name }), on: { click: () => remove(item) } }, t('attach.removeButton')));
    item.row = li;
    item.progress = progress;
    item.status = status;
    return li;
  };

  const setState = (item, state, text) => {
    item.state = state;
    item.row.dataset.state = state;
    clear(item.status, text);
    if (state !== 'uploading') item.progress.remove();
  };

  const add = (files) => {
    for (const file of files) {
      const type = mediaTypeOf(file);
      const reason = refusalOf(file, type, counted().reduce((sum, i) => sum + i.file.size, 0), counted().length);
      const item = { file, type, state: reason ? 'refused' : 'uploading', facts: null };
      items.push(item);
      list.append(row(item));
      if (reason) {
        setState(item, 'refused', h('span.field-error', t('attach.refused', { reason })));
        announce(t('attach.refused', { reason: `${file.name}: ${reason}` }));
        continue;
      }
      item.upload = uploadFile(file, type, (loaded, total) => {
        const percent = total ? Math.floor((loaded / total) * 100) : 0;
        item.progress.value = percent;
        item.status.textContent = t('attach.percent', { percent });
      });
      item.done = item.upload.done.then((facts) => {
        if (!items.includes(item)) return;
        item.facts = facts;
        setState(item, 'done', [t('attach.uploaded'), ' · SHA-256 ', shortDigest(facts.sha256)]);
        announce(t('attach.uploadedAnnounce', { name: file.name }));
        drawPhotoChoice();
      }, (error) => {
        if (!items.includes(item)) return;
        setState(item, 'failed', h('span.field-error', t('attach.failed', { reason: error instanceof ApiError ? errorText(error) : error.message })));
        announce(t('attach.failed', { reason: `${file.name}: ${error.message}` }));
      });
    }
  };

  input.addEventListener('change', () => {
    add([...input.files]);
    input.value = '';
  });
  const zone = h('div.drop-zone', {
    on: {
      dragover: (ev) => { ev.preventDefault(); zone.classList.add('dragging'); },
      dragleave: () => zone.classList.remove('dragging'),
      drop: (ev) => {
        ev.preventDefault();
        zone.classList.remove('dragging');
        add([...(ev.dataTransfer?.files ?? [])]);
      },
    },
  },
  h('label', { for: inputId }, t('attach.choose')),
  h('p.hint', { id: hintId }, t('attach.hint', { max: formatBytes(p.maxAttachmentBytes), total: formatBytes(p.maxNoticeBytes) }), ' ', t('attach.drop')),
  input);

  const element = h('fieldset.section', { id: 'attachments-section' },
    h('legend', t('attach.legend')),
    h('div.field', { dataset: { field: '/attachments', label: t('attach.legend') } }, zone, list, h('p.field-error', { hidden: true })),
    photoField);
  drawPhotoChoice();

  return {
    element,
    /** Files still being uploaded: the notice can be sent once none is. */
    pending: () => items.filter((i) => i.state === 'uploading').length,
    /** The uploaded files, in the order they were added. */
    uploaded: () => items.filter((i) => i.state === 'done').map((i) => ({ ...i.facts, name: i.file.name })),
    photo: () => photoSelect.value || null,
    reset: () => {
      items.length = 0;
      clear(list);
      drawPhotoChoice();
    },
  };
}

/** The bytes of an attachment as a Blob, fetched with the bearer token. */
async function fetchBlob(path) {
  return (await api(path, { raw: true })).blob();
}

async function sha256Hex(blob) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Saves an attachment under its file name, once its SHA-256 is the one the node lists (the
 * digest signed in the notice): a file altered anywhere on the way is not saved.
 */
async function save(path, a, button) {
  button.disabled = true;
  const note = button.parentElement.querySelector('.attach-download-status');
  clear(note, t('attach.downloading'));
  try {
    const blob = await fetchBlob(path);
    if ((await sha256Hex(blob)) !== a.sha256) throw new Error(t('attach.digestMismatch'));
    const url = URL.createObjectURL(blob);
    const link = h('a', { href: url, download: a.name ?? 'attachment', hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    // The browser has the file once the click is handled; give it a minute before letting go of the bytes.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    clear(note, t('attach.saved'));
    announce(t('attach.saved'));
  } catch (error) {
    clear(note, h('span.field-error', { role: 'alert' }, t('attach.downloadFailed', { reason: error instanceof ApiError ? errorText(error) : error.message })));
  } finally {
    button.disabled = false;
  }
}

/** Blob URLs of previews already fetched, per path (an image is fetched once per page). */
const previews = new Map();
async function preview(img, path) {
  if (!previews.has(path)) previews.set(path, fetchBlob(`${path}${path.includes('?') ? '&' : '?'}disposition=inline`).then((blob) => URL.createObjectURL(blob)));
  try {
    img.src = await previews.get(path);
  } catch (error) {
    previews.delete(path);
    img.replaceWith(h('p.field-error', t('attach.previewFailed', { reason: error instanceof ApiError ? errorText(error) : error.message })));
  }
}

/**
 * The attachment a notice body names as the person's photo: a query's `photo`, or the photo of
 * the first of a report's subjects that has one (the console composes reports with one subject).
 */
export function photoOf(body) {
  return body?.photo?.attachment ?? (body?.subjects ?? []).find((s) => s?.photo?.attachment)?.photo.attachment;
}

/** One attachment: its facts, an inline preview for an available image, and the download button. */
function attachmentCard(a, path, { available, photoId }) {
  const label = a.id === photoId ? t('attach.isPhoto') : null;
  const img = available && isImage(a.type) ? h('img.attach-preview', { alt: t('attach.previewAlt', { name: a.name ?? a.id }) }) : null;
  if (img) void preview(img, path);
  const button = available ? h('button.secondary', { type: 'button', 'aria-label': t('attach.download', { name: a.name ?? a.id }), on: { click: () => save(path, a, button) } }, t('attach.downloadButton')) : null;
  return h('li.card.attachment-card', { dataset: { attachment: a.id, available: String(available) } },
    img ? h('figure', img, h('figcaption', a.name ?? a.id)) : h('p.attach-name', a.name ?? a.id),
    label ? h('p', h('span.badge', label)) : null,
    h('dl.meta',
      h('dt', t('attach.type')), h('dd', a.type),
      h('dt', t('attach.size')), h('dd', formatBytes(a.size)),
      h('dt', 'SHA-256'), h('dd', shortDigest(a.sha256))),
    available ? h('div.action-row', button, h('span.attach-download-status', { 'aria-live': 'polite' })) : h('p', h('span.badge.status.status-sent', t('attach.arriving')), ' ', h('span.muted', t('attach.arrivingText'))));
}

/**
 * A notice's attachments, read from `path` and drawn by `cards` (nothing when it has none); read
 * again now and then while `pending(list)` holds and the region is shown (arrivals, deliveries).
 */
function attachmentsRegion(path, cards, pending, onChange = () => {}) {
  const region = h('section#attachments.attachments', { 'aria-labelledby': 'attachments-title' });
  let last = null;
  const draw = async () => {
    let list;
    try {
      list = await api(path);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return;
      clear(region, h('h2#attachments-title', t('attach.title')), h('p.error-box', t('attach.listFailed', { reason: errorText(error) })));
      return;
    }
    if (JSON.stringify(list) !== JSON.stringify(last)) {
      onChange(last, list);
      last = list;
      if (list.length === 0) clear(region);
      else clear(region, h('h2#attachments-title', t('attach.title')), h('ul.attachment-cards', list.map(cards)));
    }
    if (pending(list)) setTimeout(() => { if (region.isConnected) void draw(); }, 3000);
  };
  void draw();
  return region;
}

/**
 * The officer's view of a received notice's attachments: images previewed, every available file
 * downloadable, the rest shown as arriving (never a partial file).
 */
export function receivedAttachments(noticeId, sender, photoId) {
  const base = `/inbox/${noticeId}/attachments`;
  const of = `?sender=${encodeURIComponent(sender)}`;
  return attachmentsRegion(`${base}${of}`,
    (a) => attachmentCard(a, `${base}/${a.id}${of}`, { available: a.available, photoId }),
    (list) => list.some((a) => !a.available),
    (before, now) => { if (before && now.some((a) => a.available && !before.find((b) => b.id === a.id)?.available)) announce(t('attach.arrivedAnnounce')); });
}

const DONE = new Set(['delivered', 'failed']);

/** The operator's view of a sent notice's attachments: per recipient, delivered (when) or not yet. */
export function sentAttachments(noticeId, photoId) {
  const base = `/notices/${noticeId}/attachments`;
  return attachmentsRegion(base, (a) => {
    const card = attachmentCard(a, `${base}/${a.id}`, { available: true, photoId });
    card.append(h('ul.attach-recipients', { 'aria-label': t('attach.perRecipient', { name: a.name ?? a.id }) }, (a.recipients ?? []).map((r) => h('li', { dataset: { agency: r.agency, status: r.status } },
      h('strong', r.agency), ' ', h(`span.badge.attach-${r.status}`, t(`attach.status.${r.status}`, { defaultValue: r.status })), ' ',
      r.status === 'delivered' ? time(r.deliveredAt)
        : r.status === 'failed' ? h('span', r.code ?? '')
          : h('span.muted', t('attach.chunks', { sent: r.chunksSent, total: a.chunks }))))));
    return card;
  }, (list) => list.some((a) => (a.recipients ?? []).some((r) => !DONE.has(r.status))));
}
