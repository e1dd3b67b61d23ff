#include "util/parallel_for.h"

#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <atomic>
#include <exception>
#include <system_error>
#include <thread>
#include <vector>

namespace mosq {

void parallel_for(std::size_t count, unsigned workers, const std::function<void(std::size_t)>& item) {
  if (count == 0) return;
  const std::size_t threads = std::min<std::size_t>(std::max(workers, 1u), count);
  std::vector<std::exception_ptr> errors(count);  // slot i: what item(i) threw
  std::atomic<std::size_t> next{0};
  auto drain = [&] {
    for (std::size_t i = next.fetch_add(1, std::memory_order_relaxed); i < count;
         i = next.fetch_add(1, std::memory_order_relaxed)) {
      try {
        item(i);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  try {
    for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(drain);
  } catch (const std::system_error&) {
    // No more threads to be had: the ones started and this one do the work.
  }
  drain();
  for (std::thread& thread : pool) thread.join();
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

unsigned allowed_cpu_count() {
  // A mask as large as the kernel's CPU count needs; doubled while the
  // kernel says it is too small (EINVAL), as glibc's nproc does.
  for (int cpus = 1024; cpus <= (1 << 20); cpus *= 2) {
    cpu_set_t* set = CPU_ALLOC(static_cast<std::size_t>(cpus));
    if (set == nullptr) return 1;
    const std::size_t size = CPU_ALLOC_SIZE(static_cast<std::size_t>(cpus));
    CPU_ZERO_S(size, set);
    const int result = ::sched_getaffinity(0, size, set);
    const int count = result == 0 ? CPU_COUNT_S(size, set) : 0;
    const int error = errno;
    CPU_FREE(set);
    if (result == 0) return count > 0 ? static_cast<unsigned>(count) : 1u;
    if (error != EINVAL) return 1;
  }
  return 1;
}

}  // namespace mosq
