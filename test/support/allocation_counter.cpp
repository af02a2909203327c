#include "support/allocation_counter.hpp"

#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <new>

#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__) && !defined(ANTHROPIC_NO_NEW_REPLACEMENT)
#define ANTHROPIC_COUNT_ALLOCATIONS 1
#else
#define ANTHROPIC_COUNT_ALLOCATIONS 0
#endif

namespace {
std::atomic<std::size_t> g_allocations{0};

#if ANTHROPIC_COUNT_ALLOCATIONS
void* counted_allocate(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (size == 0) size = 1;
  if (void* p = std::malloc(size)) return p;
  throw std::bad_alloc();
}

void* counted_allocate_aligned(std::size_t size, std::align_val_t align) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  auto alignment = static_cast<std::size_t>(align);
  if (size == 0) size = 1;
  size = (size + alignment - 1) / alignment * alignment;  // aligned_alloc wants a multiple
  if (void* p = std::aligned_alloc(alignment, size)) return p;
  throw std::bad_alloc();
}
#endif
}  // namespace

std::size_t anthropic::test::allocations_so_far() noexcept {
  return g_allocations.load(std::memory_order_relaxed);
}


std::size_t anthropic::test::heap_bytes_in_use() noexcept {
  const auto info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

bool anthropic::test::allocation_counting_enabled() noexcept { return ANTHROPIC_COUNT_ALLOCATIONS != 0; }

// Sanitizer builds keep their own allocator (it must see every allocation to find
// leaks and overflows), so the counting replacement is compiled only without them.
#if ANTHROPIC_COUNT_ALLOCATIONS
void* operator new(std::size_t size) { return counted_allocate(size); }
void* operator new[](std::size_t size) { return counted_allocate(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try { return counted_allocate(size); } catch (...) { return nullptr; }
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  try { return counted_allocate(size); } catch (...) { return nullptr; }
}
void* operator new(std::size_t size, std::align_val_t al) { return counted_allocate_aligned(size, al); }
void* operator new[](std::size_t size, std::align_val_t al) { return counted_allocate_aligned(size, al); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
#endif
