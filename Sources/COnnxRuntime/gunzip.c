#include "connxruntime.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int xo_gunzip(const void *input, size_t input_size, void **output, size_t *output_size) {
    *output = NULL;
    *output_size = 0;
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    // 16 + MAX_WBITS: expect a gzip header and trailer.
    if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) return -1;
    size_t capacity = input_size * 4 + 1024, used = 0;
    unsigned char *buffer = malloc(capacity);
    if (buffer == NULL) {
        inflateEnd(&stream);
        return -1;
    }
    stream.next_in = (Bytef *)input;
    int rc = Z_OK;
    size_t remaining = input_size;
    while (rc != Z_STREAM_END) {
        if (stream.avail_in == 0 && remaining > 0) {
            // zlib counts in uInt; feed large inputs in slices.
            uInt slice = remaining > 0x40000000u ? 0x40000000u : (uInt)remaining;
            stream.avail_in = slice;
            remaining -= slice;
        }
        if (used == capacity) {
            capacity *= 2;
            unsigned char *grown = realloc(buffer, capacity);
            if (grown == NULL) {
                rc = Z_MEM_ERROR;
                break;
            }
            buffer = grown;
        }
        size_t room = capacity - used;
        stream.next_out = buffer + used;
        stream.avail_out = room > 0x40000000u ? 0x40000000u : (uInt)room;
        uInt before = stream.avail_out;
        rc = inflate(&stream, Z_NO_FLUSH);
        used += before - stream.avail_out;
        if (rc == Z_BUF_ERROR && stream.avail_in == 0 && remaining == 0) break;  // truncated input
        if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) break;
    }
    inflateEnd(&stream);
    if (rc != Z_STREAM_END) {
        free(buffer);
        return -1;
    }
    *output = buffer;
    *output_size = used;
    return 0;
}
