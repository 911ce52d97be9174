// Runs the oneDNN calls of a NucleiSeg trace on two oneDNN builds in one process, alternating
// A B A B ... per call, and prints each build's median and fastest milliseconds and the median
// of the per-pair ratios B/A. Both `layer_bench` objects are loaded with RTLD_LOCAL |
// RTLD_DEEPBIND, so each binds to its own libdnnl (2.x and 3.x export the same symbol names).
//
//     ab_driver A.so B.so [REPETITIONS] < trace.txt
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

typedef void *(*prepare_fn)(long, long, const long *, const char **);
typedef double (*run_fn)(void *);
typedef void (*free_fn)(void *);
typedef const char *(*version_fn)(void);

typedef struct build {
    prepare_fn prepare;
    run_fn run;
    free_fn release;
    version_fn version;
} build_t;

static int load(const char *path, build_t *build) {
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
    if (!handle) { fprintf(stderr, "%s\n", dlerror()); return 0; }
    build->prepare = (prepare_fn)dlsym(handle, "layer_bench_prepare");
    build->run = (run_fn)dlsym(handle, "layer_bench_run");
    build->release = (free_fn)dlsym(handle, "layer_bench_free");
    build->version = (version_fn)dlsym(handle, "layer_bench_version");
    return build->prepare && build->run && build->release && build->version;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *values, int count) {
    qsort(values, count, sizeof *values, compare);
    return values[count / 2];
}

int main(int argc, char **argv) {
    build_t a, b;
    if (argc < 3 || !load(argv[1], &a) || !load(argv[2], &b)) return 2;
    int repetitions = argc > 3 ? atoi(argv[3]) : 11;
    if (repetitions < 1 || repetitions > 1000) repetitions = 11;
    printf("# A oneDNN %s, B oneDNN %s, %d alternating runs per call\n", a.version(), b.version(), repetitions);
    char line[1024];
    double *times_a = malloc(repetitions * sizeof(double)), *times_b = malloc(repetitions * sizeof(double));
    double *ratios = malloc(repetitions * sizeof(double));
    while (fgets(line, sizeof line, stdin)) {
        long kind, flags, v[14];
        if (sscanf(line, "nucleiseg-kernel kind %ld flags %ld dims %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld",
                   &kind, &flags, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &v[10],
                   &v[11], &v[12], &v[13]) != 16 || kind > 6)
            continue;
        const char *implementation_a = "?", *implementation_b = "?";
        void *call_a = a.prepare(kind, flags, v, &implementation_a);
        void *call_b = b.prepare(kind, flags, v, &implementation_b);
        if (!call_a || !call_b) { fprintf(stderr, "skipped: %s", line); continue; }
        for (int warm = 0; warm < 2; warm++) { a.run(call_a); b.run(call_b); }
        for (int run = 0; run < repetitions; run++) {
            // Alternate which goes first, so neither always follows the other.
            if (run % 2) { times_b[run] = b.run(call_b); times_a[run] = a.run(call_a); }
            else { times_a[run] = a.run(call_a); times_b[run] = b.run(call_b); }
            ratios[run] = times_b[run] / times_a[run];
        }
        double ratio = median(ratios, repetitions);
        double median_a = median(times_a, repetitions), median_b = median(times_b, repetitions);
        printf("kind %ld flags %ld dims", kind, flags);
        for (int index = 0; index < 14; index++) printf(" %ld", v[index]);
        printf(" A %.3f %.3f B %.3f %.3f ratio %.3f implA %s implB %s\n", 1000 * median_a, 1000 * times_a[0],
               1000 * median_b, 1000 * times_b[0], ratio, implementation_a, implementation_b);
        fflush(stdout);
        a.release(call_a);
        b.release(call_b);
    }
    return 0;
}
