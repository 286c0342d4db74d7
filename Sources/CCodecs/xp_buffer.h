#ifndef XPASTE_CCODECS_BUFFER_H
#define XPASTE_CCODECS_BUFFER_H

#include "ccodecs.h"

/// Makes room for at least `extra` more bytes after `size`; returns 0 when memory is exhausted
/// (the buffer is then unchanged).
int xp_buffer_reserve(xp_buffer *buffer, size_t extra);

/// Copies `text` into a message buffer of XP_MESSAGE_MAX bytes, always terminating it.
void xp_set_message(char *message, const char *text);

#endif
