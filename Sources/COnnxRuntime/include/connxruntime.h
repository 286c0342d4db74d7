// Our own declarations of the part of ONNX Runtime's C ABI that xpaste uses.
//
// The runtime is never linked: `xo_load` opens it with dlopen and asks `OrtGetApiBase` for the
// `OrtApi` table, a struct of function pointers that only ever grows at its end. Each wrapper
// below calls one entry by its fixed 0-based index (see shared/design/reference-facts.md), so a
// binary built here runs against any runtime at least as new as XO_ORT_API_VERSION.
#ifndef CONNXRUNTIME_H
#define CONNXRUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The OrtApi version requested from the runtime; 14 (ONNX Runtime 1.14) covers every entry here.
#define XO_ORT_API_VERSION 14

typedef struct OrtStatus OrtStatus;
typedef struct OrtEnv OrtEnv;
typedef struct OrtSession OrtSession;
typedef struct OrtSessionOptions OrtSessionOptions;
typedef struct OrtRunOptions OrtRunOptions;
typedef struct OrtValue OrtValue;
typedef struct OrtTypeInfo OrtTypeInfo;
typedef struct OrtTensorTypeAndShapeInfo OrtTensorTypeAndShapeInfo;
typedef struct OrtMemoryInfo OrtMemoryInfo;
typedef struct OrtAllocator OrtAllocator;
typedef struct OrtIoBinding OrtIoBinding;
typedef struct OrtCUDAProviderOptionsV2 OrtCUDAProviderOptionsV2;
typedef struct OrtTensorRTProviderOptionsV2 OrtTensorRTProviderOptionsV2;

/// The loaded runtime: the dlopen handle, the OrtApi table and the runtime's version string.
typedef struct XOApi {
    void *library;
    void *const *table;
    const char *version;
} XOApi;

/// Opens the runtime at `path` and fetches its OrtApi table.
///
/// Returns 0 on success. On failure writes a message to `error` and returns 1 when the library
/// could not be opened, 2 when it has no OrtGetApiBase symbol, 3 when it is older than
/// XO_ORT_API_VERSION (then `out->version` is still set). The library is never closed: ONNX
/// Runtime keeps process-wide state that does not survive unloading.
int xo_load(const char *path, XOApi *out, char *error, size_t error_size);

/// Inflates a gzip stream (CLIP's `bpe_simple_vocab_16e6.txt.gz`). Returns 0 and a malloc'd
/// buffer the caller frees, or -1 when the input is not complete, valid gzip.
int xo_gunzip(const void *input, size_t input_size, void **output, size_t *output_size);

// Calls table entry `idx` as a function of type `type`.
#define XO_CALL(api, idx, type) ((type)((api)->table[idx]))

static inline int xo_GetErrorCode(const XOApi *api, const OrtStatus *s) {
    return XO_CALL(api, 1, int (*)(const OrtStatus *))(s);
}
static inline const char *xo_GetErrorMessage(const XOApi *api, const OrtStatus *s) {
    return XO_CALL(api, 2, const char *(*)(const OrtStatus *))(s);
}
static inline OrtStatus *xo_CreateEnv(const XOApi *api, int level, const char *logid, OrtEnv **out) {
    return XO_CALL(api, 3, OrtStatus *(*)(int, const char *, OrtEnv **))(level, logid, out);
}
static inline OrtStatus *xo_CreateSession(const XOApi *api, const OrtEnv *env, const char *path,
                                          const OrtSessionOptions *options, OrtSession **out) {
    return XO_CALL(api, 7, OrtStatus *(*)(const OrtEnv *, const char *, const OrtSessionOptions *, OrtSession **))(
        env, path, options, out);
}
static inline OrtStatus *xo_CreateSessionFromArray(const XOApi *api, const OrtEnv *env, const void *bytes, size_t length,
                                                   const OrtSessionOptions *options, OrtSession **out) {
    return XO_CALL(api, 8,
                   OrtStatus *(*)(const OrtEnv *, const void *, size_t, const OrtSessionOptions *, OrtSession **))(
        env, bytes, length, options, out);
}
static inline OrtStatus *xo_Run(const XOApi *api, OrtSession *session, const OrtRunOptions *run_options,
                                const char *const *input_names, const OrtValue *const *inputs, size_t input_count,
                                const char *const *output_names, size_t output_count, OrtValue **outputs) {
    return XO_CALL(api, 9,
                   OrtStatus *(*)(OrtSession *, const OrtRunOptions *, const char *const *, const OrtValue *const *,
                                  size_t, const char *const *, size_t, OrtValue **))(
        session, run_options, input_names, inputs, input_count, output_names, output_count, outputs);
}
static inline OrtStatus *xo_CreateSessionOptions(const XOApi *api, OrtSessionOptions **out) {
    return XO_CALL(api, 10, OrtStatus *(*)(OrtSessionOptions **))(out);
}
static inline OrtStatus *xo_SetSessionGraphOptimizationLevel(const XOApi *api, OrtSessionOptions *o, int level) {
    return XO_CALL(api, 23, OrtStatus *(*)(OrtSessionOptions *, int))(o, level);
}
static inline OrtStatus *xo_SetIntraOpNumThreads(const XOApi *api, OrtSessionOptions *o, int n) {
    return XO_CALL(api, 24, OrtStatus *(*)(OrtSessionOptions *, int))(o, n);
}
static inline OrtStatus *xo_SetInterOpNumThreads(const XOApi *api, OrtSessionOptions *o, int n) {
    return XO_CALL(api, 25, OrtStatus *(*)(OrtSessionOptions *, int))(o, n);
}
static inline OrtStatus *xo_SessionGetInputCount(const XOApi *api, const OrtSession *s, size_t *out) {
    return XO_CALL(api, 30, OrtStatus *(*)(const OrtSession *, size_t *))(s, out);
}
static inline OrtStatus *xo_SessionGetOutputCount(const XOApi *api, const OrtSession *s, size_t *out) {
    return XO_CALL(api, 31, OrtStatus *(*)(const OrtSession *, size_t *))(s, out);
}
static inline OrtStatus *xo_SessionGetInputTypeInfo(const XOApi *api, const OrtSession *s, size_t i, OrtTypeInfo **out) {
    return XO_CALL(api, 33, OrtStatus *(*)(const OrtSession *, size_t, OrtTypeInfo **))(s, i, out);
}
static inline OrtStatus *xo_SessionGetOutputTypeInfo(const XOApi *api, const OrtSession *s, size_t i, OrtTypeInfo **out) {
    return XO_CALL(api, 34, OrtStatus *(*)(const OrtSession *, size_t, OrtTypeInfo **))(s, i, out);
}
static inline OrtStatus *xo_SessionGetInputName(const XOApi *api, const OrtSession *s, size_t i, OrtAllocator *a,
                                                char **out) {
    return XO_CALL(api, 36, OrtStatus *(*)(const OrtSession *, size_t, OrtAllocator *, char **))(s, i, a, out);
}
static inline OrtStatus *xo_SessionGetOutputName(const XOApi *api, const OrtSession *s, size_t i, OrtAllocator *a,
                                                 char **out) {
    return XO_CALL(api, 37, OrtStatus *(*)(const OrtSession *, size_t, OrtAllocator *, char **))(s, i, a, out);
}
static inline OrtStatus *xo_CreateRunOptions(const XOApi *api, OrtRunOptions **out) {
    return XO_CALL(api, 39, OrtStatus *(*)(OrtRunOptions **))(out);
}
static inline OrtStatus *xo_CreateTensorAsOrtValue(const XOApi *api, OrtAllocator *a, const int64_t *shape, size_t rank,
                                                   int type, OrtValue **out) {
    return XO_CALL(api, 48, OrtStatus *(*)(OrtAllocator *, const int64_t *, size_t, int, OrtValue **))(
        a, shape, rank, type, out);
}
static inline OrtStatus *xo_CreateTensorWithDataAsOrtValue(const XOApi *api, const OrtMemoryInfo *info, void *data,
                                                           size_t bytes, const int64_t *shape, size_t rank, int type,
                                                           OrtValue **out) {
    return XO_CALL(api, 49,
                   OrtStatus *(*)(const OrtMemoryInfo *, void *, size_t, const int64_t *, size_t, int, OrtValue **))(
        info, data, bytes, shape, rank, type, out);
}
static inline OrtStatus *xo_GetTensorMutableData(const XOApi *api, OrtValue *v, void **out) {
    return XO_CALL(api, 51, OrtStatus *(*)(OrtValue *, void **))(v, out);
}
static inline OrtStatus *xo_CastTypeInfoToTensorInfo(const XOApi *api, const OrtTypeInfo *t,
                                                     const OrtTensorTypeAndShapeInfo **out) {
    return XO_CALL(api, 55, OrtStatus *(*)(const OrtTypeInfo *, const OrtTensorTypeAndShapeInfo **))(t, out);
}
static inline OrtStatus *xo_GetTensorElementType(const XOApi *api, const OrtTensorTypeAndShapeInfo *i, int *out) {
    return XO_CALL(api, 60, OrtStatus *(*)(const OrtTensorTypeAndShapeInfo *, int *))(i, out);
}
static inline OrtStatus *xo_GetDimensionsCount(const XOApi *api, const OrtTensorTypeAndShapeInfo *i, size_t *out) {
    return XO_CALL(api, 61, OrtStatus *(*)(const OrtTensorTypeAndShapeInfo *, size_t *))(i, out);
}
static inline OrtStatus *xo_GetDimensions(const XOApi *api, const OrtTensorTypeAndShapeInfo *i, int64_t *dims,
                                          size_t count) {
    return XO_CALL(api, 62, OrtStatus *(*)(const OrtTensorTypeAndShapeInfo *, int64_t *, size_t))(i, dims, count);
}
static inline OrtStatus *xo_GetTensorTypeAndShape(const XOApi *api, const OrtValue *v, OrtTensorTypeAndShapeInfo **out) {
    return XO_CALL(api, 65, OrtStatus *(*)(const OrtValue *, OrtTensorTypeAndShapeInfo **))(v, out);
}
static inline OrtStatus *xo_CreateCpuMemoryInfo(const XOApi *api, int allocator_type, int mem_type,
                                                OrtMemoryInfo **out) {
    return XO_CALL(api, 69, OrtStatus *(*)(int, int, OrtMemoryInfo **))(allocator_type, mem_type, out);
}
static inline OrtStatus *xo_AllocatorFree(const XOApi *api, OrtAllocator *a, void *p) {
    return XO_CALL(api, 76, OrtStatus *(*)(OrtAllocator *, void *))(a, p);
}
static inline OrtStatus *xo_GetAllocatorWithDefaultOptions(const XOApi *api, OrtAllocator **out) {
    return XO_CALL(api, 78, OrtStatus *(*)(OrtAllocator **))(out);
}
static inline void xo_ReleaseEnv(const XOApi *api, OrtEnv *p) { XO_CALL(api, 92, void (*)(OrtEnv *))(p); }
static inline void xo_ReleaseStatus(const XOApi *api, OrtStatus *p) { XO_CALL(api, 93, void (*)(OrtStatus *))(p); }
static inline void xo_ReleaseMemoryInfo(const XOApi *api, OrtMemoryInfo *p) {
    XO_CALL(api, 94, void (*)(OrtMemoryInfo *))(p);
}
static inline void xo_ReleaseSession(const XOApi *api, OrtSession *p) { XO_CALL(api, 95, void (*)(OrtSession *))(p); }
static inline void xo_ReleaseValue(const XOApi *api, OrtValue *p) { XO_CALL(api, 96, void (*)(OrtValue *))(p); }
static inline void xo_ReleaseRunOptions(const XOApi *api, OrtRunOptions *p) {
    XO_CALL(api, 97, void (*)(OrtRunOptions *))(p);
}
static inline void xo_ReleaseTypeInfo(const XOApi *api, OrtTypeInfo *p) { XO_CALL(api, 98, void (*)(OrtTypeInfo *))(p); }
static inline void xo_ReleaseTensorTypeAndShapeInfo(const XOApi *api, OrtTensorTypeAndShapeInfo *p) {
    XO_CALL(api, 99, void (*)(OrtTensorTypeAndShapeInfo *))(p);
}
static inline void xo_ReleaseSessionOptions(const XOApi *api, OrtSessionOptions *p) {
    XO_CALL(api, 100, void (*)(OrtSessionOptions *))(p);
}
static inline OrtStatus *xo_GetAvailableProviders(const XOApi *api, char ***out, int *count) {
    return XO_CALL(api, 125, OrtStatus *(*)(char ***, int *))(out, count);
}
static inline OrtStatus *xo_ReleaseAvailableProviders(const XOApi *api, char **providers, int count) {
    return XO_CALL(api, 126, OrtStatus *(*)(char **, int))(providers, count);
}
static inline OrtStatus *xo_AddSessionConfigEntry(const XOApi *api, OrtSessionOptions *o, const char *key,
                                                  const char *value) {
    return XO_CALL(api, 130, OrtStatus *(*)(OrtSessionOptions *, const char *, const char *))(o, key, value);
}
static inline OrtStatus *xo_RunWithBinding(const XOApi *api, OrtSession *s, const OrtRunOptions *r,
                                           const OrtIoBinding *b) {
    return XO_CALL(api, 133, OrtStatus *(*)(OrtSession *, const OrtRunOptions *, const OrtIoBinding *))(s, r, b);
}
static inline OrtStatus *xo_CreateIoBinding(const XOApi *api, OrtSession *s, OrtIoBinding **out) {
    return XO_CALL(api, 134, OrtStatus *(*)(OrtSession *, OrtIoBinding **))(s, out);
}
static inline void xo_ReleaseIoBinding(const XOApi *api, OrtIoBinding *p) {
    XO_CALL(api, 135, void (*)(OrtIoBinding *))(p);
}
static inline OrtStatus *xo_BindInput(const XOApi *api, OrtIoBinding *b, const char *name, const OrtValue *v) {
    return XO_CALL(api, 136, OrtStatus *(*)(OrtIoBinding *, const char *, const OrtValue *))(b, name, v);
}
static inline OrtStatus *xo_BindOutput(const XOApi *api, OrtIoBinding *b, const char *name, const OrtValue *v) {
    return XO_CALL(api, 137, OrtStatus *(*)(OrtIoBinding *, const char *, const OrtValue *))(b, name, v);
}
static inline OrtStatus *xo_BindOutputToDevice(const XOApi *api, OrtIoBinding *b, const char *name,
                                               const OrtMemoryInfo *info) {
    return XO_CALL(api, 138, OrtStatus *(*)(OrtIoBinding *, const char *, const OrtMemoryInfo *))(b, name, info);
}
static inline OrtStatus *xo_GetBoundOutputValues(const XOApi *api, const OrtIoBinding *b, OrtAllocator *a,
                                                 OrtValue ***out, size_t *count) {
    return XO_CALL(api, 140, OrtStatus *(*)(const OrtIoBinding *, OrtAllocator *, OrtValue ***, size_t *))(
        b, a, out, count);
}
static inline void xo_ClearBoundInputs(const XOApi *api, OrtIoBinding *b) {
    XO_CALL(api, 141, void (*)(OrtIoBinding *))(b);
}
static inline void xo_ClearBoundOutputs(const XOApi *api, OrtIoBinding *b) {
    XO_CALL(api, 142, void (*)(OrtIoBinding *))(b);
}
static inline OrtStatus *xo_SessionOptionsAppendExecutionProvider_TensorRT_V2(const XOApi *api, OrtSessionOptions *o,
                                                                             const OrtTensorRTProviderOptionsV2 *p) {
    return XO_CALL(api, 170, OrtStatus *(*)(OrtSessionOptions *, const OrtTensorRTProviderOptionsV2 *))(o, p);
}
static inline OrtStatus *xo_CreateTensorRTProviderOptions(const XOApi *api, OrtTensorRTProviderOptionsV2 **out) {
    return XO_CALL(api, 171, OrtStatus *(*)(OrtTensorRTProviderOptionsV2 **))(out);
}
static inline OrtStatus *xo_UpdateTensorRTProviderOptions(const XOApi *api, OrtTensorRTProviderOptionsV2 *p,
                                                          const char *const *keys, const char *const *values,
                                                          size_t count) {
    return XO_CALL(api, 172,
                   OrtStatus *(*)(OrtTensorRTProviderOptionsV2 *, const char *const *, const char *const *, size_t))(
        p, keys, values, count);
}
static inline void xo_ReleaseTensorRTProviderOptions(const XOApi *api, OrtTensorRTProviderOptionsV2 *p) {
    XO_CALL(api, 174, void (*)(OrtTensorRTProviderOptionsV2 *))(p);
}
static inline OrtStatus *xo_SessionOptionsAppendExecutionProvider_CUDA_V2(const XOApi *api, OrtSessionOptions *o,
                                                                         const OrtCUDAProviderOptionsV2 *p) {
    return XO_CALL(api, 204, OrtStatus *(*)(OrtSessionOptions *, const OrtCUDAProviderOptionsV2 *))(o, p);
}
static inline OrtStatus *xo_CreateCUDAProviderOptions(const XOApi *api, OrtCUDAProviderOptionsV2 **out) {
    return XO_CALL(api, 205, OrtStatus *(*)(OrtCUDAProviderOptionsV2 **))(out);
}
static inline OrtStatus *xo_UpdateCUDAProviderOptions(const XOApi *api, OrtCUDAProviderOptionsV2 *p,
                                                      const char *const *keys, const char *const *values,
                                                      size_t count) {
    return XO_CALL(api, 206,
                   OrtStatus *(*)(OrtCUDAProviderOptionsV2 *, const char *const *, const char *const *, size_t))(
        p, keys, values, count);
}
static inline void xo_ReleaseCUDAProviderOptions(const XOApi *api, OrtCUDAProviderOptionsV2 *p) {
    XO_CALL(api, 208, void (*)(OrtCUDAProviderOptionsV2 *))(p);
}

#ifdef __cplusplus
}
#endif

#endif
