// libpng/libtiff glue: setjmp/longjmp and libtiff handlers stay on the C side of this header.
#ifndef NUCLEISEG_IMAGEIO_H
#define NUCLEISEG_IMAGEIO_H
#endif
