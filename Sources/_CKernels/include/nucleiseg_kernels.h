// oneDNN glue: every oneDNN call of NucleiSeg lives in dnnl_kernels.c behind this header.
//
// Layouts (row-major Float32), the same as the Swift `ConvolutionGeometry`:
//   data     NHWC  [batch, height, width, channels]
//   weights  Keras [kernel_height, kernel_width, input_channels / groups, output_channels]
//   bias     [output_channels]
// Every function overwrites its outputs and returns a dnnl_status_t (0 = success).
// Calls are serialised by one lock: oneDNN already spreads each call over all OpenMP threads,
// and two concurrent OpenMP regions started from different threads would oversubscribe the cores.
#ifndef NUCLEISEG_KERNELS_H
#define NUCLEISEG_KERNELS_H

#ifdef __cplusplus
extern "C" {
#endif

/// One 2-D convolution; the transposed functions take the geometry of the convolution they invert.
typedef struct nucleiseg_convolution_geometry {
    long batch;
    long input_height, input_width, input_channels;
    long output_channels;
    long kernel_height, kernel_width;
    long stride_height, stride_width;
    long pad_top, pad_bottom, pad_left, pad_right;
    long groups;
} nucleiseg_convolution_geometry;

/// Activations fused into a forward pass as a oneDNN post-op.
enum nucleiseg_activation {
    nucleiseg_activation_none = 0,
    nucleiseg_activation_relu = 1,
    /// min(max(x, 0), 6), MobileNetV2's activation.
    nucleiseg_activation_relu6 = 2,
};

/// output = conv(input, weights) + bias (bias may be NULL).
int nucleiseg_convolution_forward(const nucleiseg_convolution_geometry *geometry, const float *input,
                                  const float *weights, const float *bias, float *output);
/// output = activation(conv(input, weights) + bias), one pass (inference).
int nucleiseg_convolution_forward_fused(const nucleiseg_convolution_geometry *geometry, const float *input,
                                        const float *weights, const float *bias, int activation, float *output);
/// The fused forward pass with bfloat16 compute when `bfloat16` is non-zero: source and weights
/// are rounded to bfloat16, products accumulate in float32, the output is float32 (inference).
int nucleiseg_convolution_forward_precision(const nucleiseg_convolution_geometry *geometry, const float *input,
                                            const float *weights, const float *bias, int activation, int bfloat16,
                                            float *output);
/// input_gradient = d(loss)/d(input).
int nucleiseg_convolution_backward_data(const nucleiseg_convolution_geometry *geometry,
                                        const float *output_gradient, const float *weights,
                                        float *input_gradient);
/// weights_gradient (and bias_gradient when non-NULL) = d(loss)/d(weights, bias).
int nucleiseg_convolution_backward_weights(const nucleiseg_convolution_geometry *geometry,
                                           const float *input, const float *output_gradient,
                                           float *weights_gradient, float *bias_gradient);

/// Transposed convolution with oneDNN's deconvolution primitive. `input` is shaped like the
/// geometry's output, `output` like its input; bias (may be NULL) has input_channels values.
int nucleiseg_transposed_convolution_forward(const nucleiseg_convolution_geometry *geometry,
                                             const float *input, const float *weights,
                                             const float *bias, float *output);
/// output = activation(transposed conv(input, weights) + bias), one pass (inference).
int nucleiseg_transposed_convolution_forward_fused(const nucleiseg_convolution_geometry *geometry,
                                                   const float *input, const float *weights, const float *bias,
                                                   int activation, float *output);
/// The fused transposed forward pass with optional bfloat16 compute (see above).
int nucleiseg_transposed_convolution_forward_precision(const nucleiseg_convolution_geometry *geometry,
                                                       const float *input, const float *weights, const float *bias,
                                                       int activation, int bfloat16, float *output);
/// d(loss)/d(transposed input) given d(loss)/d(transposed output).
int nucleiseg_transposed_convolution_backward_data(const nucleiseg_convolution_geometry *geometry,
                                                   const float *output_gradient, const float *weights,
                                                   float *input_gradient);
/// d(loss)/d(weights, bias) of the transposed convolution (bias_gradient may be NULL).
int nucleiseg_transposed_convolution_backward_weights(const nucleiseg_convolution_geometry *geometry,
                                                      const float *input, const float *output_gradient,
                                                      float *weights_gradient, float *bias_gradient);

/// The transposed backward passes with bfloat16 inputs (gradients, activations, weights rounded
/// to bfloat16) and float32 accumulation and outputs: mixed-precision training.
int nucleiseg_transposed_convolution_backward_data_precision(const nucleiseg_convolution_geometry *geometry,
                                                             const float *output_gradient, const float *weights,
                                                             int bfloat16, float *input_gradient);
int nucleiseg_transposed_convolution_backward_weights_precision(const nucleiseg_convolution_geometry *geometry,
                                                                const float *input, const float *output_gradient,
                                                                int bfloat16, float *weights_gradient,
                                                                float *bias_gradient);

/// Batch normalisation over `rows` rows of `channels` values; writes batch mean and biased variance.
int nucleiseg_batch_norm_forward_training(long rows, long channels, const float *input,
                                          const float *gamma, const float *beta, float epsilon,
                                          float *output, float *mean, float *variance);
/// Batch normalisation with given statistics.
int nucleiseg_batch_norm_forward_inference(long rows, long channels, const float *input,
                                           const float *gamma, const float *beta, const float *mean,
                                           const float *variance, float epsilon, float *output);
/// Backward of the training-mode batch normalisation.
int nucleiseg_batch_norm_backward(long rows, long channels, const float *input,
                                  const float *output_gradient, const float *gamma, const float *mean,
                                  const float *variance, float epsilon, float *input_gradient,
                                  float *gamma_gradient, float *beta_gradient);

/// The oneDNN name of a status code ("invalid_arguments", ...).
const char *nucleiseg_kernels_status_name(int status);
/// The implementation oneDNN picked for the last primitive created (for diagnostics and benchmarks).
const char *nucleiseg_kernels_last_implementation(void);
/// Whether this CPU runs oneDNN's bfloat16 kernels natively (AVX512-BF16 or AMX).
int nucleiseg_kernels_support_bfloat16(void);
/// Keeps large allocations on the heap so tensors freed in one step are reused by the next.
void nucleiseg_tune_allocator(void);
/// Turns the primitive cache of this file on (the default) or off; for measuring its benefit.
void nucleiseg_kernels_set_primitive_cache_enabled(int enabled);

#ifdef __cplusplus
}
#endif

#endif
