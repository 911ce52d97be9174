#include "nucleiseg_imageio.h"
