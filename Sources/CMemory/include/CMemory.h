#ifndef CANDOR_MEMORY_H
#define CANDOR_MEMORY_H

#include <malloc.h>

/// Asks the processor to bring the cache line at `address` closer, for reading soon. Swift has
/// no way to say this itself; the call is inlined, and on an address that is never read costs
/// nothing but the instruction (a prefetch does not fault).
static inline void candor_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

/// Has glibc's allocator keep freed memory for the next allocation rather than give large
/// blocks back to the kernel at once (Swift's Glibc module leaves out <malloc.h>): blocks of
/// up to 256 MB come from the heap, and the heap is trimmed only past 1 GB free.
static inline void candor_keep_freed_memory(void) {
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

/// Gives the pages of freed memory back to the kernel, now (glibc's `malloc_trim`).
static inline void candor_return_freed_memory(void) {
    malloc_trim(0);
}

#endif
