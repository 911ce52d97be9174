// Every oneDNN call of NucleiSeg. oneDNN 2.6 (`*_desc_init` C API); a 3.x port touches this file only.
//
// Shape of the file: a key (primitive kind + dims) -> a cached entry holding the primitive, one
// memory object per argument (the caller's pointers are set as data handles on each call) and,
// where the primitive prefers a blocked weights layout, a reorder between it and the Keras layout.
#include "nucleiseg_kernels.h"

#include <oneapi/dnnl/dnnl.h>
#include <oneapi/dnnl/dnnl_debug.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <stdio.h>
#include <malloc.h>

// MARK: - Engine, stream, lock

static dnnl_engine_t engine;
static dnnl_stream_t stream;
static dnnl_status_t initialization_status = dnnl_runtime_error;
static pthread_once_t initialization_once = PTHREAD_ONCE_INIT;
// One lock for the cache and every execution: the cached memory objects are shared, and oneDNN
// already uses every core inside one call.
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

// NUCLEISEG_KERNELS_TRACE=1 prints every call (kind, dims, oneDNN implementation, ms) to stderr.
static int trace;

// NUCLEISEG_KERNELS_LAYOUT=keras or blocked forces one weights layout everywhere (to measure the
// layout rule of `prefers_keras_layout`); unset, the rule decides.
enum { layout_by_rule, layout_blocked, layout_keras };
static int forced_layout = layout_by_rule;

// NUCLEISEG_KERNELS_PLAIN_OUTPUT=1 runs transposed convolutions to few channels on oneDNN's
// deconvolution too (to measure `few_channel_transposed_forward`).
static int plain_output;

static void initialize(void) {
    trace = getenv("NUCLEISEG_KERNELS_TRACE") != NULL;
    plain_output = getenv("NUCLEISEG_KERNELS_PLAIN_OUTPUT") != NULL;
    const char *layout = getenv("NUCLEISEG_KERNELS_LAYOUT");
    if (layout && strcmp(layout, "keras") == 0) forced_layout = layout_keras;
    if (layout && strcmp(layout, "blocked") == 0) forced_layout = layout_blocked;
    initialization_status = dnnl_engine_create(&engine, dnnl_cpu, 0);
    if (initialization_status == dnnl_success)
        initialization_status = dnnl_stream_create(&stream, engine, dnnl_stream_default_flags);
}

// MARK: - Keys and entries

enum primitive_kind {
    convolution_forward_kind = 1,
    convolution_backward_data_kind,
    convolution_backward_weights_kind,
    deconvolution_forward_kind,
    deconvolution_backward_data_kind,
    deconvolution_backward_weights_kind,
    batch_norm_forward_training_kind,
    batch_norm_forward_inference_kind,
    batch_norm_backward_kind,
};

// Compared and hashed byte by byte, so it has no implicit padding: `reserved` fills the last 8 bytes.
typedef struct key {
    long kind;
    long with_bias;
    long values[14];
    float epsilon;
    float reserved;
} key_t_;
_Static_assert(sizeof(key_t_) == 16 * sizeof(long) + 2 * sizeof(float), "key_t_ must have no padding");

enum { maximum_arguments = 9 };

typedef struct entry {
    key_t_ key;
    dnnl_primitive_t primitive;
    int argument_count;
    // Arguments at or past this index own their buffers; the caller's pointers fill the others.
    int caller_argument_count;
    dnnl_exec_arg_t arguments[maximum_arguments];
    // Weights in the primitive's preferred layout: `weights_slot` is the argument index whose
    // memory lives in the shared `blocked_weights` buffer; `keras_weights` wraps the caller's
    // pointer; `reorder` converts before (forward, backward data) or after (backward weights).
    int weights_slot;
    size_t blocked_weights_bytes;
    dnnl_memory_t keras_weights;
    dnnl_primitive_t reorder;
    int reorder_after;
    // Whether the primitive was asked for its preferred weights layout (see `choose_layout`).
    int any_weights_layout;
    // bfloat16 passes: up to two float inputs of the caller (argument slots `converted_slot`) are
    // converted into the shared `converted_inputs` buffers by `conversions` before the primitive runs.
    int conversion_count;
    int converted_slot[2];
    dnnl_memory_t caller_input[2];
    dnnl_primitive_t conversions[2];
    size_t converted_bytes[2];
    char implementation[96];
    struct entry *next;
} entry_t;

enum { bucket_count = 512 };
static entry_t *buckets[bucket_count];
static int cache_enabled = 1;
// Blocked weights live only during one call and calls hold the lock, so every entry shares one
// buffer (the largest decoder layer's is 10 MB; one per entry and batch size would add up).
static void *blocked_weights;
static size_t blocked_weights_capacity;
static void *converted_inputs[2];
static size_t converted_input_capacity[2];
static char last_implementation[96] = "none";

static key_t_ make_key(long kind, long with_bias, const long *values, int value_count, float epsilon) {
    key_t_ key;
    memset(&key, 0, sizeof key);
    key.kind = kind;
    key.with_bias = with_bias;
    for (int index = 0; index < value_count; index++) key.values[index] = values[index];
    key.epsilon = epsilon;
    return key;
}

static size_t hash_key(const key_t_ *key) {
    const unsigned char *bytes = (const unsigned char *)key;
    uint64_t hash = 1469598103934665603ULL;
    for (size_t index = 0; index < sizeof *key; index++) hash = (hash ^ bytes[index]) * 1099511628211ULL;
    return (size_t)(hash % bucket_count);
}

static void destroy_entry(entry_t *entry) {
    if (!entry) return;
    if (entry->primitive) dnnl_primitive_destroy(entry->primitive);
    if (entry->reorder) dnnl_primitive_destroy(entry->reorder);
    if (entry->keras_weights) dnnl_memory_destroy(entry->keras_weights);
    for (int index = 0; index < entry->conversion_count; index++) {
        if (entry->conversions[index]) dnnl_primitive_destroy(entry->conversions[index]);
        if (entry->caller_input[index]) dnnl_memory_destroy(entry->caller_input[index]);
    }
    for (int index = 0; index < entry->argument_count; index++)
        if (entry->arguments[index].memory) dnnl_memory_destroy(entry->arguments[index].memory);
    free(entry);
}

#define CHECK(call)                                      \
    do {                                                 \
        dnnl_status_t check_status = (call);             \
        if (check_status != dnnl_success) {              \
            status = check_status;                       \
            goto done;                                   \
        }                                                \
    } while (0)

static dnnl_status_t add_argument(entry_t *entry, int argument, const dnnl_memory_desc_t *descriptor) {
    dnnl_exec_arg_t *slot = &entry->arguments[entry->argument_count];
    slot->arg = argument;
    dnnl_status_t status = dnnl_memory_create(&slot->memory, descriptor, engine, DNNL_MEMORY_NONE);
    if (status == dnnl_success) entry->argument_count++;
    return status;
}

/// Adds argument `argument` in bfloat16 whose caller passes float32 (`caller`): a conversion
/// runs before the primitive on every call.
static dnnl_status_t add_converted_argument(entry_t *entry, int argument, const dnnl_memory_desc_t *caller) {
    dnnl_status_t status = dnnl_success;
    dnnl_primitive_desc_t conversion_descriptor = NULL;
    dnnl_memory_desc_t converted = *caller;
    converted.data_type = dnnl_bf16;
    int conversion = entry->conversion_count;
    entry->converted_slot[conversion] = entry->argument_count;
    CHECK(add_argument(entry, argument, &converted));
    CHECK(dnnl_memory_create(&entry->caller_input[conversion], caller, engine, DNNL_MEMORY_NONE));
    entry->conversion_count++;
    CHECK(dnnl_reorder_primitive_desc_create(&conversion_descriptor, caller, engine, &converted, engine, NULL));
    CHECK(dnnl_primitive_create(&entry->conversions[conversion], conversion_descriptor));
    entry->converted_bytes[conversion] = dnnl_memory_desc_get_size(&converted);
done:
    if (conversion_descriptor) dnnl_primitive_desc_destroy(conversion_descriptor);
    return status;
}

/// Creates the primitive of `descriptor` (a `*_desc_t`) and records its implementation name.
static dnnl_status_t create_primitive(entry_t *entry, const void *descriptor, const_dnnl_primitive_desc_t hint,
                                      const_dnnl_primitive_attr_t attributes, dnnl_primitive_desc_t *primitive_descriptor) {
    dnnl_status_t status = dnnl_primitive_desc_create(primitive_descriptor, descriptor, attributes, engine, hint);
    if (status != dnnl_success) return status;
    const char *name = NULL;
    if (dnnl_primitive_desc_query(*primitive_descriptor, dnnl_query_impl_info_str, 0, &name) == dnnl_success && name)
        strncpy(entry->implementation, name, sizeof entry->implementation - 1);
    return dnnl_primitive_create(&entry->primitive, *primitive_descriptor);
}

/// Adds the weights argument: the Keras layout directly when the primitive took it, otherwise a
/// buffer in the primitive's layout (the shared `blocked_weights`) plus a reorder from/to the Keras layout.
static dnnl_status_t add_weights_argument(entry_t *entry, int argument, const dnnl_memory_desc_t *keras,
                                          const dnnl_memory_desc_t *chosen, int reorder_after) {
    entry->weights_slot = entry->argument_count;
    if (dnnl_memory_desc_equal(keras, chosen)) return add_argument(entry, argument, keras);
    dnnl_status_t status = dnnl_success;
    dnnl_primitive_desc_t reorder_descriptor = NULL;
    dnnl_exec_arg_t *slot = &entry->arguments[entry->argument_count];
    slot->arg = argument;
    CHECK(dnnl_memory_create(&slot->memory, chosen, engine, DNNL_MEMORY_NONE));
    entry->argument_count++;
    entry->blocked_weights_bytes = dnnl_memory_desc_get_size(chosen);
    CHECK(dnnl_memory_create(&entry->keras_weights, keras, engine, DNNL_MEMORY_NONE));
    entry->reorder_after = reorder_after;
    if (reorder_after)
        CHECK(dnnl_reorder_primitive_desc_create(&reorder_descriptor, chosen, engine, keras, engine, NULL));
    else
        CHECK(dnnl_reorder_primitive_desc_create(&reorder_descriptor, keras, engine, chosen, engine, NULL));
    CHECK(dnnl_primitive_create(&entry->reorder, reorder_descriptor));
done:
    if (reorder_descriptor) dnnl_primitive_desc_destroy(reorder_descriptor);
    return status;
}

/// Grows one of the shared scratch buffers to at least `bytes`.
static dnnl_status_t reserve(void **buffer, size_t *capacity, size_t bytes) {
    if (*capacity >= bytes) return dnnl_success;
    free(*buffer);
    *capacity = 0;
    *buffer = aligned_alloc(64, (bytes + 63) / 64 * 64);
    if (!*buffer) return dnnl_out_of_memory;
    *capacity = bytes;
    return dnnl_success;
}

static dnnl_status_t run_entry(entry_t *entry, void *const *pointers) {
    dnnl_status_t status = dnnl_success;
    for (int index = 0; index < entry->caller_argument_count; index++) {
        dnnl_memory_t memory = (index == entry->weights_slot && entry->reorder) ? entry->keras_weights
                                                                                 : entry->arguments[index].memory;
        for (int conversion = 0; conversion < entry->conversion_count; conversion++)
            if (entry->converted_slot[conversion] == index) memory = entry->caller_input[conversion];
        CHECK(dnnl_memory_set_data_handle(memory, pointers[index]));
    }
    for (int conversion = 0; conversion < entry->conversion_count; conversion++) {
        dnnl_memory_t internal = entry->arguments[entry->converted_slot[conversion]].memory;
        CHECK(reserve(&converted_inputs[conversion], &converted_input_capacity[conversion], entry->converted_bytes[conversion]));
        CHECK(dnnl_memory_set_data_handle(internal, converted_inputs[conversion]));
        dnnl_exec_arg_t arguments[2] = {{DNNL_ARG_FROM, entry->caller_input[conversion]}, {DNNL_ARG_TO, internal}};
        CHECK(dnnl_primitive_execute(entry->conversions[conversion], stream, 2, arguments));
    }
    dnnl_exec_arg_t reorder_arguments[2];
    if (entry->reorder) {
        CHECK(reserve(&blocked_weights, &blocked_weights_capacity, entry->blocked_weights_bytes));
        CHECK(dnnl_memory_set_data_handle(entry->arguments[entry->weights_slot].memory, blocked_weights));
        dnnl_memory_t internal = entry->arguments[entry->weights_slot].memory;
        reorder_arguments[0].arg = DNNL_ARG_FROM;
        reorder_arguments[0].memory = entry->reorder_after ? internal : entry->keras_weights;
        reorder_arguments[1].arg = DNNL_ARG_TO;
        reorder_arguments[1].memory = entry->reorder_after ? entry->keras_weights : internal;
    }
    if (entry->reorder && !entry->reorder_after) CHECK(dnnl_primitive_execute(entry->reorder, stream, 2, reorder_arguments));
    CHECK(dnnl_primitive_execute(entry->primitive, stream, entry->argument_count, entry->arguments));
    if (entry->reorder && entry->reorder_after) CHECK(dnnl_primitive_execute(entry->reorder, stream, 2, reorder_arguments));
    CHECK(dnnl_stream_wait(stream));
done:
    return status;
}

// MARK: - Memory descriptors

static dnnl_status_t nhwc_descriptor(dnnl_memory_desc_t *descriptor, long batch, long channels, long height, long width) {
    dnnl_dims_t dims = {batch, channels, height, width};
    return dnnl_memory_desc_init_by_tag(descriptor, 4, dims, dnnl_f32, dnnl_nhwc);
}

static dnnl_status_t vector_descriptor(dnnl_memory_desc_t *descriptor, long count) {
    dnnl_dims_t dims = {count};
    return dnnl_memory_desc_init_by_tag(descriptor, 1, dims, dnnl_f32, dnnl_a);
}

/// Keras weights `[kh, kw, in/groups, out]` as oneDNN (g,) oc, ic, kh, kw dims with strides.
/// A deconvolution's oc/ic are the convolution's ic/oc: same bytes, dims 0 and 1 swapped.
static dnnl_status_t keras_weights_descriptor(dnnl_memory_desc_t *descriptor, const nucleiseg_convolution_geometry *g,
                                              int deconvolution, int any_layout, dnnl_data_type_t type) {
    long groups = g->groups, in_per_group = g->input_channels / groups, out_per_group = g->output_channels / groups;
    long out = g->output_channels;
    long stride_out = 1, stride_in = out, stride_y = g->kernel_width * in_per_group * out, stride_x = in_per_group * out;
    long first = deconvolution ? in_per_group : out_per_group, second = deconvolution ? out_per_group : in_per_group;
    long first_stride = deconvolution ? stride_in : stride_out, second_stride = deconvolution ? stride_out : stride_in;
    if (groups == 1) {
        dnnl_dims_t dims = {first, second, g->kernel_height, g->kernel_width};
        dnnl_dims_t strides = {first_stride, second_stride, stride_y, stride_x};
        if (any_layout) return dnnl_memory_desc_init_by_tag(descriptor, 4, dims, type, dnnl_format_tag_any);
        return dnnl_memory_desc_init_by_strides(descriptor, 4, dims, dnnl_f32, strides);
    }
    dnnl_dims_t dims = {groups, first, second, g->kernel_height, g->kernel_width};
    dnnl_dims_t strides = {out_per_group, first_stride, second_stride, stride_y, stride_x};
    if (any_layout) return dnnl_memory_desc_init_by_tag(descriptor, 5, dims, type, dnnl_format_tag_any);
    return dnnl_memory_desc_init_by_strides(descriptor, 5, dims, dnnl_f32, strides);
}

// MARK: - Convolution family

/// Appends the fused activation of a forward pass (ReLU or ReLU6) as an eltwise post-op, so the
/// activation is applied while the output is still in registers instead of in a second pass
/// over memory.
static dnnl_status_t activation_attributes(dnnl_primitive_attr_t *attributes, long activation) {
    dnnl_status_t status = dnnl_success;
    dnnl_post_ops_t post_ops = NULL;
    *attributes = NULL;
    if (activation == nucleiseg_activation_none) return dnnl_success;
    CHECK(dnnl_primitive_attr_create(attributes));
    CHECK(dnnl_post_ops_create(&post_ops));
    if (activation == nucleiseg_activation_relu)
        CHECK(dnnl_post_ops_append_eltwise(post_ops, 1.0f, dnnl_eltwise_relu, 0.0f, 0.0f));
    else
        CHECK(dnnl_post_ops_append_eltwise(post_ops, 1.0f, dnnl_eltwise_clip, 0.0f, 6.0f));
    CHECK(dnnl_primitive_attr_set_post_ops(*attributes, post_ops));
done:
    if (post_ops) dnnl_post_ops_destroy(post_ops);
    return status;
}

/// `flags`: bit 0 = with bias, bits 1-2 the fused activation, bit 3 bfloat16 compute (forward
/// passes only: source and weights converted to bfloat16, float32 accumulation and output).
static dnnl_status_t build_convolution(entry_t *entry, long kind, const nucleiseg_convolution_geometry *g, long flags) {
    dnnl_status_t status = dnnl_success;
    dnnl_primitive_desc_t forward_descriptor = NULL, descriptor = NULL;
    dnnl_primitive_attr_t attributes = NULL;
    int with_bias = (int)(flags & 1);
    long activation = (flags >> 1) & 3;
    int bfloat16 = (int)((flags >> 3) & 1);
    int deconvolution = kind >= deconvolution_forward_kind;
    int pass = (int)(kind - (deconvolution ? deconvolution_forward_kind : convolution_forward_kind));
    dnnl_memory_desc_t convolution_input, convolution_output, keras, weights, bias;
    CHECK(nhwc_descriptor(&convolution_input, g->batch, g->input_channels, g->input_height, g->input_width));
    long output_height = (g->input_height + g->pad_top + g->pad_bottom - g->kernel_height) / g->stride_height + 1;
    long output_width = (g->input_width + g->pad_left + g->pad_right - g->kernel_width) / g->stride_width + 1;
    CHECK(nhwc_descriptor(&convolution_output, g->batch, g->output_channels, output_height, output_width));
    CHECK(keras_weights_descriptor(&keras, g, deconvolution, 0, dnnl_f32));
    CHECK(keras_weights_descriptor(&weights, g, deconvolution, entry->any_weights_layout || bfloat16,
                                   bfloat16 ? dnnl_bf16 : dnnl_f32));
    // Weight gradients accumulate in float32 even for bfloat16 passes.
    dnnl_memory_desc_t diff_weights;
    CHECK(keras_weights_descriptor(&diff_weights, g, deconvolution, entry->any_weights_layout || bfloat16, dnnl_f32));
    const dnnl_memory_desc_t *source = deconvolution ? &convolution_output : &convolution_input;
    const dnnl_memory_desc_t *destination = deconvolution ? &convolution_input : &convolution_output;
    // bfloat16: the inputs of each pass (source; diff destination; source and diff destination)
    // and the weights are bfloat16, the outputs float32.
    dnnl_memory_desc_t half_source = *source, half_destination = *destination;
    if (bfloat16) {
        half_source.data_type = dnnl_bf16;
        half_destination.data_type = dnnl_bf16;
    }
    const dnnl_memory_desc_t *compute_source = bfloat16 ? &half_source : source;
    const dnnl_memory_desc_t *compute_destination_gradient = bfloat16 && pass > 0 ? &half_destination : destination;
    CHECK(vector_descriptor(&bias, deconvolution ? g->input_channels : g->output_channels));
    const dnnl_memory_desc_t *bias_or_null = with_bias ? &bias : NULL;
    dnnl_dims_t strides = {g->stride_height, g->stride_width};
    dnnl_dims_t padding_left = {g->pad_top, g->pad_left};
    dnnl_dims_t padding_right = {g->pad_bottom, g->pad_right};

    union {
        dnnl_convolution_desc_t convolution;
        dnnl_deconvolution_desc_t deconvolution;
    } forward, backward;
    if (deconvolution)
        CHECK(dnnl_deconvolution_forward_desc_init(&forward.deconvolution, bfloat16 && pass == 0 ? dnnl_forward_inference : dnnl_forward_training,
                                                   dnnl_deconvolution_direct, compute_source, &weights, bias_or_null,
                                                   destination, strides, padding_left, padding_right));
    else
        CHECK(dnnl_convolution_forward_desc_init(&forward.convolution, bfloat16 && pass == 0 ? dnnl_forward_inference : dnnl_forward_training,
                                                 dnnl_convolution_direct, compute_source, &weights, bias_or_null,
                                                 destination, strides, padding_left, padding_right));
    if (pass == 0) {
        CHECK(activation_attributes(&attributes, activation));
        CHECK(create_primitive(entry, &forward, NULL, attributes, &descriptor));
        if (bfloat16) CHECK(add_converted_argument(entry, DNNL_ARG_SRC, source));
        else CHECK(add_argument(entry, DNNL_ARG_SRC, source));
        CHECK(add_weights_argument(entry, DNNL_ARG_WEIGHTS, &keras,
                                   dnnl_primitive_desc_query_md(descriptor, dnnl_query_weights_md, 0), 0));
        if (with_bias) CHECK(add_argument(entry, DNNL_ARG_BIAS, &bias));
        CHECK(add_argument(entry, DNNL_ARG_DST, destination));
        goto done;
    }
    CHECK(dnnl_primitive_desc_create(&forward_descriptor, &forward, NULL, engine, NULL));
    if (pass == 1) {
        if (deconvolution)
            CHECK(dnnl_deconvolution_backward_data_desc_init(&backward.deconvolution, dnnl_deconvolution_direct,
                                                             source, &weights, compute_destination_gradient, strides,
                                                             padding_left, padding_right));
        else
            CHECK(dnnl_convolution_backward_data_desc_init(&backward.convolution, dnnl_convolution_direct, source,
                                                           &weights, compute_destination_gradient, strides, padding_left,
                                                           padding_right));
        CHECK(create_primitive(entry, &backward, forward_descriptor, NULL, &descriptor));
        if (bfloat16) CHECK(add_converted_argument(entry, DNNL_ARG_DIFF_DST, destination));
        else CHECK(add_argument(entry, DNNL_ARG_DIFF_DST, destination));
        CHECK(add_weights_argument(entry, DNNL_ARG_WEIGHTS, &keras,
                                   dnnl_primitive_desc_query_md(descriptor, dnnl_query_weights_md, 0), 0));
        CHECK(add_argument(entry, DNNL_ARG_DIFF_SRC, source));
    } else {
        if (deconvolution)
            CHECK(dnnl_deconvolution_backward_weights_desc_init(&backward.deconvolution, dnnl_deconvolution_direct,
                                                                compute_source, &diff_weights, bias_or_null,
                                                                compute_destination_gradient, strides, padding_left,
                                                                padding_right));
        else
            CHECK(dnnl_convolution_backward_weights_desc_init(&backward.convolution, dnnl_convolution_direct,
                                                              compute_source, &diff_weights, bias_or_null,
                                                              compute_destination_gradient, strides, padding_left,
                                                              padding_right));
        CHECK(create_primitive(entry, &backward, forward_descriptor, NULL, &descriptor));
        if (bfloat16) {
            CHECK(add_converted_argument(entry, DNNL_ARG_SRC, source));
            CHECK(add_converted_argument(entry, DNNL_ARG_DIFF_DST, destination));
        } else {
            CHECK(add_argument(entry, DNNL_ARG_SRC, source));
            CHECK(add_argument(entry, DNNL_ARG_DIFF_DST, destination));
        }
        CHECK(add_weights_argument(entry, DNNL_ARG_DIFF_WEIGHTS, &keras,
                                   dnnl_primitive_desc_query_md(descriptor, dnnl_query_diff_weights_md, 0), 1));
        if (with_bias) CHECK(add_argument(entry, DNNL_ARG_DIFF_BIAS, &bias));
    }
done:
    if (attributes) dnnl_primitive_attr_destroy(attributes);
    if (forward_descriptor) dnnl_primitive_desc_destroy(forward_descriptor);
    if (descriptor) dnnl_primitive_desc_destroy(descriptor);
    return status;
}

// MARK: - Batch normalisation

// Rows of channels as NHWC [1, rows, 1, channels]: the layout oneDNN's vectorised (nspc) batch
// normalisation handles; statistics over N*H*W are statistics over rows.
static dnnl_status_t build_batch_norm(entry_t *entry, long kind, long rows, long channels, float epsilon) {
    dnnl_status_t status = dnnl_success;
    dnnl_primitive_desc_t forward_descriptor = NULL, descriptor = NULL;
    dnnl_memory_desc_t data, vector;
    CHECK(nhwc_descriptor(&data, 1, channels, rows, 1));
    CHECK(vector_descriptor(&vector, channels));
    unsigned scale_and_shift = dnnl_use_scale | dnnl_use_shift;
    dnnl_batch_normalization_desc_t forward, backward;
    if (kind == batch_norm_forward_inference_kind) {
        CHECK(dnnl_batch_normalization_forward_desc_init(&forward, dnnl_forward_inference, &data, epsilon,
                                                         scale_and_shift | dnnl_use_global_stats));
        CHECK(create_primitive(entry, &forward, NULL, NULL, &descriptor));
        CHECK(add_argument(entry, DNNL_ARG_SRC, &data));
        CHECK(add_argument(entry, DNNL_ARG_SCALE, &vector));
        CHECK(add_argument(entry, DNNL_ARG_SHIFT, &vector));
        CHECK(add_argument(entry, DNNL_ARG_MEAN, &vector));
        CHECK(add_argument(entry, DNNL_ARG_VARIANCE, &vector));
        CHECK(add_argument(entry, DNNL_ARG_DST, &data));
        goto done;
    }
    CHECK(dnnl_batch_normalization_forward_desc_init(&forward, dnnl_forward_training, &data, epsilon, scale_and_shift));
    if (kind == batch_norm_forward_training_kind) {
        CHECK(create_primitive(entry, &forward, NULL, NULL, &descriptor));
        CHECK(add_argument(entry, DNNL_ARG_SRC, &data));
        CHECK(add_argument(entry, DNNL_ARG_SCALE, &vector));
        CHECK(add_argument(entry, DNNL_ARG_SHIFT, &vector));
        CHECK(add_argument(entry, DNNL_ARG_DST, &data));
        CHECK(add_argument(entry, DNNL_ARG_MEAN, &vector));
        CHECK(add_argument(entry, DNNL_ARG_VARIANCE, &vector));
        goto done;
    }
    CHECK(dnnl_primitive_desc_create(&forward_descriptor, &forward, NULL, engine, NULL));
    CHECK(dnnl_batch_normalization_backward_desc_init(&backward, dnnl_backward, &data, &data, epsilon, scale_and_shift));
    CHECK(create_primitive(entry, &backward, forward_descriptor, NULL, &descriptor));
    CHECK(add_argument(entry, DNNL_ARG_SRC, &data));
    CHECK(add_argument(entry, DNNL_ARG_DIFF_DST, &data));
    CHECK(add_argument(entry, DNNL_ARG_SCALE, &vector));
    CHECK(add_argument(entry, DNNL_ARG_MEAN, &vector));
    CHECK(add_argument(entry, DNNL_ARG_VARIANCE, &vector));
    CHECK(add_argument(entry, DNNL_ARG_DIFF_SRC, &data));
    CHECK(add_argument(entry, DNNL_ARG_DIFF_SCALE, &vector));
    CHECK(add_argument(entry, DNNL_ARG_DIFF_SHIFT, &vector));
    // oneDNN 2.6 lists the shift among the backward inputs although no gradient depends on it.
    entry->caller_argument_count = entry->argument_count;
    dnnl_exec_arg_t *shift = &entry->arguments[entry->argument_count];
    shift->arg = DNNL_ARG_SHIFT;
    CHECK(dnnl_memory_create(&shift->memory, &vector, engine, DNNL_MEMORY_ALLOCATE));
    entry->argument_count++;
done:
    if (forward_descriptor) dnnl_primitive_desc_destroy(forward_descriptor);
    if (descriptor) dnnl_primitive_desc_destroy(descriptor);
    return status;
}

// MARK: - Lookup and execution

static dnnl_status_t build_entry(entry_t *entry) {
    const key_t_ *key = &entry->key;
    entry->weights_slot = -1;
    strcpy(entry->implementation, "unknown");
    if (key->kind >= batch_norm_forward_training_kind)
        return build_batch_norm(entry, key->kind, key->values[0], key->values[1], key->epsilon);
    nucleiseg_convolution_geometry geometry = {
        key->values[0], key->values[1], key->values[2], key->values[3], key->values[4],
        key->values[5], key->values[6], key->values[7], key->values[8], key->values[9],
        key->values[10], key->values[11], key->values[12], key->values[13]};
    return build_convolution(entry, key->kind, &geometry, key->with_bias);
}

static entry_t *new_entry(const key_t_ *key, int any_weights_layout, dnnl_status_t *status) {
    entry_t *entry = calloc(1, sizeof *entry);
    if (!entry) { *status = dnnl_out_of_memory; return NULL; }
    entry->key = *key;
    entry->any_weights_layout = any_weights_layout;
    entry->caller_argument_count = -1;
    *status = build_entry(entry);
    if (*status != dnnl_success) { destroy_entry(entry); return NULL; }
    if (entry->caller_argument_count < 0) entry->caller_argument_count = entry->argument_count;
    if (entry->reorder) {
        size_t length = strlen(entry->implementation);
        strncat(entry->implementation, " +reorder", sizeof entry->implementation - length - 1);
    }
    return entry;
}

static double seconds(void) {
    struct timespec time;
    clock_gettime(CLOCK_MONOTONIC, &time);
    return (double)time.tv_sec + 1e-9 * (double)time.tv_nsec;
}

/// Whether the Keras weights layout (oneDNN then runs its gemm convolution on the caller's
/// weights) beats the primitive's preferred blocked layout plus a weights reorder on every call
/// (its direct jit/brgemm kernels), by a fixed rule on the geometry: never by timing during a
/// run, because a choice that flips with machine load changes the summation order, and two runs
/// of the same seed then differ in the last bits (issue 12: 0.100535 vs 0.100526 after epoch 1).
///
/// The rule keeps the blocked layout except where the Keras layout won in every measurement.
/// Batch 32, float32, `benchmark kernels` with NUCLEISEG_KERNELS_LAYOUT forced, two interleaved
/// rounds on this 2-core machine while a training ran beside it (ms, blocked / Keras): the
/// 64x64x160 -> 128x128x2 backward data 36, 34 / 20, 16 (Keras); its forward 73, 88 / 455, 193
/// and backward weights 48, 31 / 1031, 112 (blocked: under load the gemm path loses a time slice
/// at each of its many parallel regions, although idle it ran that forward 2.5x faster); the
/// other transposed convolutions 17-124 / 24-776 (blocked); convolutions: blocked (the timing
/// choice took the Keras layout for a few 1x1 convolutions on 4x4 maps at batch 1, where no
/// layout effect could be told from the scheduling noise of a loaded machine).
/// Against the timing choice it replaces, `nucleiseg benchmark --precision float32
/// --training-precision float32`, A/B interleaved, 3 rounds, medians (images/s, loaded machine):
/// training 13.3 (timing) / 13.0 (rule), inference batch 32 20.3 / 20.1: no change beyond the
/// noise (the rounds spread 10.0-14.8 and 19.9-30.2).
static int prefers_keras_layout(const key_t_ *key) {
    const long input_channels = key->values[3];
    switch (key->kind) {
    case deconvolution_backward_data_kind:
        // The 2-filter output layer (the inverted convolution's input channels are the
        // transposed convolution's filters).
        return input_channels < 16;
    default:
        return 0;
    }
}

/// Builds the entry of `key` in the layout the rule (or NUCLEISEG_KERNELS_LAYOUT) picks. Batch norm,
/// bfloat16 and primitives that take the Keras layout anyway have no choice to make.
static entry_t *choose_layout(const key_t_ *key, dnnl_status_t *status) {
    entry_t *blocked = new_entry(key, 1, status);
    int bfloat16 = key->kind < batch_norm_forward_training_kind && ((key->with_bias >> 3) & 1);
    if (!blocked || key->kind >= batch_norm_forward_training_kind || !blocked->reorder || bfloat16) return blocked;
    int keras = forced_layout == layout_keras || (forced_layout == layout_by_rule && prefers_keras_layout(key));
    if (!keras) return blocked;
    dnnl_status_t keras_status = dnnl_success;
    entry_t *plain = new_entry(key, 0, &keras_status);
    if (!plain) return blocked;  // the same oneDNN build refuses the same geometry every time
    destroy_entry(blocked);
    return plain;
}

/// Finds or creates the entry of `key` and runs it on `pointers` (one per argument, in order).
static int execute(const key_t_ *key, void *const *pointers) {
    pthread_once(&initialization_once, initialize);
    if (initialization_status != dnnl_success) return initialization_status;
    pthread_mutex_lock(&lock);
    dnnl_status_t status = dnnl_success;
    size_t bucket = hash_key(key);
    entry_t *entry = NULL;
    if (cache_enabled) {
        for (entry_t *candidate = buckets[bucket]; candidate; candidate = candidate->next)
            if (memcmp(&candidate->key, key, sizeof *key) == 0) { entry = candidate; break; }
        if (!entry) {
            entry = choose_layout(key, &status);
            if (!entry) goto done;
            entry->next = buckets[bucket];
            buckets[bucket] = entry;
        }
        strcpy(last_implementation, entry->implementation);
        if (trace) {
            double start = seconds();
            status = run_entry(entry, pointers);
            fprintf(stderr, "nucleiseg-kernel kind %ld flags %ld dims", key->kind, key->with_bias);
            for (int index = 0; index < 14; index++) fprintf(stderr, " %ld", key->values[index]);
            fprintf(stderr, " impl %s ms %.3f\n", entry->implementation, 1000 * (seconds() - start));
        } else {
            status = run_entry(entry, pointers);
        }
    } else {
        // Uncached (for measuring the cache only): the blocked layout, created on every call.
        entry = new_entry(key, 1, &status);
        if (!entry) goto done;
        strcpy(last_implementation, entry->implementation);
        status = run_entry(entry, pointers);
        destroy_entry(entry);
    }
done:
    pthread_mutex_unlock(&lock);
    return status;
}

static key_t_ convolution_key(long kind, const nucleiseg_convolution_geometry *g, long with_bias) {
    long values[14] = {g->batch, g->input_height, g->input_width, g->input_channels, g->output_channels,
                       g->kernel_height, g->kernel_width, g->stride_height, g->stride_width,
                       g->pad_top, g->pad_bottom, g->pad_left, g->pad_right, g->groups};
    return make_key(kind, with_bias, values, 14, 0);
}

// MARK: - Public functions

int nucleiseg_convolution_forward(const nucleiseg_convolution_geometry *geometry, const float *input,
                                  const float *weights, const float *bias, float *output) {
    return nucleiseg_convolution_forward_fused(geometry, input, weights, bias, nucleiseg_activation_none, output);
}

int nucleiseg_convolution_forward_fused(const nucleiseg_convolution_geometry *geometry, const float *input,
                                        const float *weights, const float *bias, int activation, float *output) {
    return nucleiseg_convolution_forward_precision(geometry, input, weights, bias, activation, 0, output);
}

int nucleiseg_convolution_forward_precision(const nucleiseg_convolution_geometry *geometry, const float *input,
                                            const float *weights, const float *bias, int activation, int bfloat16,
                                            float *output) {
    key_t_ key = convolution_key(convolution_forward_kind, geometry,
                                 (bias != NULL) | ((long)activation << 1) | ((long)(bfloat16 != 0) << 3));
    void *with_bias[] = {(void *)input, (void *)weights, (void *)bias, output};
    void *without_bias[] = {(void *)input, (void *)weights, output};
    return execute(&key, bias ? with_bias : without_bias);
}

int nucleiseg_convolution_backward_data(const nucleiseg_convolution_geometry *geometry,
                                        const float *output_gradient, const float *weights, float *input_gradient) {
    key_t_ key = convolution_key(convolution_backward_data_kind, geometry, 0);
    void *pointers[] = {(void *)output_gradient, (void *)weights, input_gradient};
    return execute(&key, pointers);
}

int nucleiseg_convolution_backward_weights(const nucleiseg_convolution_geometry *geometry, const float *input,
                                           const float *output_gradient, float *weights_gradient,
                                           float *bias_gradient) {
    key_t_ key = convolution_key(convolution_backward_weights_kind, geometry, bias_gradient != NULL);
    void *pointers[] = {(void *)input, (void *)output_gradient, weights_gradient, bias_gradient};
    return execute(&key, pointers);
}

int nucleiseg_transposed_convolution_forward(const nucleiseg_convolution_geometry *geometry, const float *input,
                                             const float *weights, const float *bias, float *output) {
    return nucleiseg_transposed_convolution_forward_fused(geometry, input, weights, bias, nucleiseg_activation_none,
                                                          output);
}

int nucleiseg_transposed_convolution_forward_fused(const nucleiseg_convolution_geometry *geometry,
                                                   const float *input, const float *weights, const float *bias,
                                                   int activation, float *output) {
    return nucleiseg_transposed_convolution_forward_precision(geometry, input, weights, bias, activation, 0, output);
}

// MARK: - Transposed convolutions to a few channels

// Scratch of `few_channel_transposed_forward` (calls hold the lock).
static float *columns;
static size_t columns_capacity;

/// The transposed forward pass to `channels` <= 4 output channels (the U-Net's 2-class output
/// layer) as one GEMM and a scatter: columns[m, (kh, kw, c)] = sum over the input's channels of
/// input[m, :] * weights[kh, kw, c, :] for every input pixel m (dnnl_sgemm), then each column
/// added to the output pixel its tap lands on.
///
/// oneDNN 2.6's deconvolution leaves most of its vector lanes idle with 2 output channels: the
/// 64x64x160 -> 128x128x2 layer at batch 32 took 73-88 ms (blocked layout, `jit:avx512_core`) or
/// 193-455 ms (Keras layout, gemm), about 10 GFLOP/s, the slowest forward layer of the model; the
/// GEMM (M = 131072 pixels, N = 18, K = 160) runs near the machine's sgemm rate and the scatter
/// is 2.4 M additions. Processor time per step with one thread, A/B in one binary
/// (NUCLEISEG_KERNELS_PLAIN_OUTPUT=1), 3 rounds: inference batch 32 210 -> 188 ms, batch 1
/// 8.6 -> 7.9 ms, training batch 32 580 -> 555 ms.
static dnnl_status_t few_channel_transposed_forward(const nucleiseg_convolution_geometry *g, const float *input,
                                                    const float *weights, const float *bias, int activation,
                                                    float *output) {
    const long channels = g->input_channels, depth = g->output_channels;
    const long output_height = (g->input_height + g->pad_top + g->pad_bottom - g->kernel_height) / g->stride_height + 1;
    const long output_width = (g->input_width + g->pad_left + g->pad_right - g->kernel_width) / g->stride_width + 1;
    const long pixels = g->batch * output_height * output_width;
    const long taps = g->kernel_height * g->kernel_width * channels;
    dnnl_status_t status = reserve((void **)&columns, &columns_capacity, (size_t)(pixels * taps) * sizeof(float));
    if (status != dnnl_success) return status;
    // Row-major: columns[pixels x taps] = input[pixels x depth] * weights[taps x depth]^T.
    status = dnnl_sgemm('N', 'T', pixels, taps, depth, 1.0f, input, depth, weights, depth, 0.0f, columns, taps);
    if (status != dnnl_success) return status;
    const long image = g->input_height * g->input_width * channels;
    const long pixels_per_image = output_height * output_width;
    for (long n = 0; n < g->batch; n++) {
        float *out = output + n * image;
        for (long index = 0; index < g->input_height * g->input_width; index++)
            for (long c = 0; c < channels; c++) out[index * channels + c] = bias ? bias[c] : 0.0f;
        for (long pixel = 0; pixel < pixels_per_image; pixel++) {
            const long oy = pixel / output_width, ox = pixel % output_width;
            const float *column = columns + (n * pixels_per_image + pixel) * taps;
            for (long kh = 0; kh < g->kernel_height; kh++) {
                const long y = oy * g->stride_height - g->pad_top + kh;
                if (y < 0 || y >= g->input_height) continue;
                for (long kw = 0; kw < g->kernel_width; kw++) {
                    const long x = ox * g->stride_width - g->pad_left + kw;
                    if (x < 0 || x >= g->input_width) continue;
                    float *destination = out + (y * g->input_width + x) * channels;
                    const float *source = column + (kh * g->kernel_width + kw) * channels;
                    for (long c = 0; c < channels; c++) destination[c] += source[c];
                }
            }
        }
        if (activation != nucleiseg_activation_none)
            for (long index = 0; index < image; index++) {
                float value = out[index] > 0.0f ? out[index] : 0.0f;
                out[index] = activation == nucleiseg_activation_relu6 && value > 6.0f ? 6.0f : value;
            }
    }
    return dnnl_success;
}

int nucleiseg_transposed_convolution_forward_precision(const nucleiseg_convolution_geometry *geometry,
                                                       const float *input, const float *weights, const float *bias,
                                                       int activation, int bfloat16, float *output) {
    pthread_once(&initialization_once, initialize);
    if (initialization_status != dnnl_success) return initialization_status;
    if (geometry->groups == 1 && geometry->input_channels <= 4 && !bfloat16 && !plain_output) {
        pthread_mutex_lock(&lock);
        double start = trace ? seconds() : 0;
        dnnl_status_t status = few_channel_transposed_forward(geometry, input, weights, bias, activation, output);
        if (trace) {
            key_t_ key = convolution_key(deconvolution_forward_kind, geometry, (bias != NULL) | ((long)activation << 1));
            fprintf(stderr, "nucleiseg-kernel kind %ld flags %ld dims", key.kind, key.with_bias);
            for (int index = 0; index < 14; index++) fprintf(stderr, " %ld", key.values[index]);
            fprintf(stderr, " impl sgemm+scatter ms %.3f\n", 1000 * (seconds() - start));
        }
        strcpy(last_implementation, "sgemm+scatter");
        pthread_mutex_unlock(&lock);
        return status;
    }
    key_t_ key = convolution_key(deconvolution_forward_kind, geometry,
                                 (bias != NULL) | ((long)activation << 1) | ((long)(bfloat16 != 0) << 3));
    void *with_bias[] = {(void *)input, (void *)weights, (void *)bias, output};
    void *without_bias[] = {(void *)input, (void *)weights, output};
    return execute(&key, bias ? with_bias : without_bias);
}

int nucleiseg_transposed_convolution_backward_data(const nucleiseg_convolution_geometry *geometry,
                                                   const float *output_gradient, const float *weights,
                                                   float *input_gradient) {
    return nucleiseg_transposed_convolution_backward_data_precision(geometry, output_gradient, weights, 0, input_gradient);
}

int nucleiseg_transposed_convolution_backward_data_precision(const nucleiseg_convolution_geometry *geometry,
                                                             const float *output_gradient, const float *weights,
                                                             int bfloat16, float *input_gradient) {
    key_t_ key = convolution_key(deconvolution_backward_data_kind, geometry, (long)(bfloat16 != 0) << 3);
    void *pointers[] = {(void *)output_gradient, (void *)weights, input_gradient};
    return execute(&key, pointers);
}

int nucleiseg_transposed_convolution_backward_weights(const nucleiseg_convolution_geometry *geometry,
                                                      const float *input, const float *output_gradient,
                                                      float *weights_gradient, float *bias_gradient) {
    return nucleiseg_transposed_convolution_backward_weights_precision(geometry, input, output_gradient, 0,
                                                                       weights_gradient, bias_gradient);
}

int nucleiseg_transposed_convolution_backward_weights_precision(const nucleiseg_convolution_geometry *geometry,
                                                                const float *input, const float *output_gradient,
                                                                int bfloat16, float *weights_gradient,
                                                                float *bias_gradient) {
    key_t_ key = convolution_key(deconvolution_backward_weights_kind, geometry,
                                 (bias_gradient != NULL) | ((long)(bfloat16 != 0) << 3));
    void *pointers[] = {(void *)input, (void *)output_gradient, weights_gradient, bias_gradient};
    return execute(&key, pointers);
}

int nucleiseg_batch_norm_forward_training(long rows, long channels, const float *input, const float *gamma,
                                          const float *beta, float epsilon, float *output, float *mean,
                                          float *variance) {
    long values[2] = {rows, channels};
    key_t_ key = make_key(batch_norm_forward_training_kind, 0, values, 2, epsilon);
    void *pointers[] = {(void *)input, (void *)gamma, (void *)beta, output, mean, variance};
    return execute(&key, pointers);
}

int nucleiseg_batch_norm_forward_inference(long rows, long channels, const float *input, const float *gamma,
                                           const float *beta, const float *mean, const float *variance,
                                           float epsilon, float *output) {
    long values[2] = {rows, channels};
    key_t_ key = make_key(batch_norm_forward_inference_kind, 0, values, 2, epsilon);
    void *pointers[] = {(void *)input, (void *)gamma, (void *)beta, (void *)mean, (void *)variance, output};
    return execute(&key, pointers);
}

int nucleiseg_batch_norm_backward(long rows, long channels, const float *input, const float *output_gradient,
                                  const float *gamma, const float *mean, const float *variance, float epsilon,
                                  float *input_gradient, float *gamma_gradient, float *beta_gradient) {
    long values[2] = {rows, channels};
    key_t_ key = make_key(batch_norm_backward_kind, 0, values, 2, epsilon);
    void *pointers[] = {(void *)input, (void *)output_gradient, (void *)gamma, (void *)mean, (void *)variance,
                        input_gradient, gamma_gradient, beta_gradient};
    return execute(&key, pointers);
}

const char *nucleiseg_kernels_status_name(int status) { return dnnl_status2str((dnnl_status_t)status); }

const char *nucleiseg_kernels_last_implementation(void) { return last_implementation; }

int nucleiseg_kernels_support_bfloat16(void) {
    dnnl_cpu_isa_t isa = dnnl_get_effective_cpu_isa();
    return ((int)isa & (int)dnnl_cpu_isa_avx512_core_bf16) == (int)dnnl_cpu_isa_avx512_core_bf16;
}

void nucleiseg_tune_allocator(void) {
    // Tensors of a training step are freed and allocated again every step. Above glibc's mmap
    // threshold each allocation is a fresh mapping: page faults and zeroing on every step (14% of
    // an inference run's cycles in a perf profile). Keeping them on the heap reuses the pages.
    // NUCLEISEG_ALLOCATOR=default keeps glibc's own thresholds (for measuring this choice).
    const char *choice = getenv("NUCLEISEG_ALLOCATOR");
    if (choice && strcmp(choice, "default") == 0) return;
    mallopt(M_MMAP_THRESHOLD, 512 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

void nucleiseg_kernels_set_primitive_cache_enabled(int enabled) {
    pthread_mutex_lock(&lock);
    cache_enabled = enabled;
    pthread_mutex_unlock(&lock);
}
