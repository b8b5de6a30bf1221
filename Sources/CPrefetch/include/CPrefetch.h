#ifndef CANDOR_PREFETCH_H
#define CANDOR_PREFETCH_H

/// Asks the processor to bring the cache line at `address` closer, for reading soon. Swift has
/// no way to say this itself; the call is inlined, and on an address that is never read costs
/// nothing but the instruction (a prefetch does not fault).
static inline void candor_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
