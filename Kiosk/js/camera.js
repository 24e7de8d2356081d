// The door's camera. Live: the rear camera's video; a few frames a second, shrunk to 640 px, are read by the
// browser's own BarcodeDetector where it has one, else by the laptop (POST /api/qr/decode). Photo: a picture from
// the file input (which opens the camera over plain HTTP too), redrawn as a JPEG of at most 1600 px (this also
// turns an iPad's HEIC into something the laptop reads).
import { request } from './api.js';

const FRAME_SIDE = 640;
const PHOTO_SIDE = 1600;
const FRAME_EVERY_MS = 250;
/** The same code seen again within this long is the same guest still holding the card up, not a new scan. */
const SAME_CODE_MS = 8000;

function drawScaled(source, width, height, maxSide) {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(width * scale)); canvas.height = Math.max(1, Math.round(height * scale));
  canvas.getContext('2d').drawImage(source, 0, 0, canvas.width, canvas.height);
  return canvas;
}

const toJPEG = (canvas, quality) => new Promise((resolve, reject) => {
  canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('no image'))), 'image/jpeg', quality);
});

/** A photo file as a JPEG Blob of at most 1600 px on its longer side. */
export async function readPhoto(file) {
  let source;
  if (window.createImageBitmap) {
    try { source = await createImageBitmap(file); } catch { source = null; }
  }
  if (!source) {
    source = new Image();
    const url = URL.createObjectURL(file);
    try {
      await new Promise((resolve, reject) => { source.onload = resolve; source.onerror = reject; source.src = url; });
    } finally { setTimeout(() => URL.revokeObjectURL(url), 1000); }
  }
  const w = source.naturalWidth || source.width, h = source.naturalHeight || source.height;
  return toJPEG(drawScaled(source, w, h, PHOTO_SIDE), 0.85);
}

/**
 * Starts the rear camera in `video` and reads codes until stopped. `onCode(text)` for each new code;
 * `onState('ready'|'offline')` when reading starts or the laptop cannot be reached. Returns a stop function.
 */
export async function startCamera(video, { onCode, onState = () => {} }) {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { facingMode: 'environment', width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false,
  });
  video.srcObject = stream;
  video.setAttribute('playsinline', '');
  await video.play();
  let detector = null;
  if ('BarcodeDetector' in window) {
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      if (formats.includes('qr_code')) detector = new window.BarcodeDetector({ formats: ['qr_code'] });
    } catch { detector = null; }
  }
  let stopped = false, last = '', lastAt = 0, state = '';
  const setState = (s) => { if (s !== state) { state = s; onState(s); } };
  setState('ready');

  async function read() {
    if (!video.videoWidth) return [];
    const canvas = drawScaled(video, video.videoWidth, video.videoHeight, FRAME_SIDE);
    if (detector) return (await detector.detect(canvas)).map((c) => c.rawValue);
    const blob = await toJPEG(canvas, 0.8);
    const answer = await request('/api/qr/decode', { method: 'POST', body: blob, contentType: 'image/jpeg' });
    return answer.status === 200 ? answer.data.texts || [] : [];
  }

  async function tick() {
    if (stopped) return;
    try {
      const texts = await read();
      setState('ready');
      const text = texts[0];
      const now = Date.now();
      if (text && (text !== last || now - lastAt > SAME_CODE_MS)) { last = text; onCode(text); }
      if (text) lastAt = now;
    } catch { setState('offline'); }
    setTimeout(tick, FRAME_EVERY_MS);
  }
  tick();
  return () => { stopped = true; stream.getTracks().forEach((tr) => tr.stop()); video.srcObject = null; };
}
