#ifndef XPASTE_CCODECS_H
#define XPASTE_CCODECS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Versions of the codec libraries this process actually loaded (not the headers it was built
/// against), for `xpaste doctor` and bug reports. Each is a static string.
const char *xp_libpng_version(void);
int xp_libjpeg_version(void);
int xp_libwebp_decoder_version(void);

// ---------------------------------------------------------------------------------------------
// Shared types.
//
// libpng and libjpeg report errors by longjmp. Every setjmp lives in a function of this target
// and every library call that can longjmp is made from such a function, so a longjmp never
// crosses a Swift frame. Each call owns its decoder/encoder state: nothing here is global or
// mutable, and the functions are safe to call from any number of threads at once.
// ---------------------------------------------------------------------------------------------

/// Outcome of a codec call; the Swift side maps these to `ImageError` cases.
typedef int32_t xp_status;
#define XP_OK 0
#define XP_ERR_TRUNCATED 1
#define XP_ERR_CORRUPT 2
#define XP_ERR_TOO_LARGE 3
#define XP_ERR_UNSUPPORTED 4
#define XP_ERR_NO_MEMORY 5
#define XP_ERR_ENCODE 6
#define XP_ERR_ARGUMENT 7

/// Size of every message buffer (libjpeg's JMSG_LENGTH_MAX is 200).
#define XP_MESSAGE_MAX 256

/// What a header says about the image, and the layout a decode call will produce.
typedef struct xp_header {
    uint32_t width;
    uint32_t height;
    /// Output bytes per pixel of the following read call (1, 3 or 4).
    int32_t channels;
    /// Whether the source carries transparency (an alpha channel or a tRNS chunk).
    int32_t has_alpha;
} xp_header;

/// A growable output buffer owned by C (malloc). Free with `xp_buffer_free`.
typedef struct xp_buffer {
    uint8_t *data;
    size_t size;
    size_t capacity;
} xp_buffer;

/// Releases a buffer's storage and resets it to empty.
void xp_buffer_free(xp_buffer *buffer);

// ---------------------------------------------------------------------------------------------
// PNG (libpng full API).
// ---------------------------------------------------------------------------------------------

/// Decode to RGB8, or RGBA8 when the file has alpha or tRNS; palette and gray expand to RGB,
/// 16-bit samples keep their high byte.
#define XP_PNG_MODE_IMAGE 0
/// Decode a grayscale PNG to one 8-bit channel (alpha, if any, is dropped); colour is refused.
#define XP_PNG_MODE_GRAY 1

typedef struct xp_png_decoder xp_png_decoder;

/// A decoder over `size` bytes at `data`, which must stay valid until it is destroyed.
/// Returns NULL only when memory is exhausted.
xp_png_decoder *xp_png_decoder_create(const uint8_t *data, size_t size, int32_t mode);
/// Reads the chunks up to the first IDAT and fills `header`. Allocates nothing image-sized.
xp_status xp_png_decoder_read_header(xp_png_decoder *decoder, xp_header *header);
/// Decodes every row into `pixels` (rows `stride` bytes apart, `header.channels` bytes per
/// pixel) and checks the rest of the file up to IEND. Call after a successful read_header.
xp_status xp_png_decoder_read_pixels(xp_png_decoder *decoder, uint8_t *pixels, size_t stride);
/// The last error message (empty when none).
const char *xp_png_decoder_message(const xp_png_decoder *decoder);
void xp_png_decoder_destroy(xp_png_decoder *decoder);

/// Encodes 8-bit gray (1 channel), RGB (3) or RGBA (4) rows into a PNG with zlib `level` 0–9.
/// On success `output` holds the file; on failure it is left empty and `message` says why.
xp_status xp_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, size_t stride,
                        int32_t channels, int32_t level, xp_buffer *output,
                        char message[XP_MESSAGE_MAX]);

// ---------------------------------------------------------------------------------------------
// JPEG (libjpeg API, libjpeg-turbo).
// ---------------------------------------------------------------------------------------------

typedef struct xp_jpeg_decoder xp_jpeg_decoder;

/// A decoder over `size` bytes at `data`, which must stay valid until it is destroyed.
/// Returns NULL only when memory is exhausted.
xp_jpeg_decoder *xp_jpeg_decoder_create(const uint8_t *data, size_t size);
/// Reads the markers up to the first scan. `header.channels` is always 3 (output is RGB).
xp_status xp_jpeg_decoder_read_header(xp_jpeg_decoder *decoder, xp_header *header);
/// Decodes to RGB (gray replicated, CMYK/YCCK converted the way Pillow does) and reads on to
/// EOI. A premature end of data is XP_ERR_TRUNCATED; corrupt entropy data is XP_ERR_CORRUPT.
xp_status xp_jpeg_decoder_read_pixels(xp_jpeg_decoder *decoder, uint8_t *pixels, size_t stride);
const char *xp_jpeg_decoder_message(const xp_jpeg_decoder *decoder);
void xp_jpeg_decoder_destroy(xp_jpeg_decoder *decoder);

/// Encodes RGB rows as a baseline JPEG (4:2:0, libjpeg's standard tables scaled to `quality`
/// 1–100, the same defaults as Pillow).
xp_status xp_jpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height, size_t stride,
                         int32_t quality, xp_buffer *output, char message[XP_MESSAGE_MAX]);

// ---------------------------------------------------------------------------------------------
// WebP (libwebp, decode only; no longjmp involved).
// ---------------------------------------------------------------------------------------------

/// Parses the RIFF container and bitstream headers. `header.channels` is 4 with alpha, else 3.
xp_status xp_webp_read_header(const uint8_t *data, size_t size, xp_header *header,
                              char message[XP_MESSAGE_MAX]);
/// Decodes into `pixels` with `channels` (3 or 4) bytes per pixel, rows `stride` apart.
xp_status xp_webp_decode(const uint8_t *data, size_t size, uint8_t *pixels, size_t stride,
                         uint32_t height, int32_t channels, char message[XP_MESSAGE_MAX]);

#ifdef __cplusplus
}
#endif

#endif
