// Times the U-Net's oneDNN calls on one oneDNN build, so two builds (Debian's 2.6.3 and a 3.x)
// can be compared layer by layer. Compiles against the 2.x (`*_desc_init`) and the 3.x
// (`*_primitive_desc_create`) C API.
//
// Calls are given as the lines `NUCLEISEG_KERNELS_TRACE=1 nucleiseg benchmark ...` prints
//   nucleiseg-kernel kind K flags F dims N IH IW IC OC KH KW SH SW PT PB PL PR G impl ... ms ...
// (kind 1-3 convolution forward / backward data / backward weights, 4-6 the same for the
// transposed convolution; flags bit 0 bias, bits 1-2 activation, bit 3 bfloat16). Each distinct
// call is timed like `dnnl_kernels.c` runs it: NHWC activations, the primitive's preferred
// (blocked) weights layout, bfloat16 inputs and float32 outputs when bit 3 is set. Only the
// primitive is timed (the weights reorder and bfloat16 conversions are the same work in both).
//
// Built as a shared object per oneDNN build (`build.sh`); `ab_driver.c` loads two of them into
// one process and runs each call A B A B ..., so both builds see the same machine load.
#include <oneapi/dnnl/dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if DNNL_VERSION_MAJOR >= 3
typedef const_dnnl_memory_desc_t md_ref;
#define REF(md) (md)
#else
typedef const dnnl_memory_desc_t *md_ref;
#define REF(md) (&(md))
#endif

#define CHECK(call)                                                                       \
    do {                                                                                  \
        dnnl_status_t s_ = (call);                                                        \
        if (s_ != dnnl_success) {                                                         \
            fprintf(stderr, "%s:%d %s -> %d\n", __FILE__, __LINE__, #call, (int)s_);     \
            return NULL;                                                                  \
        }                                                                                 \
    } while (0)

static dnnl_engine_t engine;
static dnnl_stream_t stream;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static void make_md(dnnl_memory_desc_t *md, int ndims, const dnnl_dims_t dims, dnnl_data_type_t type,
                    dnnl_format_tag_t tag) {
#if DNNL_VERSION_MAJOR >= 3
    dnnl_memory_desc_create_with_tag(md, ndims, dims, type, tag);
#else
    dnnl_memory_desc_init_by_tag(md, ndims, dims, type, tag);
#endif
}

/// The primitive descriptor of one call (kind 1-6) with bfloat16 inputs when `half`.
static dnnl_primitive_desc_t describe(long kind, long flags, const long *v) {
    long N = v[0], IH = v[1], IW = v[2], IC = v[3], OC = v[4], KH = v[5], KW = v[6], SH = v[7], SW = v[8];
    long PT = v[9], PB = v[10], PL = v[11], PR = v[12], G = v[13];
    int bias = flags & 1, activation = (flags >> 1) & 3, half = (flags >> 3) & 1;
    int deconvolution = kind >= 4, pass = (int)(deconvolution ? kind - 4 : kind - 1);
    long OH = (IH + PT + PB - KH) / SH + 1, OW = (IW + PL + PR - KW) / SW + 1;
    dnnl_data_type_t f32 = dnnl_f32, in_type = half ? dnnl_bf16 : dnnl_f32;
    // The convolution's input/output; a deconvolution runs from `output` to `input`.
    dnnl_dims_t in_dims = {N, IC, IH, IW}, out_dims = {N, OC, OH, OW};
    dnnl_memory_desc_t in_f, in_h, out_f, out_h, weights, weights_f, bias_md;
    make_md(&in_f, 4, in_dims, f32, dnnl_nhwc);
    make_md(&in_h, 4, in_dims, in_type, dnnl_nhwc);
    make_md(&out_f, 4, out_dims, f32, dnnl_nhwc);
    make_md(&out_h, 4, out_dims, in_type, dnnl_nhwc);
    long first = deconvolution ? IC / G : OC / G, second = deconvolution ? OC / G : IC / G;
    if (G == 1) {
        dnnl_dims_t w = {first, second, KH, KW};
        make_md(&weights, 4, w, in_type, dnnl_format_tag_any);
        make_md(&weights_f, 4, w, f32, dnnl_format_tag_any);
    } else {
        dnnl_dims_t w = {G, first, second, KH, KW};
        make_md(&weights, 5, w, in_type, dnnl_format_tag_any);
        make_md(&weights_f, 5, w, f32, dnnl_format_tag_any);
    }
    dnnl_dims_t b = {deconvolution ? IC : OC};
    make_md(&bias_md, 1, b, f32, dnnl_a);
    md_ref source_f = deconvolution ? REF(out_f) : REF(in_f), source_h = deconvolution ? REF(out_h) : REF(in_h);
    md_ref destination_f = deconvolution ? REF(in_f) : REF(out_f), destination_h = deconvolution ? REF(in_h) : REF(out_h);
    md_ref bias_ref = bias ? REF(bias_md) : NULL;
    dnnl_dims_t strides = {SH, SW}, dilation = {0, 0}, pad_l = {PT, PL}, pad_r = {PB, PR};
    dnnl_prop_kind_t prop = half && pass == 0 ? dnnl_forward_inference : dnnl_forward_training;
    dnnl_alg_kind_t alg = deconvolution ? dnnl_deconvolution_direct : dnnl_convolution_direct;
    dnnl_primitive_attr_t attr = NULL;
    dnnl_post_ops_t post_ops = NULL;
    if (pass == 0 && activation) {
        CHECK(dnnl_primitive_attr_create(&attr));
        CHECK(dnnl_post_ops_create(&post_ops));
#if DNNL_VERSION_MAJOR >= 3
        CHECK(dnnl_post_ops_append_eltwise(post_ops, activation == 1 ? dnnl_eltwise_relu : dnnl_eltwise_clip, 0.0f,
                                           activation == 1 ? 0.0f : 6.0f));
#else
        CHECK(dnnl_post_ops_append_eltwise(post_ops, 1.0f, activation == 1 ? dnnl_eltwise_relu : dnnl_eltwise_clip,
                                           0.0f, activation == 1 ? 0.0f : 6.0f));
#endif
        CHECK(dnnl_primitive_attr_set_post_ops(attr, post_ops));
    }
    dnnl_primitive_desc_t forward = NULL, result = NULL;
#if DNNL_VERSION_MAJOR >= 3
    if (deconvolution)
        CHECK(dnnl_deconvolution_forward_primitive_desc_create(&forward, engine, prop, alg, source_h, REF(weights),
                                                               bias_ref, destination_f, strides, dilation, pad_l,
                                                               pad_r, pass == 0 ? attr : NULL));
    else
        CHECK(dnnl_convolution_forward_primitive_desc_create(&forward, engine, prop, alg, source_h, REF(weights),
                                                             bias_ref, destination_f, strides, dilation, pad_l,
                                                             pad_r, pass == 0 ? attr : NULL));
    if (pass == 0) return forward;
    if (pass == 1) {
        if (deconvolution)
            CHECK(dnnl_deconvolution_backward_data_primitive_desc_create(&result, engine, alg, source_f, REF(weights),
                                                                         destination_h, strides, dilation, pad_l,
                                                                         pad_r, forward, NULL));
        else
            CHECK(dnnl_convolution_backward_data_primitive_desc_create(&result, engine, alg, source_f, REF(weights),
                                                                       destination_h, strides, dilation, pad_l, pad_r,
                                                                       forward, NULL));
    } else {
        if (deconvolution)
            CHECK(dnnl_deconvolution_backward_weights_primitive_desc_create(&result, engine, alg, source_h,
                                                                            REF(weights_f), bias_ref, destination_h,
                                                                            strides, dilation, pad_l, pad_r, forward,
                                                                            NULL));
        else
            CHECK(dnnl_convolution_backward_weights_primitive_desc_create(&result, engine, alg, source_h,
                                                                          REF(weights_f), bias_ref, destination_h,
                                                                          strides, dilation, pad_l, pad_r, forward,
                                                                          NULL));
    }
#else
    union {
        dnnl_convolution_desc_t c;
        dnnl_deconvolution_desc_t d;
    } fd, bd;
    if (deconvolution)
        CHECK(dnnl_deconvolution_forward_desc_init(&fd.d, prop, alg, source_h, &weights, bias_ref, destination_f,
                                                   strides, pad_l, pad_r));
    else
        CHECK(dnnl_convolution_forward_desc_init(&fd.c, prop, alg, source_h, &weights, bias_ref, destination_f, strides,
                                                 pad_l, pad_r));
    CHECK(dnnl_primitive_desc_create(&forward, &fd, pass == 0 ? attr : NULL, engine, NULL));
    if (pass == 0) return forward;
    if (pass == 1) {
        if (deconvolution)
            CHECK(dnnl_deconvolution_backward_data_desc_init(&bd.d, alg, source_f, &weights, destination_h, strides,
                                                             pad_l, pad_r));
        else
            CHECK(dnnl_convolution_backward_data_desc_init(&bd.c, alg, source_f, &weights, destination_h, strides,
                                                           pad_l, pad_r));
    } else {
        if (deconvolution)
            CHECK(dnnl_deconvolution_backward_weights_desc_init(&bd.d, alg, source_h, &weights_f, bias_ref,
                                                                destination_h, strides, pad_l, pad_r));
        else
            CHECK(dnnl_convolution_backward_weights_desc_init(&bd.c, alg, source_h, &weights_f, bias_ref,
                                                              destination_h, strides, pad_l, pad_r));
    }
    CHECK(dnnl_primitive_desc_create(&result, &bd, NULL, engine, forward));
#endif
    return result;
}

static const int arguments_of_pass[3][4] = {
    {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_DST},
    {DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_SRC, 0},
    {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS, DNNL_ARG_DIFF_BIAS},
};

typedef struct prepared {
    dnnl_primitive_t primitive;
    int count;
    dnnl_exec_arg_t arguments[4];
} prepared_t;

/// Creates the primitive of one call and its buffers (zero-filled: the same work as real values).
void *layer_bench_prepare(long kind, long flags, const long *v, const char **implementation) {
    static int initialized;
    if (!initialized) {
        dnnl_engine_create(&engine, dnnl_cpu, 0);
        dnnl_stream_create(&stream, engine, dnnl_stream_default_flags);
        initialized = 1;
    }
    dnnl_primitive_desc_t descriptor = describe(kind, flags, v);
    if (!descriptor) return NULL;
    dnnl_primitive_desc_query(descriptor, dnnl_query_impl_info_str, 0, implementation);
    prepared_t *p = calloc(1, sizeof *p);
    if (dnnl_primitive_create(&p->primitive, descriptor) != dnnl_success) return NULL;
    int pass = (int)((kind >= 4 ? kind - 4 : kind - 1));
    for (int index = 0; index < 4; index++) {
        int argument = arguments_of_pass[pass][index];
        if (!argument) continue;
        dnnl_query_t query;
        switch (argument) {
        case DNNL_ARG_SRC: query = dnnl_query_src_md; break;
        case DNNL_ARG_WEIGHTS: case DNNL_ARG_BIAS: query = dnnl_query_weights_md; break;
        case DNNL_ARG_DST: query = dnnl_query_dst_md; break;
        case DNNL_ARG_DIFF_DST: query = dnnl_query_diff_dst_md; break;
        case DNNL_ARG_DIFF_SRC: query = dnnl_query_diff_src_md; break;
        default: query = dnnl_query_diff_weights_md; break;
        }
        int query_index = (argument == DNNL_ARG_BIAS || argument == DNNL_ARG_DIFF_BIAS) ? 1 : 0;
#if DNNL_VERSION_MAJOR >= 3
        const_dnnl_memory_desc_t md = dnnl_primitive_desc_query_md(descriptor, query, query_index);
        if (!md || dnnl_memory_desc_get_size(md) == 0) continue;
#else
        const dnnl_memory_desc_t *md = dnnl_primitive_desc_query_md(descriptor, query, query_index);
        if (!md || md->ndims == 0) continue;
#endif
        p->arguments[p->count].arg = argument;
        dnnl_memory_create(&p->arguments[p->count].memory, md, engine, DNNL_MEMORY_ALLOCATE);
        void *data = NULL;
        dnnl_memory_get_data_handle(p->arguments[p->count].memory, &data);
        memset(data, 0, dnnl_memory_desc_get_size(md));
        p->count++;
    }
    return p;
}

/// Runs the call once; returns the seconds it took.
double layer_bench_run(void *handle) {
    prepared_t *p = handle;
    double start = now();
    dnnl_primitive_execute(p->primitive, stream, p->count, p->arguments);
    dnnl_stream_wait(stream);
    return now() - start;
}

void layer_bench_free(void *handle) {
    prepared_t *p = handle;
    for (int index = 0; index < p->count; index++) dnnl_memory_destroy(p->arguments[index].memory);
    dnnl_primitive_destroy(p->primitive);
    free(p);
}

const char *layer_bench_version(void) {
    static char text[32];
    const dnnl_version_t *version = dnnl_version();
    snprintf(text, sizeof text, "%d.%d.%d", version->major, version->minor, version->patch);
    return text;
}
