// CMemory is header-only (include/CMemory.h); SwiftPM needs a source file to build the target.
#include "CMemory.h"
