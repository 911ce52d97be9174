// oneDNN glue: every oneDNN call of NucleiSeg lives in dnnl_kernels.c behind this header.
#ifndef NUCLEISEG_KERNELS_H
#define NUCLEISEG_KERNELS_H
#endif
