// A thin C face over two libraries: stb_image reads the JPEG or PNG into grey pixels, ZXing-C++ finds the codes.
#define ZX_USE_UTF8 1
#include <ZXing/ReadBarcode.h>
#include <cstdlib>
#include <cstring>
#include <vector>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#define STBI_NO_STDIO
#define STBI_NO_HDR
#define STBI_NO_LINEAR
#define STBI_MAX_DIMENSIONS 20000
#include <stb/stb_image.h>

#include "qrdecode.h"

namespace {

/// Box-filter shrink by a whole factor: fast, and it keeps the module edges a QR finder looks for.
std::vector<uint8_t> shrink(const uint8_t *src, int w, int h, int stride, int factor, int &ow, int &oh) {
    ow = w / factor; oh = h / factor;
    std::vector<uint8_t> out(static_cast<size_t>(ow) * oh);
    const int area = factor * factor;
    for (int y = 0; y < oh; ++y) {
        for (int x = 0; x < ow; ++x) {
            int sum = 0;
            for (int dy = 0; dy < factor; ++dy) {
                const uint8_t *row = src + static_cast<size_t>(y * factor + dy) * stride + x * factor;
                for (int dx = 0; dx < factor; ++dx) sum += row[dx];
            }
            out[static_cast<size_t>(y) * ow + x] = static_cast<uint8_t>(sum / area);
        }
    }
    return out;
}

/// Bilinear enlargement by `k`: a far-away code in a camera frame has modules under 2 px, which ZXing's finder misses
/// but reads once they are 3–6 px.
std::vector<uint8_t> enlarge(const uint8_t *src, int w, int h, int stride, int k) {
    std::vector<uint8_t> out(static_cast<size_t>(w) * h * k * k);
    for (int y = 0; y < k * h; ++y) {
        float fy = (y + 0.5f) / k - 0.5f;
        int y0 = fy < 0 ? 0 : static_cast<int>(fy), y1 = y0 + 1 < h ? y0 + 1 : y0;
        float ay = fy - y0 < 0 ? 0 : fy - y0;
        for (int x = 0; x < k * w; ++x) {
            float fx = (x + 0.5f) / k - 0.5f;
            int x0 = fx < 0 ? 0 : static_cast<int>(fx), x1 = x0 + 1 < w ? x0 + 1 : x0;
            float ax = fx - x0 < 0 ? 0 : fx - x0;
            const uint8_t *r0 = src + static_cast<size_t>(y0) * stride, *r1 = src + static_cast<size_t>(y1) * stride;
            float v = (1 - ax) * (1 - ay) * r0[x0] + ax * (1 - ay) * r0[x1] + (1 - ax) * ay * r1[x0] + ax * ay * r1[x1];
            out[static_cast<size_t>(y) * k * w + x] = static_cast<uint8_t>(v + 0.5f);
        }
    }
    return out;
}

void collect(const ZXing::Results &results, kiosk_qr_result *out) {
    for (const auto &r : results) {
        if (!r.isValid() || out->count >= KIOSK_QR_MAX_CODES) continue;
        const std::string text = r.text();
        bool seen = false;
        for (int i = 0; i < out->count; ++i) seen = seen || (out->lengths[i] == text.size() && std::memcmp(out->texts[i], text.data(), text.size()) == 0);
        if (seen) continue;
        char *copy = static_cast<char *>(std::malloc(text.size() + 1));
        if (!copy) return;
        std::memcpy(copy, text.data(), text.size());
        copy[text.size()] = 0;
        out->texts[out->count] = copy;
        out->lengths[out->count] = text.size();
        out->count++;
    }
}

ZXing::Results read(const uint8_t *pixels, int w, int h, int stride,
                    ZXing::Binarizer binarizer = ZXing::Binarizer::LocalAverage) {
    ZXing::DecodeHints hints;
    hints.setFormats(ZXing::BarcodeFormat::QRCode);
    hints.setTryRotate(true);
    hints.setTryHarder(true);
    hints.setBinarizer(binarizer);
    return ZXing::ReadBarcodes(ZXing::ImageView(pixels, w, h, ZXing::ImageFormat::Lum, stride), hints);
}

/// Decodes at a size whose longer side is at most `max_side`; when that finds nothing in a shrunk picture,
/// tries once more at twice the size (a small code far away in a large photo). A camera-frame-sized picture in
/// which nothing was found is tried enlarged 2x, then 3x, then 2x with a global threshold (unevenly lit, tiny codes):
/// the extra passes cost only when the first finds nothing.
void decode(const uint8_t *pixels, int w, int h, int stride, int max_side, kiosk_qr_result *out) {
    const int longer = w > h ? w : h;
    const int first = max_side > 0 && longer > max_side ? (longer + max_side - 1) / max_side : 1;
    for (int factor : {first, first / 2}) {
        if (factor < 1 || out->count > 0) return;
        if (factor == 1) {
            out->scaled_width = w; out->scaled_height = h;
            collect(read(pixels, w, h, stride), out);
            if (out->count == 0 && longer <= 1000) {
                std::vector<uint8_t> big = enlarge(pixels, w, h, stride, 2);
                collect(read(big.data(), 2 * w, 2 * h, 2 * w), out);
                if (out->count == 0) {
                    std::vector<uint8_t> bigger = enlarge(pixels, w, h, stride, 3);
                    collect(read(bigger.data(), 3 * w, 3 * h, 3 * w), out);
                }
                if (out->count == 0) collect(read(big.data(), 2 * w, 2 * h, 2 * w, ZXing::Binarizer::GlobalHistogram), out);
            }
            return;
        }
        int sw, sh;
        std::vector<uint8_t> small = shrink(pixels, w, h, stride, factor, sw, sh);
        out->scaled_width = sw; out->scaled_height = sh;
        collect(read(small.data(), sw, sh, sw), out);
    }
}

} // namespace

extern "C" void kiosk_qr_decode_image(const uint8_t *bytes, size_t length, int max_side, long max_pixels, kiosk_qr_result *out) {
    std::memset(out, 0, sizeof(*out));
    int w = 0, h = 0, comp = 0;
    if (!bytes || length == 0 || length > 0x7fffffff || !stbi_info_from_memory(bytes, static_cast<int>(length), &w, &h, &comp)) {
        out->status = KIOSK_QR_NOT_IMAGE;
        return;
    }
    out->width = w; out->height = h;
    if (static_cast<long>(w) * h > max_pixels) { out->status = KIOSK_QR_TOO_LARGE; return; }
    uint8_t *grey = stbi_load_from_memory(bytes, static_cast<int>(length), &w, &h, &comp, 1);
    if (!grey) { out->status = KIOSK_QR_NOT_IMAGE; return; }
    try { decode(grey, w, h, w, max_side, out); } catch (...) { /* a decoder failure reads as "no code" */ }
    stbi_image_free(grey);
    out->status = KIOSK_QR_OK;
}

extern "C" void kiosk_qr_decode_grey(const uint8_t *pixels, int width, int height, int stride, kiosk_qr_result *out) {
    std::memset(out, 0, sizeof(*out));
    out->width = width; out->height = height;
    if (!pixels || width <= 0 || height <= 0 || stride < width) { out->status = KIOSK_QR_NOT_IMAGE; return; }
    try { decode(pixels, width, height, stride, 0, out); } catch (...) {}
    out->status = KIOSK_QR_OK;
}

extern "C" void kiosk_qr_free(kiosk_qr_result *result) {
    for (int i = 0; i < result->count; ++i) std::free(result->texts[i]);
    result->count = 0;
}
