#include "connxruntime.h"

#include <dlfcn.h>
#include <stdio.h>

// The two entries of ONNX Runtime's OrtApiBase, in declaration order.
typedef struct {
    const void *(*GetApi)(uint32_t version);
    const char *(*GetVersionString)(void);
} XOApiBase;

int xo_load(const char *path, XOApi *out, char *error, size_t error_size) {
    out->library = NULL;
    out->table = NULL;
    out->version = NULL;
    // RTLD_LOCAL keeps the runtime's symbols private; it finds its provider libraries through its
    // own $ORIGIN RUNPATH.
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        const char *why = dlerror();
        snprintf(error, error_size, "%s", why ? why : "dlopen failed");
        return 1;
    }
    const XOApiBase *(*get_base)(void) = (const XOApiBase *(*)(void))dlsym(lib, "OrtGetApiBase");
    if (get_base == NULL) {
        snprintf(error, error_size, "%s has no OrtGetApiBase symbol: not an ONNX Runtime library", path);
        return 2;
    }
    const XOApiBase *base = get_base();
    out->library = lib;
    out->version = base->GetVersionString();
    const void *table = base->GetApi(XO_ORT_API_VERSION);
    if (table == NULL) {
        snprintf(error, error_size, "ONNX Runtime %s does not provide API version %d", out->version ? out->version : "?",
                 XO_ORT_API_VERSION);
        return 3;
    }
    out->table = (void *const *)table;
    return 0;
}
