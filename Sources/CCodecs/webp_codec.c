#include "ccodecs.h"
#include "xp_buffer.h"

#include <stdio.h>
#include <string.h>

#include <webp/decode.h>

static xp_status xp_webp_status(VP8StatusCode code, const char *what, char *message) {
    switch (code) {
    case VP8_STATUS_OK:
        return XP_OK;
    case VP8_STATUS_NOT_ENOUGH_DATA:
    case VP8_STATUS_SUSPENDED:
        snprintf(message, XP_MESSAGE_MAX, "%s: unexpected end of data", what);
        return XP_ERR_TRUNCATED;
    case VP8_STATUS_UNSUPPORTED_FEATURE:
        snprintf(message, XP_MESSAGE_MAX, "%s: unsupported WebP feature", what);
        return XP_ERR_UNSUPPORTED;
    case VP8_STATUS_OUT_OF_MEMORY:
        snprintf(message, XP_MESSAGE_MAX, "%s: out of memory", what);
        return XP_ERR_NO_MEMORY;
    case VP8_STATUS_INVALID_PARAM:
        snprintf(message, XP_MESSAGE_MAX, "%s: invalid parameter", what);
        return XP_ERR_CORRUPT;
    default:
        snprintf(message, XP_MESSAGE_MAX, "%s: invalid WebP bitstream", what);
        return XP_ERR_CORRUPT;
    }
}

// libwebp accepts a RIFF whose declared size runs past the data it was given (it supports
// incremental decoding), so the container is checked here: a short file is truncated.
static xp_status xp_webp_check_container(const uint8_t *data, size_t size, char *message) {
    if (size < 12) {
        xp_set_message(message, "unexpected end of data in the RIFF header");
        return XP_ERR_TRUNCATED;
    }
    uint32_t riff = (uint32_t)data[4] | (uint32_t)data[5] << 8 | (uint32_t)data[6] << 16
        | (uint32_t)data[7] << 24;
    if ((uint64_t)riff + 8 > size) {
        snprintf(message, XP_MESSAGE_MAX, "RIFF declares %llu bytes, only %zu present",
                 (unsigned long long)riff + 8, size);
        return XP_ERR_TRUNCATED;
    }
    return XP_OK;
}

xp_status xp_webp_read_header(const uint8_t *data, size_t size, xp_header *header,
                              char message[XP_MESSAGE_MAX]) {
    xp_set_message(message, "");
    xp_status status = xp_webp_check_container(data, size, message);
    if (status != XP_OK) return status;
    WebPBitstreamFeatures features;
    status = xp_webp_status(WebPGetFeatures(data, size, &features), "header", message);
    if (status != XP_OK) return status;
    if (features.has_animation) {
        xp_set_message(message, "animated WebP is not supported");
        return XP_ERR_UNSUPPORTED;
    }
    if (features.width <= 0 || features.height <= 0) {
        xp_set_message(message, "zero-sized WebP");
        return XP_ERR_CORRUPT;
    }
    header->width = (uint32_t)features.width;
    header->height = (uint32_t)features.height;
    header->has_alpha = features.has_alpha ? 1 : 0;
    header->channels = features.has_alpha ? 4 : 3;
    return XP_OK;
}

xp_status xp_webp_decode(const uint8_t *data, size_t size, uint8_t *pixels, size_t stride,
                         uint32_t height, int32_t channels, char message[XP_MESSAGE_MAX]) {
    xp_set_message(message, "");
    xp_status status = xp_webp_check_container(data, size, message);
    if (status != XP_OK) return status;
    if (channels != 3 && channels != 4) {
        xp_set_message(message, "channels must be 3 or 4");
        return XP_ERR_ARGUMENT;
    }
    WebPDecoderConfig config;
    if (!WebPInitDecoderConfig(&config)) {
        xp_set_message(message, "libwebp version mismatch");
        return XP_ERR_UNSUPPORTED;
    }
    status = xp_webp_status(WebPGetFeatures(data, size, &config.input), "header", message);
    if (status != XP_OK) return status;
    if ((uint32_t)config.input.height != height || stride < (size_t)config.input.width * (size_t)channels) {
        xp_set_message(message, "output buffer does not match the header");
        return XP_ERR_ARGUMENT;
    }
    config.output.colorspace = channels == 4 ? MODE_RGBA : MODE_RGB;
    config.output.is_external_memory = 1;
    config.output.u.RGBA.rgba = pixels;
    config.output.u.RGBA.stride = (int)stride;
    config.output.u.RGBA.size = stride * height;
    status = xp_webp_status(WebPDecode(data, size, &config), "pixels", message);
    WebPFreeDecBuffer(&config.output);
    return status;
}
