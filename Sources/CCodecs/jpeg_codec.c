#include "ccodecs.h"
#include "xp_buffer.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

// A progressive file can carry any number of scans, each a full pass over the coefficients;
// libjpeg-turbo's own tools cap them at 500 to bound decode time on hostile input.
#define XP_JPEG_MAX_SCANS 500

// Decoding: a custom source manager over the caller's bytes, so running out of data is an error
// at the spot where it happens instead of libjpeg's "premature end" warning followed by a
// gray-filled remainder.

struct xp_jpeg_decoder {
    struct jpeg_decompress_struct cinfo;
    struct jpeg_error_mgr error;
    struct jpeg_source_mgr source;
    struct jpeg_progress_mgr progress;
    jmp_buf jump;
    const uint8_t *data;
    size_t size;
    int created;
    int header_read;
    int cmyk;
    xp_status failure;
    xp_header header;
    char message[XP_MESSAGE_MAX];
};

static void xp_jpeg_fail(j_common_ptr cinfo, xp_status status) {
    xp_jpeg_decoder *decoder = cinfo->client_data;
    decoder->failure = status;
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    xp_set_message(decoder->message, text);
    longjmp(decoder->jump, 1);
}

static void xp_jpeg_error_exit(j_common_ptr cinfo) {
    xp_status status;
    switch (cinfo->err->msg_code) {
    case JERR_IMAGE_TOO_BIG:
    case JERR_WIDTH_OVERFLOW:
        status = XP_ERR_TOO_LARGE;
        break;
    case JERR_OUT_OF_MEMORY:
        status = XP_ERR_NO_MEMORY;
        break;
    case JERR_INPUT_EMPTY:
    case JERR_INPUT_EOF:
        status = XP_ERR_TRUNCATED;
        break;
    case JERR_BAD_PRECISION:
    case JERR_NOT_COMPILED:
    case JERR_CONVERSION_NOTIMPL:
    case JERR_CCIR601_NOTIMPL:
        status = XP_ERR_UNSUPPORTED;
        break;
    default:
        status = XP_ERR_CORRUPT;
        break;
    }
    xp_jpeg_fail(cinfo, status);
}

static void xp_jpeg_emit_message(j_common_ptr cinfo, int level) {
    if (level >= 0) return; // trace messages
    switch (cinfo->err->msg_code) {
    case JWRN_JPEG_EOF:
        xp_jpeg_fail(cinfo, XP_ERR_TRUNCATED);
        break;
    case JWRN_HUFF_BAD_CODE:
    case JWRN_ARITH_BAD_CODE:
    case JWRN_HIT_MARKER:
    case JWRN_MUST_RESYNC:
        // Damaged entropy data: libjpeg would carry on and paint the rest of the image gray.
        xp_jpeg_fail(cinfo, XP_ERR_CORRUPT);
        break;
    default:
        // Tolerated, as every mainstream decoder does: extraneous bytes between markers, odd
        // JFIF revisions, a bad ICC marker we do not use, unusual progression.
        cinfo->err->num_warnings++;
        break;
    }
}

static void xp_jpeg_output_message(j_common_ptr cinfo) { (void)cinfo; }

static void xp_jpeg_source_init(j_decompress_ptr cinfo) { (void)cinfo; }

static boolean xp_jpeg_source_fill(j_decompress_ptr cinfo) {
    // The whole input was handed over up front, so being asked for more means it was cut short.
    xp_jpeg_decoder *decoder = cinfo->client_data;
    decoder->failure = XP_ERR_TRUNCATED;
    xp_set_message(decoder->message, "unexpected end of data");
    longjmp(decoder->jump, 1);
    return FALSE;
}

static void xp_jpeg_source_skip(j_decompress_ptr cinfo, long count) {
    if (count <= 0) return;
    struct jpeg_source_mgr *source = cinfo->src;
    if ((size_t)count > source->bytes_in_buffer) xp_jpeg_source_fill(cinfo);
    source->next_input_byte += count;
    source->bytes_in_buffer -= (size_t)count;
}

static void xp_jpeg_source_term(j_decompress_ptr cinfo) { (void)cinfo; }

static void xp_jpeg_progress(j_common_ptr cinfo) {
    if (!cinfo->is_decompressor) return;
    j_decompress_ptr d = (j_decompress_ptr)cinfo;
    if (d->progressive_mode && d->input_scan_number > XP_JPEG_MAX_SCANS) {
        xp_jpeg_decoder *decoder = cinfo->client_data;
        decoder->failure = XP_ERR_CORRUPT;
        snprintf(decoder->message, XP_MESSAGE_MAX, "more than %d progressive scans", XP_JPEG_MAX_SCANS);
        longjmp(decoder->jump, 1);
    }
}

xp_jpeg_decoder *xp_jpeg_decoder_create(const uint8_t *data, size_t size) {
    xp_jpeg_decoder *decoder = calloc(1, sizeof *decoder);
    if (decoder == NULL) return NULL;
    decoder->data = data;
    decoder->size = size;
    return decoder;
}

xp_status xp_jpeg_decoder_read_header(xp_jpeg_decoder *decoder, xp_header *header) {
    struct jpeg_decompress_struct *cinfo = &decoder->cinfo;
    if (setjmp(decoder->jump)) return decoder->failure;

    cinfo->err = jpeg_std_error(&decoder->error);
    decoder->error.error_exit = xp_jpeg_error_exit;
    decoder->error.emit_message = xp_jpeg_emit_message;
    decoder->error.output_message = xp_jpeg_output_message;
    // jpeg_create_decompress keeps client_data, so the callbacks can find the decoder even when
    // creation itself fails.
    cinfo->client_data = decoder;
    jpeg_create_decompress(cinfo);
    decoder->created = 1;

    decoder->source.next_input_byte = decoder->data;
    decoder->source.bytes_in_buffer = decoder->size;
    decoder->source.init_source = xp_jpeg_source_init;
    decoder->source.fill_input_buffer = xp_jpeg_source_fill;
    decoder->source.skip_input_data = xp_jpeg_source_skip;
    decoder->source.resync_to_restart = jpeg_resync_to_restart;
    decoder->source.term_source = xp_jpeg_source_term;
    cinfo->src = &decoder->source;
    decoder->progress.progress_monitor = xp_jpeg_progress;
    cinfo->progress = &decoder->progress;

    jpeg_read_header(cinfo, TRUE);

    switch (cinfo->jpeg_color_space) {
    case JCS_GRAYSCALE:
    case JCS_YCbCr:
    case JCS_RGB:
        decoder->cmyk = 0;
        break;
    case JCS_CMYK:
    case JCS_YCCK:
        decoder->cmyk = 1;
        break;
    default:
        decoder->failure = XP_ERR_UNSUPPORTED;
        snprintf(decoder->message, XP_MESSAGE_MAX, "unsupported JPEG colour space with %d components",
                 cinfo->num_components);
        return XP_ERR_UNSUPPORTED;
    }
    decoder->header.width = cinfo->image_width;
    decoder->header.height = cinfo->image_height;
    decoder->header.channels = 3;
    decoder->header.has_alpha = 0;
    decoder->header_read = 1;
    *header = decoder->header;
    return XP_OK;
}

// Pillow's CMYK → RGB: Adobe-style inverted samples (what Photoshop writes, and what Pillow
// assumes for every CMYK JPEG), then R = (255 − K)·(255 − C)/255 with its rounding.
static void xp_cmyk_row_to_rgb(const JSAMPLE *in, uint8_t *out, uint32_t width) {
    for (uint32_t x = 0; x < width; x++) {
        int nk = in[3]; // inverted sample: 255 − K
        for (int k = 0; k < 3; k++) {
            int c = 255 - in[k];
            int t = c * nk + 128;
            int v = nk - (((t >> 8) + t) >> 8);
            out[k] = (uint8_t)(v < 0 ? 0 : v);
        }
        in += 4;
        out += 3;
    }
}

xp_status xp_jpeg_decoder_read_pixels(xp_jpeg_decoder *decoder, uint8_t *pixels, size_t stride) {
    if (!decoder->header_read) {
        xp_set_message(decoder->message, "read_pixels before read_header");
        return XP_ERR_ARGUMENT;
    }
    struct jpeg_decompress_struct *cinfo = &decoder->cinfo;
    if (setjmp(decoder->jump)) return decoder->failure;

    cinfo->out_color_space = decoder->cmyk ? JCS_CMYK : JCS_RGB;
    cinfo->dct_method = JDCT_ISLOW; // libjpeg's default and Pillow's; exact, not approximated
    cinfo->do_fancy_upsampling = TRUE;
    jpeg_start_decompress(cinfo);

    uint32_t width = cinfo->output_width;
    uint32_t height = cinfo->output_height;
    if (width != decoder->header.width || height != decoder->header.height
        || stride < (size_t)width * 3) {
        xp_set_message(decoder->message, "output size differs from header");
        return XP_ERR_ARGUMENT;
    }
    if (decoder->cmyk) {
        // Freed with the decompressor, also when a longjmp skips the rest of this function.
        JSAMPARRAY row = (*cinfo->mem->alloc_sarray)((j_common_ptr)cinfo, JPOOL_IMAGE, width * 4, 1);
        while (cinfo->output_scanline < height) {
            uint32_t y = cinfo->output_scanline;
            jpeg_read_scanlines(cinfo, row, 1);
            xp_cmyk_row_to_rgb(row[0], pixels + (size_t)y * stride, width);
        }
    } else {
        enum { batch = 16 };
        JSAMPROW rows[batch];
        while (cinfo->output_scanline < height) {
            uint32_t y = cinfo->output_scanline;
            uint32_t n = height - y < batch ? height - y : batch;
            for (uint32_t i = 0; i < n; i++) rows[i] = pixels + (size_t)(y + i) * stride;
            jpeg_read_scanlines(cinfo, rows, n);
        }
    }
    // Reads through EOI, so a file cut after its last scan is still reported as truncated.
    jpeg_finish_decompress(cinfo);
    return XP_OK;
}

const char *xp_jpeg_decoder_message(const xp_jpeg_decoder *decoder) { return decoder->message; }

void xp_jpeg_decoder_destroy(xp_jpeg_decoder *decoder) {
    if (decoder == NULL) return;
    if (decoder->created) jpeg_destroy_decompress(&decoder->cinfo);
    free(decoder);
}

// ---------------------------------------------------------------------------------------------
// Encoding.
// ---------------------------------------------------------------------------------------------

typedef struct xp_jpeg_encoder {
    struct jpeg_compress_struct cinfo;
    struct jpeg_error_mgr error;
    struct jpeg_destination_mgr destination;
    jmp_buf jump;
    xp_buffer *output;
    char *message;
} xp_jpeg_encoder;

static void xp_jpeg_encode_error_exit(j_common_ptr cinfo) {
    xp_jpeg_encoder *encoder = cinfo->client_data;
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    xp_set_message(encoder->message, text);
    longjmp(encoder->jump, 1);
}

static void xp_jpeg_encode_emit_message(j_common_ptr cinfo, int level) {
    (void)cinfo;
    (void)level;
}

static void xp_jpeg_destination_init(j_compress_ptr cinfo) {
    xp_jpeg_encoder *encoder = cinfo->client_data;
    encoder->destination.next_output_byte = encoder->output->data;
    encoder->destination.free_in_buffer = encoder->output->capacity;
}

static boolean xp_jpeg_destination_empty(j_compress_ptr cinfo) {
    // libjpeg calls this only when the whole buffer is full, ignoring free_in_buffer.
    xp_jpeg_encoder *encoder = cinfo->client_data;
    xp_buffer *out = encoder->output;
    out->size = out->capacity;
    if (!xp_buffer_reserve(out, out->capacity)) ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 0);
    encoder->destination.next_output_byte = out->data + out->size;
    encoder->destination.free_in_buffer = out->capacity - out->size;
    return TRUE;
}

static void xp_jpeg_destination_term(j_compress_ptr cinfo) {
    xp_jpeg_encoder *encoder = cinfo->client_data;
    encoder->output->size = encoder->output->capacity - encoder->destination.free_in_buffer;
}

xp_status xp_jpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height, size_t stride,
                         int32_t quality, xp_buffer *output, char message[XP_MESSAGE_MAX]) {
    xp_set_message(message, "");
    if (quality < 1 || quality > 100) {
        xp_set_message(message, "quality must be 1...100");
        return XP_ERR_ARGUMENT;
    }
    if (width == 0 || height == 0 || width > JPEG_MAX_DIMENSION || height > JPEG_MAX_DIMENSION) {
        snprintf(message, XP_MESSAGE_MAX, "JPEG width and height must be 1...%ld", (long)JPEG_MAX_DIMENSION);
        return XP_ERR_ARGUMENT;
    }
    if (stride < (size_t)width * 3) {
        xp_set_message(message, "stride shorter than a row");
        return XP_ERR_ARGUMENT;
    }
    // Heap state: it is read after a longjmp, when non-volatile locals are indeterminate.
    xp_jpeg_encoder *encoder = calloc(1, sizeof *encoder);
    if (encoder == NULL) {
        xp_set_message(message, "out of memory");
        return XP_ERR_NO_MEMORY;
    }
    encoder->output = output;
    encoder->message = message;
    output->size = 0;
    struct jpeg_compress_struct *cinfo = &encoder->cinfo;
    cinfo->err = jpeg_std_error(&encoder->error);
    encoder->error.error_exit = xp_jpeg_encode_error_exit;
    encoder->error.emit_message = xp_jpeg_encode_emit_message;
    encoder->error.output_message = xp_jpeg_output_message;
    cinfo->client_data = encoder;
    if (setjmp(encoder->jump)) {
        jpeg_destroy_compress(&encoder->cinfo);
        free(encoder);
        xp_buffer_free(output);
        return XP_ERR_ENCODE;
    }
    jpeg_create_compress(cinfo);

    // Photos at quality 90 compress to well under a quarter of their RGB size.
    size_t raw = (size_t)width * (size_t)height * 3;
    if (!xp_buffer_reserve(output, raw / 4 + 4096)) ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 1);
    encoder->destination.init_destination = xp_jpeg_destination_init;
    encoder->destination.empty_output_buffer = xp_jpeg_destination_empty;
    encoder->destination.term_destination = xp_jpeg_destination_term;
    cinfo->dest = &encoder->destination;

    cinfo->image_width = width;
    cinfo->image_height = height;
    cinfo->input_components = 3;
    cinfo->in_color_space = JCS_RGB;
    jpeg_set_defaults(cinfo);
    jpeg_set_quality(cinfo, quality, TRUE);
    cinfo->dct_method = JDCT_ISLOW;
    jpeg_start_compress(cinfo, TRUE);
    enum { batch = 16 };
    JSAMPROW rows[batch];
    while (cinfo->next_scanline < height) {
        uint32_t y = cinfo->next_scanline;
        uint32_t n = height - y < batch ? height - y : batch;
        // libjpeg's row type is non-const, but compression only reads the rows.
        for (uint32_t i = 0; i < n; i++) rows[i] = (JSAMPROW)(pixels + (size_t)(y + i) * stride);
        jpeg_write_scanlines(cinfo, rows, n);
    }
    jpeg_finish_compress(cinfo);
    jpeg_destroy_compress(cinfo);
    free(encoder);
    return XP_OK;
}
