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

#ifdef __cplusplus
}
#endif

#endif
