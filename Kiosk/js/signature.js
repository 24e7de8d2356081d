// A signature pad on <canvas>: pointer events (finger, pen or mouse), exported as a PNG data URL.
export function signaturePad(canvas, onChange) {
  const ctx = canvas.getContext('2d');
  let drawing = false, strokes = 0, last = null;
  function resize() {
    const r = canvas.getBoundingClientRect();
    const keep = strokes ? canvas.toDataURL() : null;
    canvas.width = Math.max(1, Math.round(r.width)); canvas.height = Math.max(1, Math.round(r.height));
    ctx.lineWidth = 3; ctx.lineCap = 'round'; ctx.lineJoin = 'round'; ctx.strokeStyle = '#111';
    ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, canvas.width, canvas.height);
    if (keep) { const img = new Image(); img.onload = () => ctx.drawImage(img, 0, 0); img.src = keep; }
  }
  const point = (e) => { const r = canvas.getBoundingClientRect(); return { x: e.clientX - r.left, y: e.clientY - r.top }; };
  canvas.addEventListener('pointerdown', (e) => { drawing = true; last = point(e); canvas.setPointerCapture?.(e.pointerId); e.preventDefault(); });
  canvas.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    const p = point(e);
    ctx.beginPath(); ctx.moveTo(last.x, last.y); ctx.lineTo(p.x, p.y); ctx.stroke();
    last = p; e.preventDefault();
  });
  const end = () => { if (drawing) { drawing = false; strokes += 1; onChange?.(canvas.toDataURL('image/png')); } };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointerleave', end);
  canvas.style.touchAction = 'none';
  resize();
  return {
    resize,
    clear() { strokes = 0; resize(); onChange?.(null); },
    /** Shows a saved signature again (after a reload). */
    load(dataURL) {
      if (!dataURL) return;
      const img = new Image(); img.onload = () => { ctx.drawImage(img, 0, 0, canvas.width, canvas.height); strokes = 1; }; img.src = dataURL;
    },
  };
}
