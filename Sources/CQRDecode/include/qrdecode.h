#ifndef KIOSK_QRDECODE_H
#define KIOSK_QRDECODE_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// What became of one image.
enum kiosk_qr_status {
    KIOSK_QR_OK = 0,          ///< decoded (count may still be 0: an image with no code)
    KIOSK_QR_NOT_IMAGE = 1,   ///< not a JPEG or PNG that could be read
    KIOSK_QR_TOO_LARGE = 2,   ///< more pixels than `max_pixels`
};

#define KIOSK_QR_MAX_CODES 8

/// Every QR code found in one image; free with `kiosk_qr_free`.
typedef struct {
    int status;
    int width, height;            ///< of the image as sent
    int scaled_width, scaled_height; ///< of the grey picture the decoder read
    int count;
    char *texts[KIOSK_QR_MAX_CODES]; ///< UTF-8, NUL-terminated
    size_t lengths[KIOSK_QR_MAX_CODES];
} kiosk_qr_result;

/// Reads a JPEG or PNG, shrinks it so its longer side is at most `max_side` pixels, and decodes every QR code
/// in it (ZXing-C++, rotation and harder search on). Safe to call from several threads at once.
void kiosk_qr_decode_image(const uint8_t *bytes, size_t length, int max_side, long max_pixels, kiosk_qr_result *out);

/// Decodes a grey picture (one byte a pixel, rows `stride` bytes apart) that is already in memory.
void kiosk_qr_decode_grey(const uint8_t *pixels, int width, int height, int stride, kiosk_qr_result *out);

void kiosk_qr_free(kiosk_qr_result *result);

#ifdef __cplusplus
}
#endif
#endif
