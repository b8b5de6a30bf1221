// CPrefetch is header-only (include/CPrefetch.h); SwiftPM needs a source file to build the target.
#include "CPrefetch.h"
