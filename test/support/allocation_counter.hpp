// Counts global operator new calls so tests can prove "no heap allocation per
// event in steady state". Linked into every test executable.
#pragma once

#include <cstddef>

namespace anthropic::test {

// Allocations made by any thread since the process started.
std::size_t allocations_so_far() noexcept;

// False in sanitizer builds, whose allocator must stay in place: allocation-count
// tests skip themselves there (they run in the plain build).
bool allocation_counting_enabled() noexcept;

// Bytes the allocator has handed out right now (small blocks and mmap()ed
// large ones, from mallinfo2). Meaningful where allocation_counting_enabled().
std::size_t heap_bytes_in_use() noexcept;

// Counts the allocations made between construction and count().
class allocation_counter {
 public:
  allocation_counter() noexcept : start_(allocations_so_far()) {}
  std::size_t count() const noexcept { return allocations_so_far() - start_; }

 private:
  std::size_t start_;
};

}  // namespace anthropic::test
