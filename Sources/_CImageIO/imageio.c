// libpng/libtiff glue: setjmp/longjmp and libtiff handlers stay on the C side of this header.
//
// libpng reports errors by longjmp. Each PNG entry point below sets its own jump point and
// returns an error code from it, so no Swift frame ever sits between setjmp and longjmp, and
// everything the call allocated is released on that path (libpng structs, the output buffer).
// libtiff reports through handler callbacks; the per-file TIFFOpenOptions handlers (libtiff
// 4.5) copy the first message into the caller's error string instead of printing it.
#include "nucleiseg_imageio.h"

#include <png.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

static void set_error(char *error, size_t capacity, const char *message) {
    if (error != NULL && capacity > 0) snprintf(error, capacity, "%s", message);
}

// MARK: - PNG

typedef struct png_context {
    const uint8_t *data;
    size_t size;
    size_t offset;
    char *error;
    size_t error_capacity;
} png_context;

static void png_error_handler(png_structp png, png_const_charp message) {
    png_context *context = (png_context *)png_get_error_ptr(png);
    set_error(context->error, context->error_capacity, message);
    png_longjmp(png, 1);
}

static void png_warning_handler(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;  // Warnings (unknown or damaged ancillary chunks) do not stop decoding.
}

static void png_read_from_memory(png_structp png, png_bytep out, png_size_t count) {
    png_context *context = (png_context *)png_get_io_ptr(png);
    if (context->size - context->offset < count) {
        png_error(png, "unexpected end of file (the PNG is truncated)");
    }
    memcpy(out, context->data + context->offset, count);
    context->offset += count;
}

static int is_little_endian(void) {
    const uint16_t probe = 1;
    return *(const uint8_t *)&probe == 1;
}

// Header pass (output == NULL) or full decode into output.
static int png_read_common(const uint8_t *data, size_t size, nsio_image_info *info, void *output,
                           size_t output_bytes, char *error, size_t error_capacity) {
    if (size < 8 || png_sig_cmp((png_const_bytep)data, 0, 8) != 0) {
        set_error(error, error_capacity, "not a PNG file (the 8-byte PNG signature is missing)");
        return NSIO_ERROR_DECODE;
    }
    png_context context = {data, size, 0, error, error_capacity};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &context, png_error_handler,
                                             png_warning_handler);
    if (png == NULL) {
        set_error(error, error_capacity, "out of memory creating the PNG reader");
        return NSIO_ERROR_MEMORY;
    }
    png_infop png_info = png_create_info_struct(png);
    if (png_info == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        set_error(error, error_capacity, "out of memory creating the PNG reader");
        return NSIO_ERROR_MEMORY;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &png_info, NULL);
        return NSIO_ERROR_DECODE;
    }
    png_set_read_fn(png, &context, png_read_from_memory);
    png_read_info(png, png_info);

    const int color_type = png_get_color_type(png, png_info);
    const int bit_depth = png_get_bit_depth(png, png_info);
    if (color_type == PNG_COLOR_TYPE_PALETTE) {
        png_set_palette_to_rgb(png);
        if (png_get_valid(png, png_info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    } else if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) {
        png_set_expand_gray_1_2_4_to_8(png);
    }
    if (bit_depth == 16 && is_little_endian()) png_set_swap(png);
    const int passes = png_set_interlace_handling(png);
    png_read_update_info(png, png_info);

    nsio_image_info result;
    memset(&result, 0, sizeof result);
    result.width = png_get_image_width(png, png_info);
    result.height = png_get_image_height(png, png_info);
    result.channels = png_get_channels(png, png_info);
    result.bit_depth = png_get_bit_depth(png, png_info);
    result.source_color_type = color_type;
    result.source_bit_depth = bit_depth;
    result.pages = 1;
    result.samples_per_pixel = result.channels;
    result.planar_config = 1;
    result.sample_format = 1;
    if (info != NULL) *info = result;

    if (output != NULL) {
        const size_t row_bytes = png_get_rowbytes(png, png_info);
        const size_t expected = (size_t)result.width * (size_t)result.channels *
                                (size_t)(result.bit_depth / 8);
        if (row_bytes != expected || output_bytes / row_bytes != result.height ||
            output_bytes % row_bytes != 0) {
            png_destroy_read_struct(&png, &png_info, NULL);
            set_error(error, error_capacity, "output buffer does not match the PNG header");
            return NSIO_ERROR_BUFFER;
        }
        for (int pass = 0; pass < passes; pass++) {
            for (uint32_t y = 0; y < result.height; y++) {
                png_read_row(png, (png_bytep)output + (size_t)y * row_bytes, NULL);
            }
        }
        png_read_end(png, NULL);
    }
    png_destroy_read_struct(&png, &png_info, NULL);
    return NSIO_OK;
}

int nsio_png_read_info(const uint8_t *data, size_t size, nsio_image_info *info, char *error,
                       size_t error_capacity) {
    return png_read_common(data, size, info, NULL, 0, error, error_capacity);
}

int nsio_png_decode(const uint8_t *data, size_t size, void *output, size_t output_bytes,
                    char *error, size_t error_capacity) {
    if (output == NULL) {
        set_error(error, error_capacity, "no output buffer");
        return NSIO_ERROR_BUFFER;
    }
    return png_read_common(data, size, NULL, output, output_bytes, error, error_capacity);
}

typedef struct png_writer {
    uint8_t *data;
    size_t size;
    size_t capacity;
    char *error;
    size_t error_capacity;
} png_writer;

static void png_write_to_memory(png_structp png, png_bytep bytes, png_size_t count) {
    png_writer *writer = (png_writer *)png_get_io_ptr(png);
    if (writer->capacity - writer->size < count) {
        size_t capacity = writer->capacity == 0 ? 4096 : writer->capacity;
        while (capacity - writer->size < count) capacity *= 2;
        uint8_t *grown = (uint8_t *)realloc(writer->data, capacity);
        if (grown == NULL) png_error(png, "out of memory while encoding the PNG");
        writer->data = grown;
        writer->capacity = capacity;
    }
    memcpy(writer->data + writer->size, bytes, count);
    writer->size += count;
}

static void png_flush_nothing(png_structp png) { (void)png; }

static void png_write_error_handler(png_structp png, png_const_charp message) {
    png_writer *writer = (png_writer *)png_get_error_ptr(png);
    set_error(writer->error, writer->error_capacity, message);
    png_longjmp(png, 1);
}

int nsio_png_encode(const void *samples, uint32_t width, uint32_t height, int32_t channels,
                    int32_t bit_depth, uint8_t **png_out, size_t *png_size, char *error,
                    size_t error_capacity) {
    static const int color_types[5] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
                                       PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA};
    if (samples == NULL || png_out == NULL || png_size == NULL || channels < 1 || channels > 4 ||
        (bit_depth != 8 && bit_depth != 16) || width == 0 || height == 0) {
        set_error(error, error_capacity, "invalid arguments for PNG encoding");
        return NSIO_ERROR_UNSUPPORTED;
    }
    *png_out = NULL;
    *png_size = 0;
    png_writer writer = {NULL, 0, 0, error, error_capacity};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &writer,
                                              png_write_error_handler, png_warning_handler);
    if (png == NULL) {
        set_error(error, error_capacity, "out of memory creating the PNG writer");
        return NSIO_ERROR_MEMORY;
    }
    png_infop png_info = png_create_info_struct(png);
    if (png_info == NULL) {
        png_destroy_write_struct(&png, NULL);
        set_error(error, error_capacity, "out of memory creating the PNG writer");
        return NSIO_ERROR_MEMORY;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &png_info);
        free(writer.data);
        return NSIO_ERROR_DECODE;
    }
    png_set_write_fn(png, &writer, png_write_to_memory, png_flush_nothing);
    png_set_IHDR(png, png_info, width, height, bit_depth, color_types[channels],
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, png_info);
    if (bit_depth == 16 && is_little_endian()) png_set_swap(png);
    const size_t row_bytes = (size_t)width * (size_t)channels * (size_t)(bit_depth / 8);
    for (uint32_t y = 0; y < height; y++) {
        png_write_row(png, (png_const_bytep)samples + (size_t)y * row_bytes);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &png_info);
    *png_out = writer.data;
    *png_size = writer.size;
    return NSIO_OK;
}

void nsio_free(void *pointer) { free(pointer); }

// MARK: - TIFF

typedef struct tiff_context {
    const uint8_t *data;
    toff_t size;
    toff_t offset;
    char *error;
    size_t error_capacity;
    int has_error;
} tiff_context;

static tmsize_t tiff_read(thandle_t handle, void *buffer, tmsize_t count) {
    tiff_context *context = (tiff_context *)handle;
    if (count <= 0 || context->offset >= context->size) return 0;
    toff_t available = context->size - context->offset;
    toff_t n = (toff_t)count < available ? (toff_t)count : available;
    memcpy(buffer, context->data + context->offset, (size_t)n);
    context->offset += n;
    return (tmsize_t)n;
}

static tmsize_t tiff_write(thandle_t handle, void *buffer, tmsize_t count) {
    (void)handle;
    (void)buffer;
    (void)count;
    return 0;
}

static toff_t tiff_seek(thandle_t handle, toff_t offset, int whence) {
    tiff_context *context = (tiff_context *)handle;
    toff_t base = whence == SEEK_CUR ? context->offset : whence == SEEK_END ? context->size : 0;
    if (offset > UINT64_MAX - base) return (toff_t)-1;
    context->offset = base + offset;
    return context->offset;
}

static int tiff_close(thandle_t handle) {
    (void)handle;
    return 0;
}

static toff_t tiff_size(thandle_t handle) { return ((tiff_context *)handle)->size; }

static int tiff_map(thandle_t handle, void **base, toff_t *size) {
    (void)handle;
    (void)base;
    (void)size;
    return 0;
}

static void tiff_unmap(thandle_t handle, void *base, toff_t size) {
    (void)handle;
    (void)base;
    (void)size;
}

static int tiff_error_handler(TIFF *tiff, void *user_data, const char *module, const char *format,
                              va_list arguments) {
    (void)tiff;
    tiff_context *context = (tiff_context *)user_data;
    if (context != NULL && !context->has_error && context->error != NULL &&
        context->error_capacity > 0) {
        char message[512];
        vsnprintf(message, sizeof message, format, arguments);
        if (module != NULL && module[0] != '\0') {
            snprintf(context->error, context->error_capacity, "%s: %s", module, message);
        } else {
            snprintf(context->error, context->error_capacity, "%s", message);
        }
        context->has_error = 1;
    }
    return 1;  // handled: do not call the global handler (which prints to stderr)
}

static int tiff_warning_handler(TIFF *tiff, void *user_data, const char *module,
                                const char *format, va_list arguments) {
    (void)tiff;
    (void)user_data;
    (void)module;
    (void)format;
    (void)arguments;
    return 1;  // unknown tags and similar warnings do not stop decoding
}

static TIFF *tiff_open(tiff_context *context) {
    // Belt and braces: no global handler may print either.
    TIFFSetErrorHandler(NULL);
    TIFFSetWarningHandler(NULL);
    TIFFOpenOptions *options = TIFFOpenOptionsAlloc();
    if (options == NULL) return NULL;
    TIFFOpenOptionsSetErrorHandlerExtR(options, tiff_error_handler, context);
    TIFFOpenOptionsSetWarningHandlerExtR(options, tiff_warning_handler, context);
    TIFFOpenOptionsSetMaxSingleMemAlloc(options, (tmsize_t)1 << 30);
    TIFF *tiff = TIFFClientOpenExt("memory", "rm", (thandle_t)context, tiff_read, tiff_write,
                                   tiff_seek, tiff_close, tiff_size, tiff_map, tiff_unmap,
                                   options);
    TIFFOpenOptionsFree(options);
    return tiff;
}

static int tiff_fail(tiff_context *context, const char *fallback) {
    if (!context->has_error) set_error(context->error, context->error_capacity, fallback);
    return NSIO_ERROR_DECODE;
}

/// A failure while reading pixel data: our own sentence, never libtiff's (whose read errors speak
/// of internal strip and scanline numbers such as "scanline 4294967295").
static int tiff_data_fail(tiff_context *context, const char *unit, uint32_t index, uint32_t total) {
    char message[160];
    snprintf(message, sizeof message,
             "the pixel data of %s %u of %u cannot be read (the file is truncated or its strip/tile offsets are damaged)",
             unit, index + 1, total);
    set_error(context->error, context->error_capacity, message);
    context->has_error = 1;
    return NSIO_ERROR_DECODE;
}

/// A TIFF whose rows hold less than one whole sample per pixel (YCbCr subsampling, a packed or
/// inconsistent layout): we cannot deliver one sample per pixel from it.
static int tiff_unsupported(tiff_context *context, const nsio_image_info *info) {
    char message[200];
    snprintf(message, sizeof message,
             "TIFF layout with photometric %d, %d samples of %d bits per pixel in subsampled or packed rows",
             (int)info->photometric, (int)info->samples_per_pixel, (int)info->bit_depth);
    set_error(context->error, context->error_capacity, message);
    context->has_error = 1;
    return NSIO_ERROR_UNSUPPORTED;
}

static int tiff_read_fields(TIFF *tiff, tiff_context *context, int32_t page,
                            nsio_image_info *info) {
    tdir_t pages = TIFFNumberOfDirectories(tiff);
    if (page < 0 || (tdir_t)page >= pages) {
        char message[128];
        snprintf(message, sizeof message, "page %d requested but the TIFF has %u page(s)",
                 (int)page, (unsigned)pages);
        set_error(context->error, context->error_capacity, message);
        context->has_error = 1;
        return NSIO_ERROR_UNSUPPORTED;
    }
    if (!TIFFSetDirectory(tiff, (tdir_t)page)) return tiff_fail(context, "cannot read TIFF page");
    uint32_t width = 0, height = 0;
    uint16_t bits = 1, samples = 1, planar = PLANARCONFIG_CONTIG, format = SAMPLEFORMAT_UINT;
    uint16_t photometric = PHOTOMETRIC_MINISBLACK;
    if (!TIFFGetField(tiff, TIFFTAG_IMAGEWIDTH, &width) ||
        !TIFFGetField(tiff, TIFFTAG_IMAGELENGTH, &height)) {
        return tiff_fail(context, "TIFF has no image width or length");
    }
    TIFFGetFieldDefaulted(tiff, TIFFTAG_BITSPERSAMPLE, &bits);
    TIFFGetFieldDefaulted(tiff, TIFFTAG_SAMPLESPERPIXEL, &samples);
    TIFFGetFieldDefaulted(tiff, TIFFTAG_PLANARCONFIG, &planar);
    TIFFGetFieldDefaulted(tiff, TIFFTAG_SAMPLEFORMAT, &format);
    TIFFGetField(tiff, TIFFTAG_PHOTOMETRIC, &photometric);
    memset(info, 0, sizeof *info);
    info->width = width;
    info->height = height;
    info->channels = samples;
    info->bit_depth = bits;
    info->source_bit_depth = bits;
    info->source_color_type = -1;
    info->pages = (int32_t)pages;
    info->samples_per_pixel = samples;
    info->planar_config = planar;
    info->sample_format = format;
    info->photometric = photometric;
    return NSIO_OK;
}

int nsio_tiff_read_info(const uint8_t *data, size_t size, int32_t page, nsio_image_info *info,
                        char *error, size_t error_capacity) {
    if (error != NULL && error_capacity > 0) error[0] = '\0';
    tiff_context context = {data, size, 0, error, error_capacity, 0};
    TIFF *tiff = tiff_open(&context);
    if (tiff == NULL) return tiff_fail(&context, "not a readable TIFF file");
    int status = tiff_read_fields(tiff, &context, page, info);
    TIFFClose(tiff);
    return status;
}

static void copy_sample(const uint8_t *source, size_t source_index, uint8_t *target,
                        size_t target_index, int bytes) {
    if (bytes == 1) {
        target[target_index] = source[source_index];
    } else {
        memcpy(target + target_index * 2, source + source_index * 2, 2);
    }
}

int nsio_tiff_decode_plane(const uint8_t *data, size_t size, int32_t page, int32_t sample,
                           void *output, size_t output_bytes, char *error,
                           size_t error_capacity) {
    if (error != NULL && error_capacity > 0) error[0] = '\0';
    tiff_context context = {data, size, 0, error, error_capacity, 0};
    TIFF *tiff = tiff_open(&context);
    if (tiff == NULL) return tiff_fail(&context, "not a readable TIFF file");
    nsio_image_info info;
    int status = tiff_read_fields(tiff, &context, page, &info);
    if (status != NSIO_OK) {
        TIFFClose(tiff);
        return status;
    }
    const int bytes = info.bit_depth / 8;
    if ((info.bit_depth != 8 && info.bit_depth != 16) ||
        (info.sample_format != SAMPLEFORMAT_UINT && info.sample_format != SAMPLEFORMAT_VOID) ||
        sample < 0 || sample >= info.samples_per_pixel || output == NULL ||
        output_bytes != (size_t)info.width * info.height * (size_t)bytes) {
        TIFFClose(tiff);
        set_error(error, error_capacity, "unsupported TIFF sample layout or output buffer");
        return NSIO_ERROR_UNSUPPORTED;
    }
    const int separate = info.planar_config == PLANARCONFIG_SEPARATE;
    const size_t stride = separate ? 1 : (size_t)info.samples_per_pixel;
    const size_t offset = separate ? 0 : (size_t)sample;
    uint8_t *target = (uint8_t *)output;
    if (TIFFIsTiled(tiff)) {
        uint32_t tile_width = 0, tile_height = 0;
        TIFFGetField(tiff, TIFFTAG_TILEWIDTH, &tile_width);
        TIFFGetField(tiff, TIFFTAG_TILELENGTH, &tile_height);
        tmsize_t tile_bytes = TIFFTileSize(tiff);
        if (tile_width == 0 || tile_height == 0 || tile_bytes <= 0) {
            TIFFClose(tiff);
            return tiff_fail(&context, "TIFF tiles have no size");
        }
        // Subsampled (YCbCr) or packed data decodes to fewer bytes than one sample per pixel:
        // refuse it rather than read past the tile (found by the fuzzer).
        if ((uint64_t)tile_bytes < (uint64_t)tile_width * tile_height * stride * (uint64_t)bytes) {
            TIFFClose(tiff);
            return tiff_unsupported(&context, &info);
        }
        // A tile may overhang the image (tiles are multiples of 16), but not by more than a
        // tile of 1024 or the image rounded up to 16: a damaged header claiming 60000x60000 tiles
        // on a tiny image must not cost gigabytes (found by the fuzzer: a 12 GB malloc).
        uint32_t widest = info.width < 1024 ? 1024 : ((info.width + 15) & ~15u);
        uint32_t tallest = info.height < 1024 ? 1024 : ((info.height + 15) & ~15u);
        if (tile_width > widest || tile_height > tallest) {
            char message[160];
            snprintf(message, sizeof message, "the TIFF tiles are %ux%u pixels, larger than the %ux%u image allows",
                     (unsigned)tile_width, (unsigned)tile_height, (unsigned)info.width, (unsigned)info.height);
            set_error(context.error, context.error_capacity, message);
            context.has_error = 1;
            TIFFClose(tiff);
            return NSIO_ERROR_DECODE;
        }
        uint8_t *tile = (uint8_t *)_TIFFmalloc(tile_bytes);
        if (tile == NULL) {
            TIFFClose(tiff);
            return tiff_fail(&context, "out of memory reading a TIFF tile");
        }
        for (uint32_t y0 = 0; y0 < info.height; y0 += tile_height) {
            for (uint32_t x0 = 0; x0 < info.width; x0 += tile_width) {
                if (TIFFReadTile(tiff, tile, x0, y0, 0, separate ? (uint16_t)sample : 0) < 0) {
                    _TIFFfree(tile);
                    TIFFClose(tiff);
                    uint32_t across = (info.width + tile_width - 1) / tile_width;
                    uint32_t down = (info.height + tile_height - 1) / tile_height;
                    return tiff_data_fail(&context, "tile", (y0 / tile_height) * across + x0 / tile_width, across * down);
                }
                for (uint32_t y = y0; y < info.height && y < y0 + tile_height; y++) {
                    for (uint32_t x = x0; x < info.width && x < x0 + tile_width; x++) {
                        size_t source = ((size_t)(y - y0) * tile_width + (x - x0)) * stride + offset;
                        copy_sample(tile, source, target, (size_t)y * info.width + x, bytes);
                    }
                }
            }
        }
        _TIFFfree(tile);
    } else {
        tmsize_t line_bytes = TIFFScanlineSize(tiff);
        if (line_bytes <= 0) {
            TIFFClose(tiff);
            return tiff_fail(&context, "TIFF scanlines have no size");
        }
        if ((uint64_t)line_bytes < (uint64_t)info.width * stride * (uint64_t)bytes) {
            TIFFClose(tiff);
            return tiff_unsupported(&context, &info);
        }
        uint8_t *line = (uint8_t *)_TIFFmalloc(line_bytes);
        if (line == NULL) {
            TIFFClose(tiff);
            return tiff_fail(&context, "out of memory reading a TIFF scanline");
        }
        for (uint32_t y = 0; y < info.height; y++) {
            if (TIFFReadScanline(tiff, line, y, separate ? (uint16_t)sample : 0) < 0) {
                _TIFFfree(line);
                TIFFClose(tiff);
                return tiff_data_fail(&context, "row", y, info.height);
            }
            for (uint32_t x = 0; x < info.width; x++) {
                copy_sample(line, (size_t)x * stride + offset, target, (size_t)y * info.width + x,
                            bytes);
            }
        }
        _TIFFfree(line);
    }
    TIFFClose(tiff);
    return NSIO_OK;
}

int nsio_tiff_read_resolution(const uint8_t *data, size_t size, int32_t page, double *x_resolution,
                              double *y_resolution, int32_t *resolution_unit, char *description,
                              size_t description_capacity, char *error, size_t error_capacity) {
    if (error != NULL && error_capacity > 0) error[0] = '\0';
    if (description != NULL && description_capacity > 0) description[0] = '\0';
    *x_resolution = 0;
    *y_resolution = 0;
    *resolution_unit = 0;
    tiff_context context = {data, size, 0, error, error_capacity, 0};
    TIFF *tiff = tiff_open(&context);
    if (tiff == NULL) return tiff_fail(&context, "not a readable TIFF file");
    nsio_image_info info;
    int status = tiff_read_fields(tiff, &context, page, &info);
    if (status != NSIO_OK) {
        TIFFClose(tiff);
        return status;
    }
    float x = 0, y = 0;
    uint16_t unit = RESUNIT_INCH;
    if (TIFFGetField(tiff, TIFFTAG_XRESOLUTION, &x) && TIFFGetField(tiff, TIFFTAG_YRESOLUTION, &y)) {
        TIFFGetFieldDefaulted(tiff, TIFFTAG_RESOLUTIONUNIT, &unit);
        *x_resolution = x;
        *y_resolution = y;
        *resolution_unit = unit;
    }
    const char *text = NULL;
    if (description != NULL && description_capacity > 0 &&
        TIFFGetField(tiff, TIFFTAG_IMAGEDESCRIPTION, &text) && text != NULL) {
        snprintf(description, description_capacity, "%s", text);
    }
    TIFFClose(tiff);
    return NSIO_OK;
}

/// A growing in-memory file for libtiff to write into. `base` comes first so the error handlers,
/// which take a `tiff_context`, can be given this struct too.
typedef struct tiff_output {
    tiff_context base;
    uint8_t *buffer;
    toff_t capacity;
    toff_t length;
    toff_t position;
    int out_of_memory;
} tiff_output;

static tmsize_t tiff_output_read(thandle_t handle, void *buffer, tmsize_t count) {
    tiff_output *output = (tiff_output *)handle;
    if (count <= 0 || output->position >= output->length) return 0;
    toff_t available = output->length - output->position;
    toff_t n = (toff_t)count < available ? (toff_t)count : available;
    memcpy(buffer, output->buffer + output->position, (size_t)n);
    output->position += n;
    return (tmsize_t)n;
}

static tmsize_t tiff_output_write(thandle_t handle, void *buffer, tmsize_t count) {
    tiff_output *output = (tiff_output *)handle;
    if (count <= 0) return 0;
    toff_t end = output->position + (toff_t)count;
    if (end > output->capacity) {
        toff_t capacity = output->capacity < 4096 ? 4096 : output->capacity;
        while (capacity < end) capacity *= 2;
        uint8_t *grown = (uint8_t *)realloc(output->buffer, (size_t)capacity);
        if (grown == NULL) {
            output->out_of_memory = 1;
            return -1;
        }
        memset(grown + output->capacity, 0, (size_t)(capacity - output->capacity));
        output->buffer = grown;
        output->capacity = capacity;
    }
    memcpy(output->buffer + output->position, buffer, (size_t)count);
    output->position = end;
    if (end > output->length) output->length = end;
    return count;
}

static toff_t tiff_output_seek(thandle_t handle, toff_t offset, int whence) {
    tiff_output *output = (tiff_output *)handle;
    toff_t base = whence == SEEK_CUR ? output->position : whence == SEEK_END ? output->length : 0;
    if (offset > UINT64_MAX - base) return (toff_t)-1;
    output->position = base + offset;
    return output->position;
}

static toff_t tiff_output_size(thandle_t handle) { return ((tiff_output *)handle)->length; }

/* The tags of a one-channel unsigned label image, deflated, with the resolution when one is given
   (resolution_unit 0: none): what the in-memory label TIFF and the tiled BigTIFF writer share.
   Returns 1 when libtiff took every tag. */
static int set_gray_label_tags(TIFF *tiff, uint32_t width, uint32_t height, int32_t bit_depth, int32_t resolution_unit,
                               double x_resolution, double y_resolution) {
    int ok = TIFFSetField(tiff, TIFFTAG_IMAGEWIDTH, width) &&
             TIFFSetField(tiff, TIFFTAG_IMAGELENGTH, height) &&
             TIFFSetField(tiff, TIFFTAG_BITSPERSAMPLE, (uint16_t)bit_depth) &&
             TIFFSetField(tiff, TIFFTAG_SAMPLESPERPIXEL, (uint16_t)1) &&
             TIFFSetField(tiff, TIFFTAG_SAMPLEFORMAT, (uint16_t)SAMPLEFORMAT_UINT) &&
             TIFFSetField(tiff, TIFFTAG_PHOTOMETRIC, (uint16_t)PHOTOMETRIC_MINISBLACK) &&
             TIFFSetField(tiff, TIFFTAG_PLANARCONFIG, (uint16_t)PLANARCONFIG_CONTIG) &&
             TIFFSetField(tiff, TIFFTAG_COMPRESSION, (uint16_t)COMPRESSION_ADOBE_DEFLATE);
    if (ok && resolution_unit != 0) {
        ok = TIFFSetField(tiff, TIFFTAG_XRESOLUTION, (float)x_resolution) &&
             TIFFSetField(tiff, TIFFTAG_YRESOLUTION, (float)y_resolution) &&
             TIFFSetField(tiff, TIFFTAG_RESOLUTIONUNIT, (uint16_t)resolution_unit);
    }
    return ok;
}

int nsio_tiff_encode_gray(const void *samples, uint32_t width, uint32_t height, int32_t bit_depth,
                          double x_resolution, double y_resolution, int32_t resolution_unit,
                          const char *description, uint8_t **tiff_data, size_t *tiff_size,
                          char *error, size_t error_capacity) {
    if (error != NULL && error_capacity > 0) error[0] = '\0';
    *tiff_data = NULL;
    *tiff_size = 0;
    if (samples == NULL || width == 0 || height == 0 ||
        (bit_depth != 8 && bit_depth != 16 && bit_depth != 32)) {
        set_error(error, error_capacity, "nothing to encode: empty image or unsupported bit depth");
        return NSIO_ERROR_BUFFER;
    }
    tiff_output output;
    memset(&output, 0, sizeof output);
    output.base.error = error;
    output.base.error_capacity = error_capacity;
    TIFFSetErrorHandler(NULL);
    TIFFSetWarningHandler(NULL);
    TIFFOpenOptions *options = TIFFOpenOptionsAlloc();
    if (options == NULL) return NSIO_ERROR_MEMORY;
    TIFFOpenOptionsSetErrorHandlerExtR(options, tiff_error_handler, &output);
    TIFFOpenOptionsSetWarningHandlerExtR(options, tiff_warning_handler, &output);
    TIFF *tiff = TIFFClientOpenExt("memory", "w", (thandle_t)&output, tiff_output_read,
                                   tiff_output_write, tiff_output_seek, tiff_close,
                                   tiff_output_size, tiff_map, tiff_unmap, options);
    TIFFOpenOptionsFree(options);
    if (tiff == NULL) {
        free(output.buffer);
        return tiff_fail(&output.base, "cannot start a TIFF in memory");
    }
    const size_t bytes = (size_t)bit_depth / 8;
    uint32_t rows_per_strip = (uint32_t)(65536 / ((size_t)width * bytes));
    if (rows_per_strip < 1) rows_per_strip = 1;
    if (rows_per_strip > height) rows_per_strip = height;
    int ok = set_gray_label_tags(tiff, width, height, bit_depth, resolution_unit, x_resolution, y_resolution) &&
             TIFFSetField(tiff, TIFFTAG_ROWSPERSTRIP, rows_per_strip);
    if (ok && description != NULL) ok = TIFFSetField(tiff, TIFFTAG_IMAGEDESCRIPTION, description);
    const uint8_t *rows = (const uint8_t *)samples;
    for (uint32_t y = 0; ok && y < height; y++) {
        ok = TIFFWriteScanline(tiff, (void *)(rows + (size_t)y * width * bytes), y, 0) >= 0;
    }
    if (ok) ok = TIFFWriteDirectory(tiff);
    TIFFClose(tiff);
    if (!ok || output.out_of_memory) {
        free(output.buffer);
        if (output.out_of_memory) {
            set_error(error, error_capacity, "out of memory encoding a TIFF");
            return NSIO_ERROR_MEMORY;
        }
        return tiff_fail(&output.base, "libtiff could not encode the image");
    }
    *tiff_data = output.buffer;
    *tiff_size = (size_t)output.length;
    return NSIO_OK;
}

// MARK: - TIFF files by region, and tiled BigTIFF output

struct nsio_tiff_reader {
    TIFF *tiff;
    tiff_context context;  // only error fields are used: the handlers write into them
    nsio_image_info info;
    uint32_t tile_width, tile_height;
    uint8_t *buffer;       // one tile or one scanline
    int32_t page;
    uint32_t next_row;     // striped pages: the row after the last one read, of `last_sample`
    int32_t last_sample;
};

/// Points the handlers at this call's error buffer.
static void tiff_context_reset(tiff_context *context, char *error, size_t error_capacity) {
    if (error != NULL && error_capacity > 0) error[0] = '\0';
    context->error = error;
    context->error_capacity = error_capacity;
    context->has_error = 0;
}

static TIFF *tiff_open_file(const char *path, const char *mode, tiff_context *context) {
    TIFFSetErrorHandler(NULL);
    TIFFSetWarningHandler(NULL);
    TIFFOpenOptions *options = TIFFOpenOptionsAlloc();
    if (options == NULL) return NULL;
    TIFFOpenOptionsSetErrorHandlerExtR(options, tiff_error_handler, context);
    TIFFOpenOptionsSetWarningHandlerExtR(options, tiff_warning_handler, context);
    TIFFOpenOptionsSetMaxSingleMemAlloc(options, (tmsize_t)1 << 30);
    TIFF *tiff = TIFFOpenExt(path, mode, options);
    TIFFOpenOptionsFree(options);
    return tiff;
}

void nsio_tiff_reader_close(nsio_tiff_reader *reader) {
    if (reader == NULL) return;
    if (reader->buffer != NULL) _TIFFfree(reader->buffer);
    if (reader->tiff != NULL) TIFFClose(reader->tiff);
    free(reader);
}

int nsio_tiff_reader_open(const char *path, int32_t page, nsio_tiff_reader **result,
                          nsio_image_info *info, char *error, size_t error_capacity) {
    *result = NULL;
    nsio_tiff_reader *reader = (nsio_tiff_reader *)calloc(1, sizeof *reader);
    if (reader == NULL) return NSIO_ERROR_MEMORY;
    tiff_context_reset(&reader->context, error, error_capacity);
    // "m": no memory mapping, so the pages of a multi-gigabyte file never count as resident.
    reader->tiff = tiff_open_file(path, "rm", &reader->context);
    if (reader->tiff == NULL) {
        int status = tiff_fail(&reader->context, "not a readable TIFF file");
        nsio_tiff_reader_close(reader);
        return status;
    }
    int status = tiff_read_fields(reader->tiff, &reader->context, page, &reader->info);
    if (status != NSIO_OK) {
        nsio_tiff_reader_close(reader);
        return status;
    }
    reader->page = page;
    const nsio_image_info *shape = &reader->info;
    const uint64_t bytes = (uint64_t)(shape->bit_depth / 8);
    const uint64_t stride = shape->planar_config == PLANARCONFIG_SEPARATE ? 1 : (uint64_t)shape->samples_per_pixel;
    if ((shape->bit_depth != 8 && shape->bit_depth != 16) ||
        (shape->sample_format != SAMPLEFORMAT_UINT && shape->sample_format != SAMPLEFORMAT_VOID)) {
        nsio_tiff_reader_close(reader);
        set_error(error, error_capacity, "unsupported TIFF sample layout (expected 8- or 16-bit unsigned samples)");
        return NSIO_ERROR_UNSUPPORTED;
    }
    if (TIFFIsTiled(reader->tiff)) {
        TIFFGetField(reader->tiff, TIFFTAG_TILEWIDTH, &reader->tile_width);
        TIFFGetField(reader->tiff, TIFFTAG_TILELENGTH, &reader->tile_height);
        tmsize_t tile_bytes = TIFFTileSize(reader->tiff);
        if (reader->tile_width == 0 || reader->tile_height == 0 || tile_bytes <= 0 ||
            reader->tile_width > 8192 || reader->tile_height > 8192) {
            nsio_tiff_reader_close(reader);
            set_error(error, error_capacity, "the TIFF tiles have no size or are larger than 8192x8192 pixels");
            return NSIO_ERROR_DECODE;
        }
        if ((uint64_t)tile_bytes < (uint64_t)reader->tile_width * reader->tile_height * stride * bytes) {
            int unsupported = tiff_unsupported(&reader->context, shape);
            nsio_tiff_reader_close(reader);
            return unsupported;
        }
        reader->buffer = (uint8_t *)_TIFFmalloc(tile_bytes);
    } else {
        tmsize_t line_bytes = TIFFScanlineSize(reader->tiff);
        if (line_bytes <= 0) {
            int failed = tiff_fail(&reader->context, "TIFF scanlines have no size");
            nsio_tiff_reader_close(reader);
            return failed;
        }
        if ((uint64_t)line_bytes < (uint64_t)shape->width * stride * bytes) {
            int unsupported = tiff_unsupported(&reader->context, shape);
            nsio_tiff_reader_close(reader);
            return unsupported;
        }
        reader->buffer = (uint8_t *)_TIFFmalloc(line_bytes);
    }
    if (reader->buffer == NULL) {
        nsio_tiff_reader_close(reader);
        set_error(error, error_capacity, "out of memory for a TIFF tile or scanline");
        return NSIO_ERROR_MEMORY;
    }
    *info = reader->info;
    *result = reader;
    return NSIO_OK;
}

int nsio_tiff_reader_read_region(nsio_tiff_reader *reader, int32_t sample, uint32_t x, uint32_t y,
                                 uint32_t width, uint32_t height, void *output, size_t output_bytes,
                                 char *error, size_t error_capacity) {
    tiff_context_reset(&reader->context, error, error_capacity);
    const nsio_image_info *info = &reader->info;
    const int bytes = info->bit_depth / 8;
    if (sample < 0 || sample >= info->samples_per_pixel || output == NULL || width == 0 || height == 0 ||
        (uint64_t)x + width > info->width || (uint64_t)y + height > info->height ||
        output_bytes != (size_t)width * height * (size_t)bytes) {
        set_error(error, error_capacity, "TIFF region outside the image, or a wrong output buffer");
        return NSIO_ERROR_BUFFER;
    }
    const int separate = info->planar_config == PLANARCONFIG_SEPARATE;
    const size_t stride = separate ? 1 : (size_t)info->samples_per_pixel;
    const size_t offset = separate ? 0 : (size_t)sample;
    const uint16_t plane = separate ? (uint16_t)sample : 0;
    uint8_t *target = (uint8_t *)output;
    if (TIFFIsTiled(reader->tiff)) {
        const uint32_t tw = reader->tile_width, th = reader->tile_height;
        const uint32_t across = (info->width + tw - 1) / tw, down = (info->height + th - 1) / th;
        for (uint32_t ty = y / th * th; ty < y + height; ty += th) {
            for (uint32_t tx = x / tw * tw; tx < x + width; tx += tw) {
                if (TIFFReadTile(reader->tiff, reader->buffer, tx, ty, 0, plane) < 0) {
                    return tiff_data_fail(&reader->context, "tile", (ty / th) * across + tx / tw, across * down);
                }
                uint32_t top = ty > y ? ty : y, left = tx > x ? tx : x;
                uint32_t bottom = ty + th < y + height ? ty + th : y + height;
                uint32_t right = tx + tw < x + width ? tx + tw : x + width;
                for (uint32_t row = top; row < bottom; row++) {
                    for (uint32_t column = left; column < right; column++) {
                        size_t source = ((size_t)(row - ty) * tw + (column - tx)) * stride + offset;
                        copy_sample(reader->buffer, source, target, (size_t)(row - y) * width + (column - x), bytes);
                    }
                }
            }
        }
    } else {
        // Compressed strips decode only forwards from their first row (libtiff's codecs cannot
        // seek within one: "Compression algorithm does not support random access"). Going back
        // (or to another sample), start the page afresh; then decode from the strip's first row,
        // or from where the last read stopped when that is in the same strip, discarding the rows
        // above `y`.
        uint32_t rows_per_strip = info->height;
        TIFFGetFieldDefaulted(reader->tiff, TIFFTAG_ROWSPERSTRIP, &rows_per_strip);
        if (rows_per_strip == 0 || rows_per_strip > info->height) rows_per_strip = info->height;
        if (y < reader->next_row || sample != reader->last_sample) {
            if (!TIFFSetDirectory(reader->tiff, (tdir_t)reader->page)) {
                return tiff_fail(&reader->context, "cannot read the TIFF page again");
            }
            reader->next_row = 0;
            reader->last_sample = sample;
        }
        uint32_t first = reader->next_row / rows_per_strip == y / rows_per_strip ? reader->next_row
                                                                                : y / rows_per_strip * rows_per_strip;
        for (uint32_t row = first; row < y + height; row++) {
            if (TIFFReadScanline(reader->tiff, reader->buffer, row, plane) < 0) {
                reader->next_row = UINT32_MAX;  // unknown state: start afresh next time
                return tiff_data_fail(&reader->context, "row", row, info->height);
            }
            if (row < y) continue;
            for (uint32_t column = x; column < x + width; column++) {
                copy_sample(reader->buffer, (size_t)column * stride + offset, target,
                            (size_t)(row - y) * width + (column - x), bytes);
            }
        }
        reader->next_row = y + height;
    }
    return NSIO_OK;
}

struct nsio_tiff_tile_writer {
    TIFF *tiff;
    tiff_context context;
    uint32_t tile_size;
    int32_t bit_depth;
};

void nsio_tiff_tile_writer_abort(nsio_tiff_tile_writer *writer) {
    if (writer == NULL) return;
    if (writer->tiff != NULL) TIFFClose(writer->tiff);
    free(writer);
}

int nsio_tiff_tile_writer_open(const char *path, uint32_t width, uint32_t height, int32_t bit_depth,
                               uint32_t tile_size, double x_resolution, double y_resolution,
                               int32_t resolution_unit, nsio_tiff_tile_writer **result,
                               char *error, size_t error_capacity) {
    *result = NULL;
    if (width == 0 || height == 0 || (bit_depth != 8 && bit_depth != 16 && bit_depth != 32) ||
        tile_size == 0 || tile_size % 16 != 0) {
        set_error(error, error_capacity, "nothing to encode: empty image, unsupported bit depth or tile size");
        return NSIO_ERROR_BUFFER;
    }
    nsio_tiff_tile_writer *writer = (nsio_tiff_tile_writer *)calloc(1, sizeof *writer);
    if (writer == NULL) return NSIO_ERROR_MEMORY;
    tiff_context_reset(&writer->context, error, error_capacity);
    writer->tile_size = tile_size;
    writer->bit_depth = bit_depth;
    writer->tiff = tiff_open_file(path, "w8", &writer->context);  // "8": BigTIFF (64-bit offsets)
    if (writer->tiff == NULL) {
        int status = tiff_fail(&writer->context, "cannot create the TIFF file");
        nsio_tiff_tile_writer_abort(writer);
        return status;
    }
    TIFF *tiff = writer->tiff;
    int ok = set_gray_label_tags(tiff, width, height, bit_depth, resolution_unit, x_resolution, y_resolution) &&
             TIFFSetField(tiff, TIFFTAG_TILEWIDTH, tile_size) &&
             TIFFSetField(tiff, TIFFTAG_TILELENGTH, tile_size);
    if (!ok) {
        int status = tiff_fail(&writer->context, "libtiff refused the TIFF tags");
        nsio_tiff_tile_writer_abort(writer);
        return status;
    }
    *result = writer;
    return NSIO_OK;
}

int nsio_tiff_tile_writer_write(nsio_tiff_tile_writer *writer, uint32_t x, uint32_t y,
                                const void *tile, size_t tile_bytes, char *error,
                                size_t error_capacity) {
    tiff_context_reset(&writer->context, error, error_capacity);
    const size_t expected = (size_t)writer->tile_size * writer->tile_size * (size_t)(writer->bit_depth / 8);
    if (tile == NULL || tile_bytes != expected || x % writer->tile_size != 0 || y % writer->tile_size != 0) {
        set_error(error, error_capacity, "a label tile of the wrong size or position");
        return NSIO_ERROR_BUFFER;
    }
    if (TIFFWriteTile(writer->tiff, (void *)tile, x, y, 0, 0) < 0) {
        return tiff_fail(&writer->context, "libtiff could not write a tile (disk full?)");
    }
    return NSIO_OK;
}

int nsio_tiff_tile_writer_finish(nsio_tiff_tile_writer *writer, const char *description,
                                 char *error, size_t error_capacity) {
    tiff_context_reset(&writer->context, error, error_capacity);
    int ok = description == NULL || TIFFSetField(writer->tiff, TIFFTAG_IMAGEDESCRIPTION, description);
    ok = ok && TIFFWriteDirectory(writer->tiff);
    int status = ok ? NSIO_OK : tiff_fail(&writer->context, "libtiff could not finish the TIFF (disk full?)");
    // TIFFClose flushes; its failure would have been reported through the handler.
    TIFFClose(writer->tiff);
    writer->tiff = NULL;
    if (status == NSIO_OK && writer->context.has_error) status = NSIO_ERROR_DECODE;
    free(writer);
    return status;
}

int nsio_tiff_reader_resolution(nsio_tiff_reader *reader, double *x_resolution, double *y_resolution,
                                int32_t *resolution_unit, char *description,
                                size_t description_capacity) {
    if (description != NULL && description_capacity > 0) description[0] = '\0';
    *x_resolution = 0;
    *y_resolution = 0;
    *resolution_unit = 0;
    float x = 0, y = 0;
    uint16_t unit = RESUNIT_INCH;
    if (TIFFGetField(reader->tiff, TIFFTAG_XRESOLUTION, &x) && TIFFGetField(reader->tiff, TIFFTAG_YRESOLUTION, &y)) {
        TIFFGetFieldDefaulted(reader->tiff, TIFFTAG_RESOLUTIONUNIT, &unit);
        *x_resolution = x;
        *y_resolution = y;
        *resolution_unit = unit;
    }
    const char *text = NULL;
    if (description != NULL && description_capacity > 0 &&
        TIFFGetField(reader->tiff, TIFFTAG_IMAGEDESCRIPTION, &text) && text != NULL) {
        snprintf(description, description_capacity, "%s", text);
    }
    return NSIO_OK;
}

int nsio_tiff_reader_is_tiled(nsio_tiff_reader *reader) { return TIFFIsTiled(reader->tiff) ? 1 : 0; }
