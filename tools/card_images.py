"""Pictures of invitation cards as a door camera or a phone sees them, made from a QR code the kiosk issued.

Used by the browser tests (a fake camera's video, a photo for the file input) and by `make bench` (the decoding
corpus). Everything is drawn with Pillow from the kiosk's own QR PNG: printed cards and phone screens, rotated,
in perspective, blurred, unevenly lit, JPEG-compressed.
"""
import io
import math
import random

from PIL import Image, ImageDraw, ImageFilter, ImageOps


def qr_image(png_bytes):
    """The kiosk's QR PNG (1-bit, quiet zone included) as a greyscale image."""
    return Image.open(io.BytesIO(png_bytes)).convert("L")


def card(qr, code_px, kind="card"):
    """A printed invitation card (white, a title bar and lines of text) or a phone screen (dark bezel, white code)."""
    q = qr.resize((code_px, code_px), Image.NEAREST)
    if kind == "closeup":  # the camera held close: the code and a little of the card around it
        m = int(code_px * .12)
        img = Image.new("L", (code_px + 2 * m, code_px + 2 * m), 248)
        img.paste(q, (m, m))
        return img
    if kind == "phone":
        w, h = int(code_px * 1.35), int(code_px * 2.3)
        img = Image.new("L", (w, h), 20)
        ImageDraw.Draw(img).rectangle([int(w * .06), int(h * .08), int(w * .94), int(h * .92)], fill=245)
        img.paste(q, ((w - code_px) // 2, (h - code_px) // 2))
        return img
    w, h = int(code_px * 1.6), int(code_px * 2.1)
    img = Image.new("L", (w, h), 250)
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, w, int(h * .12)], fill=60)
    for i in range(4):
        y = int(h * .16) + i * int(h * .035)
        d.rectangle([int(w * .1), y, int(w * (.9 - .1 * i)), y + max(2, int(h * .012))], fill=120)
    img.paste(q, ((w - code_px) // 2, int(h * .38)))
    return img


def _perspective_coeffs(src, dst):
    """Coefficients for Image.transform(PERSPECTIVE) mapping output points `dst` back to input points `src`."""
    matrix, rhs = [], []
    for (x, y), (u, v) in zip(dst, src):
        matrix.append([x, y, 1, 0, 0, 0, -u * x, -u * y]); rhs.append(u)
        matrix.append([0, 0, 0, x, y, 1, -v * x, -v * y]); rhs.append(v)
    n = 8  # Gaussian elimination, small and exact enough for 8 unknowns
    a = [row[:] + [b] for row, b in zip(matrix, rhs)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        for r in range(n):
            if r != col:
                f = a[r][col] / a[col][col]
                a[r] = [x - f * y for x, y in zip(a[r], a[col])]
    return [a[i][n] / a[i][i] for i in range(n)]


def scene(card_img, size, angle=0.0, tilt=0.0, blur=0.0, light=0.0, background=110, center=(0.5, 0.5), rng=None):
    """The card placed in a `size` frame: rotated by `angle` degrees, tilted (perspective, 0..0.35), blurred
    (Gaussian radius), with a light gradient of strength `light` (0..0.6) across the frame."""
    rng = rng or random.Random(0)
    w, h = size
    img = card_img.convert("L").rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=0)
    mask = Image.new("L", card_img.size, 255).rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=0)
    cw, ch = img.size
    if tilt:
        shrink = tilt * cw * rng.uniform(.6, 1)
        src = [(0, 0), (cw, 0), (cw, ch), (0, ch)]
        dst = [(shrink, tilt * ch * .2), (cw - shrink, 0), (cw, ch), (0, ch - tilt * ch * .2)]
        coeffs = _perspective_coeffs(src, dst)
        img = img.transform((cw, ch), Image.PERSPECTIVE, coeffs, Image.BICUBIC, fillcolor=0)
        mask = mask.transform((cw, ch), Image.PERSPECTIVE, coeffs, Image.BICUBIC, fillcolor=0)
    frame = Image.new("L", (w, h), background)
    x, y = int(center[0] * w - cw / 2), int(center[1] * h - ch / 2)
    frame.paste(img, (x, y), mask)
    if light:
        gradient = Image.linear_gradient("L").rotate(rng.uniform(0, 360), fillcolor=128).resize((w, h))
        shade = gradient.point(lambda v: int(255 * (1 - light * v / 255)))
        frame = _multiply(frame, shade)
    if blur:
        frame = frame.filter(ImageFilter.GaussianBlur(blur))
    return frame


def _multiply(a, b):
    from PIL import ImageChops
    return ImageChops.multiply(a, b)


def jpeg(img, quality):
    out = io.BytesIO()
    img.convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def write_y4m(path, frames, fps=10):
    """A Y4M video (what Chromium's fake camera reads): grey frames, U = V = 128."""
    w, h = frames[0].size
    with open(path, "wb") as f:
        f.write(f"YUV4MPEG2 W{w} H{h} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        chroma = bytes([128]) * ((w // 2) * (h // 2))
        for frame in frames:
            f.write(b"FRAME\n")
            f.write(frame.convert("L").tobytes())
            f.write(chroma)
            f.write(chroma)
