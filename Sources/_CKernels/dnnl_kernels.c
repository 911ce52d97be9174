#include "nucleiseg_kernels.h"
