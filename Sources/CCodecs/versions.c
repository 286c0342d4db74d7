#include "ccodecs.h"

#include <stdio.h>
#include <png.h>
#include <jpeglib.h>
#include <webp/decode.h>

const char *xp_libpng_version(void) { return png_get_libpng_ver(NULL); }

int xp_libjpeg_version(void) { return JPEG_LIB_VERSION; }

int xp_libwebp_decoder_version(void) { return WebPGetDecoderVersion(); }
