#include "xp_buffer.h"

#include <stdlib.h>
#include <string.h>

void xp_buffer_free(xp_buffer *buffer) {
    if (buffer == NULL) return;
    free(buffer->data);
    buffer->data = NULL;
    buffer->size = 0;
    buffer->capacity = 0;
}

int xp_buffer_reserve(xp_buffer *buffer, size_t extra) {
    if (extra <= buffer->capacity - buffer->size) return 1;
    if (extra > SIZE_MAX / 2 - buffer->size) return 0;
    size_t needed = buffer->size + extra;
    // Doubling keeps appends amortised O(1); encoders call this with an estimate first.
    size_t capacity = buffer->capacity < 4096 ? 4096 : buffer->capacity;
    while (capacity < needed) capacity *= 2;
    uint8_t *data = realloc(buffer->data, capacity);
    if (data == NULL) return 0;
    buffer->data = data;
    buffer->capacity = capacity;
    return 1;
}

void xp_set_message(char *message, const char *text) {
    if (message == NULL) return;
    size_t n = strlen(text);
    if (n >= XP_MESSAGE_MAX) n = XP_MESSAGE_MAX - 1;
    memcpy(message, text, n);
    message[n] = '\0';
}
