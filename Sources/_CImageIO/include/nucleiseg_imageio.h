// libpng/libtiff glue: setjmp/longjmp and libtiff handlers stay on the C side of this header.
//
// Every function returns 0 on success and a negative code on failure, with a NUL-terminated
// message in `error` (at most `error_capacity` bytes). No function prints to stderr, and no
// libpng longjmp ever crosses into a Swift frame: each call sets its own jump point here.
//
// Decoding is two-pass: `*_read_info` parses the header only and reports the decoded shape
// (after our transforms), so the caller can refuse absurd sizes before allocating; `*_decode`
// then fills a caller-provided buffer of exactly height * width * channels samples.
#ifndef NUCLEISEG_IMAGEIO_H
#define NUCLEISEG_IMAGEIO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Shape of an image as the decoder will deliver it.
typedef struct nsio_image_info {
    uint32_t width;
    uint32_t height;
    /// Samples per pixel delivered: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.
    int32_t channels;
    /// 8 or 16 (samples are delivered as uint8 or native-endian uint16).
    int32_t bit_depth;
    /// PNG: the IHDR colour type (0, 2, 3, 4, 6) and bit depth as stored in the file.
    int32_t source_color_type;
    int32_t source_bit_depth;
    /// TIFF: pages (directories), samples per pixel, planar configuration (1 contig, 2 separate),
    /// sample format (1 unsigned int, 2 signed int, 3 float), photometric interpretation.
    int32_t pages;
    int32_t samples_per_pixel;
    int32_t planar_config;
    int32_t sample_format;
    int32_t photometric;
} nsio_image_info;

enum {
    NSIO_OK = 0,
    NSIO_ERROR_DECODE = -1,       // the library reported an error (message set)
    NSIO_ERROR_UNSUPPORTED = -2,  // a valid file we do not read (message set)
    NSIO_ERROR_BUFFER = -3,       // caller's buffer does not match the header
    NSIO_ERROR_MEMORY = -4,
};

// PNG, from memory.
int nsio_png_read_info(const uint8_t *data, size_t size, nsio_image_info *info,
                       char *error, size_t error_capacity);
/// `output` holds height * width * channels samples of `bit_depth` (uint8 or uint16).
int nsio_png_decode(const uint8_t *data, size_t size, void *output, size_t output_bytes,
                    char *error, size_t error_capacity);
/// Encodes 8- or 16-bit (native-endian uint16) samples, `channels` 1..4, into a PNG held in a
/// buffer that the caller must release with `nsio_free`.
int nsio_png_encode(const void *samples, uint32_t width, uint32_t height, int32_t channels,
                    int32_t bit_depth, uint8_t **png, size_t *png_size,
                    char *error, size_t error_capacity);
void nsio_free(void *pointer);

// TIFF, from memory. `page` selects the directory (0-based).
int nsio_tiff_read_info(const uint8_t *data, size_t size, int32_t page, nsio_image_info *info,
                        char *error, size_t error_capacity);
/// Decodes one sample (`sample`, 0-based) of page `page` as a single-channel image of
/// height * width samples of the page's bit depth (8 or 16).
int nsio_tiff_decode_plane(const uint8_t *data, size_t size, int32_t page, int32_t sample,
                           void *output, size_t output_bytes, char *error, size_t error_capacity);

/// Resolution of page `page`: pixels per unit along x and y and the ResolutionUnit tag (1 none,
/// 2 inch, 3 centimetre; 0 when the file has no resolution tags), and the page's
/// ImageDescription (ImageJ or OME-XML metadata; empty when absent), truncated to fit
/// `description` (`description_capacity` bytes, NUL-terminated).
int nsio_tiff_read_resolution(const uint8_t *data, size_t size, int32_t page, double *x_resolution,
                              double *y_resolution, int32_t *resolution_unit, char *description,
                              size_t description_capacity, char *error, size_t error_capacity);
/// Encodes one gray plane of unsigned samples (`bit_depth` 8, 16 or 32, native-endian) as a
/// single-page deflate-compressed TIFF in a buffer the caller releases with `nsio_free`.
/// `x_resolution` and `y_resolution` (pixels per unit) and `resolution_unit` are written when
/// `resolution_unit` is non-zero; `description` (may be NULL) becomes the ImageDescription.
int nsio_tiff_encode_gray(const void *samples, uint32_t width, uint32_t height, int32_t bit_depth,
                          double x_resolution, double y_resolution, int32_t resolution_unit,
                          const char *description, uint8_t **tiff, size_t *tiff_size,
                          char *error, size_t error_capacity);


// TIFF files read by region and written tile by tile, for images too large to hold whole
// (`predict`'s streaming mode). The file is opened without memory mapping, so only the tiles or
// strips a region touches are read and decoded; peak memory is one tile or scanline beyond the
// caller's region buffer. Handles are opaque; each call takes its own error buffer.

typedef struct nsio_tiff_reader nsio_tiff_reader;

/// Opens page `page` of the TIFF (classic or BigTIFF) at `path` and reports its shape.
/// On success `*reader` must be released with `nsio_tiff_reader_close`.
int nsio_tiff_reader_open(const char *path, int32_t page, nsio_tiff_reader **reader,
                          nsio_image_info *info, char *error, size_t error_capacity);
/// Decodes sample `sample` (0-based) of the `width` x `height` region whose top-left pixel is
/// (x, y) into `output`: width * height samples of the page's bit depth (8 or 16), row-major.
/// Tiled pages read only the tiles the region touches; striped pages read its rows.
int nsio_tiff_reader_read_region(nsio_tiff_reader *reader, int32_t sample, uint32_t x, uint32_t y,
                                 uint32_t width, uint32_t height, void *output, size_t output_bytes,
                                 char *error, size_t error_capacity);
void nsio_tiff_reader_close(nsio_tiff_reader *reader);
/// 1 when the open page is tiled, 0 when it is striped.
int nsio_tiff_reader_is_tiled(nsio_tiff_reader *reader);
/// The open page's resolution tags and ImageDescription, as `nsio_tiff_read_resolution`.
int nsio_tiff_reader_resolution(nsio_tiff_reader *reader, double *x_resolution, double *y_resolution,
                                int32_t *resolution_unit, char *description,
                                size_t description_capacity);

typedef struct nsio_tiff_tile_writer nsio_tiff_tile_writer;

/// Creates `path` as a single-page, deflate-compressed, tiled BigTIFF of one gray plane of
/// unsigned `bit_depth` (8, 16 or 32) samples with `tile_size` x `tile_size` tiles (a multiple
/// of 16). Resolution as `nsio_tiff_encode_gray`.
int nsio_tiff_tile_writer_open(const char *path, uint32_t width, uint32_t height, int32_t bit_depth,
                               uint32_t tile_size, double x_resolution, double y_resolution,
                               int32_t resolution_unit, nsio_tiff_tile_writer **writer,
                               char *error, size_t error_capacity);
/// Writes the tile whose top-left pixel is (x, y) (multiples of the tile size): tile_size *
/// tile_size native-endian samples, row-major; samples past the image edge are ignored.
int nsio_tiff_tile_writer_write(nsio_tiff_tile_writer *writer, uint32_t x, uint32_t y,
                                const void *tile, size_t tile_bytes, char *error,
                                size_t error_capacity);
/// Sets the ImageDescription (`description`, may be NULL), writes the directory, closes the file
/// and releases `writer` (also on failure).
int nsio_tiff_tile_writer_finish(nsio_tiff_tile_writer *writer, const char *description,
                                 char *error, size_t error_capacity);
/// Closes the file without completing it and releases `writer`; the caller removes the file.
void nsio_tiff_tile_writer_abort(nsio_tiff_tile_writer *writer);

#ifdef __cplusplus
}
#endif
#endif
